"""Reading the cells of an XLSX workbook, streaming, so the work follows the cells that exist.

The parts are read with expat, element by element, and never as a tree: a cell far away
costs one cell, not the empty sheet up to it, and a row of a million empty cells costs
nothing but the parse. Before anything is parsed, the sizes the archive declares are checked
against the limits, and each part is counted again while it unpacks. A document type
declaration (where entity bombs live) makes the workbook unreadable. Decisions:
- The sheet read is the visible one named "scores", else the first visible one; a notice
  says which when other visible sheets have values too.
- Macro-enabled workbooks (.xlsm) are refused: a partner saves the scores as .xlsx.
- Cells that hold no value we can use (error values, data-table formulas, unknown cell
  types, dates Excel cannot show) are kept as `Unusable`, for the checker to report with
  their row and column.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from xml.parsers import expat

from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from niem.cells import (
    EXCEL_COLUMNS,
    Formula,
    Table,
    Unreadable,
    Unusable,
    not_a_table,
    size_text,
    split_header,
    too_long,
    too_many_rows,
    too_wide,
)
from niem.config import ReadLimits
from niem.i18n import _

CHUNK = 64 * 1024
EXCEL_ROWS = 1_048_576
REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")
NUMBER_VALUE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
# Excel's longest number format code; longer ones are not read as dates.
MAX_FORMAT_CODE = 255
DAMAGED = "the workbook could not be read; open it in Excel, save it again as XLSX and upload that"
RELATIONSHIP_TYPES = ("worksheet", "chartsheet", "sharedStrings", "styles")


class _Done(Exception):
    """Raised by a handler once the part has given all that is needed."""


@dataclass
class _Sheet:
    title: str
    visible: bool
    part: str


@dataclass
class _Book:
    sheets: list[_Sheet] = field(default_factory=list)
    shared_strings_part: str | None = None
    styles_part: str | None = None
    date1904: bool = False


def read_workbook(data: bytes, filename: str, limits: ReadLimits, notices: list[str]) -> Table:
    """The header and rows of the workbook's scores sheet; Unreadable if it cannot be read."""
    archive = _open(data, filename, limits)
    with archive:
        book = _read_book(archive, limits)
        visible = [s for s in book.sheets if s.visible]
        if not visible:
            raise Unreadable(
                _("the workbook has no visible worksheet; put the scores on the first sheet")
            )
        named = [s for s in visible if s.title.strip().casefold() == "scores"]
        sheet = named[0] if named else visible[0]
        strings = _shared_strings(archive, book.shared_strings_part, limits)
        dates = _date_styles(archive, book.styles_part, limits)
        reader = _SheetReader(strings, dates, MAC_EPOCH if book.date1904 else WINDOWS_EPOCH, limits)
        rows = reader.read(archive, sheet.part)
        others = [s for s in visible if s is not sheet]
        if not named and any(reader.has_values(archive, s.part) for s in others):
            first = "first sheet" if sheet is book.sheets[0] else "first visible sheet"
            notices.append(
                f'read the {first}, "{sheet.title}"; to read another one, name it "scores"'
            )
    table = split_header(rows)
    if table is None:
        raise Unreadable(
            f'the sheet "{sheet.title}" is empty; put the scores on the first sheet '
            'or on a sheet named "scores"'
        )
    # The header reaches as far as the sheet's values: a value there is in an unnamed column.
    width = max(len(cells) for _number, cells in rows)
    table.header.extend([""] * (width - len(table.header)))
    return table


def _open(data: bytes, filename: str, limits: ReadLimits) -> zipfile.ZipFile:
    """The archive, once what it declares fits the limits and it is a workbook we read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise not_a_table(filename, "a damaged ZIP archive") from error
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        kind = _zip_kind(archive, names)
        archive.close()
        raise not_a_table(filename, kind)
    unpacked = 0
    for info in archive.infolist():
        unpacked += info.file_size
        if info.file_size > limits.part_bytes or unpacked > limits.unpacked_bytes:
            archive.close()
            raise _too_big(limits)
    if "xl/vbaProject.bin" in names:
        archive.close()
        raise Unreadable(
            _(
                "the workbook is macro-enabled (.xlsm); save it in Excel as "
                '"Excel Workbook (.xlsx)" and upload that'
            )
        )
    return archive


def _too_big(limits: ReadLimits) -> Unreadable:
    return Unreadable(
        _(
            "the workbook unpacks to more than {total} (or one of its parts to more than "
            "{part}), too much to read; save the scores sheet as CSV and upload that"
        ).format(total=size_text(limits.unpacked_bytes), part=size_text(limits.part_bytes))
    )


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    if "xl/workbook.bin" in names:
        return "an Excel binary workbook (.xlsb)"
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        if b"opendocument" in archive.read("mimetype"):
            return "an OpenDocument file"
    return "a ZIP archive"


Start = Callable[[str, dict[str, str]], None]
End = Callable[[str], None]
Text = Callable[[str], None]
# Given how the part writes an element's name (`tag("c")` is "c", or "x:c" in a part that
# prefixes its elements), the handlers of one parse.
Handlers = Callable[[Callable[[str], str]], tuple[Start | None, End | None, Text | None]]


def _refuse_doctype(*_args: object) -> None:
    raise Unreadable(DAMAGED)


def _parse(archive: zipfile.ZipFile, part: str, limits: ReadLimits, handlers: Handlers) -> None:
    """Stream one part through expat, counting what it unpacks to.

    A handler runs for every element, which is most of the cost: so the handlers compare
    names exactly as the part writes them, with the prefix its root element uses.
    """
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.buffer_text = True

    def root(name: str, attrs: dict[str, str]) -> None:
        prefix = name[: name.find(":") + 1]
        start, end, text = handlers(lambda local: prefix + local)
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        if start is not None:
            start(name, attrs)

    parser.StartElementHandler = root
    unpacked = 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                unpacked += len(chunk)
                if unpacked > limits.part_bytes:
                    raise _too_big(limits)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Done:
        return
    except (KeyError, expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise Unreadable(DAMAGED) from error
    except (NotImplementedError, RuntimeError, ValueError, OverflowError) as error:
        # Unknown compression, an encrypted part, a number out of range in an attribute.
        raise Unreadable(DAMAGED) from error


def _is_macro_enabled(archive: zipfile.ZipFile, limits: ReadLimits) -> bool:
    """Whether the content types declare a macro-enabled workbook (its main part's type)."""
    found = False

    def start(_name: str, attrs: dict[str, str]) -> None:
        nonlocal found
        if attrs.get("PartName") == "/xl/workbook.xml":
            found = "macroenabled" in attrs.get("ContentType", "").lower()

    if "[Content_Types].xml" in archive.namelist():
        _parse(archive, "[Content_Types].xml", limits, lambda _tag: (start, None, None))
    return found


def _read_book(archive: zipfile.ZipFile, limits: ReadLimits) -> _Book:
    """The sheets in their order, with their visibility and parts, and the shared parts."""
    book = _Book()
    if _is_macro_enabled(archive, limits):
        raise Unreadable(
            _(
                "the workbook is macro-enabled (.xlsm); save it in Excel as "
                '"Excel Workbook (.xlsx)" and upload that'
            )
        )
    declared: list[tuple[str, str, str]] = []

    def workbook(tag: Callable[[str], str]) -> tuple[Start, None, None]:
        properties, sheet = tag("workbookPr"), tag("sheet")

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == properties:
                book.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
            elif name == sheet:
                rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), "")
                declared.append((attrs.get("name", ""), attrs.get("state", ""), rid))

        return start, None, None

    _parse(archive, "xl/workbook.xml", limits, workbook)
    targets: dict[str, tuple[str, str]] = {}

    def relationship(_name: str, attrs: dict[str, str]) -> None:
        kind = attrs.get("Type", "").rpartition("/")[2]
        if kind in RELATIONSHIP_TYPES and attrs.get("TargetMode") != "External":
            targets[attrs.get("Id", "")] = (kind, _part_path(attrs.get("Target", "")))

    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        _parse(archive, "xl/_rels/workbook.xml.rels", limits, lambda _t: (relationship, None, None))
    for kind, path in targets.values():
        if kind == "sharedStrings":
            book.shared_strings_part = path
        elif kind == "styles":
            book.styles_part = path
    for title, state, rid in declared:
        kind, path = targets.get(rid, ("", ""))
        if kind == "worksheet":
            book.sheets.append(_Sheet(title, state in ("", "visible"), path))
    return book


def _part_path(target: str) -> str:
    """A relationship target as a path in the archive (targets are relative to xl/)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


class _TextCollector:
    """Collects the text of one value, keeping no more than the limit allows."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> None:
        self.length += len(text)
        if self.length <= self.limit:
            self.parts.append(text)

    def take(self) -> str | None:
        """The text, or None if it was longer than the limit."""
        text = "".join(self.parts) if self.length <= self.limit else None
        self.parts, self.length = [], 0
        return text


def _shared_strings(
    archive: zipfile.ZipFile, part: str | None, limits: ReadLimits
) -> list[str | None]:
    """Every shared string in order, stripped; None stands for one longer than a cell may be."""
    strings: list[str | None] = []
    if part is None or part not in archive.namelist():
        return strings
    collector = _TextCollector(limits.cell_characters)

    def handlers(tag: Callable[[str], str]) -> tuple[Start, End, Text]:
        string, text_run, phonetic_run = tag("si"), tag("t"), tag("rPh")
        inside = phonetic = 0

        def start(name: str, _attrs: dict[str, str]) -> None:
            nonlocal inside, phonetic
            if name == text_run:
                inside += 1
            elif name == phonetic_run:
                phonetic += 1

        def end(name: str) -> None:
            nonlocal inside, phonetic
            if name == text_run:
                inside -= 1
            elif name == phonetic_run:
                phonetic -= 1
            elif name == string:
                text = collector.take()
                strings.append(None if text is None else text.strip())

        def text(data: str) -> None:
            # Phonetic runs (rPh) are reading aids, not part of the string.
            if inside and not phonetic:
                collector.add(data)

        return start, end, text

    _parse(archive, part, limits, handlers)
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str | None, limits: ReadLimits) -> dict[int, bool]:
    """Cell style index -> True for a date or time format, False for a duration."""
    if part is None or part not in archive.namelist():
        return {}
    custom: dict[int, str] = {}
    formats: list[int] = []

    def handlers(tag: Callable[[str], str]) -> tuple[Start, End, None]:
        number_format, cell_formats, cell_format = tag("numFmt"), tag("cellXfs"), tag("xf")
        inside = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal inside
            if name == cell_format:
                if inside:
                    formats.append(_whole(attrs.get("numFmtId")))
            elif name == number_format:
                code = attrs.get("formatCode", "")
                if len(code) <= MAX_FORMAT_CODE:
                    custom[_whole(attrs.get("numFmtId"))] = code
            elif name == cell_formats:
                inside = True

        def end(name: str) -> None:
            nonlocal inside
            if name == cell_formats:
                inside = False

        return start, end, None

    _parse(archive, part, limits, handlers)
    kinds: dict[int, bool | None] = {}
    for format_id in set(formats):
        code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id, "")
        date = bool(code) and is_date_format(code)
        kinds[format_id] = not is_timedelta_format(code) if date else None
    return {i: kind for i, f in enumerate(formats) if (kind := kinds[f]) is not None}


def _whole(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 10 else -1


class _Cell:
    """One cell while it is being read."""

    __slots__ = ("row", "column", "kind", "style", "value", "inline", "formula", "formula_attrs")

    def __init__(self, row: int, column: int, kind: str, style: int) -> None:
        self.row, self.column, self.kind, self.style = row, column, kind, style
        self.value: str | None = None
        self.inline: str | None = None
        self.formula: str | None = None
        self.formula_attrs: dict[str, str] = {}


class _SheetReader:
    """Streams a worksheet's cells into rows of values, within the limits."""

    def __init__(
        self,
        strings: list[str | None],
        dates: dict[int, bool],
        epoch: datetime,
        limits: ReadLimits,
    ) -> None:
        self.strings = strings
        self.dates = dates
        self.epoch = epoch
        self.limits = limits

    def has_values(self, archive: zipfile.ZipFile, part: str) -> bool:
        """Whether the sheet has any value, reading no further than the first one."""
        found = False

        def row(_number: int, cells: dict[int, object]) -> None:
            nonlocal found
            if any(_has_text(v) for v in cells.values()):
                found = True
                raise _Done

        try:
            self._stream(archive, part, row)
        except Unreadable:
            return True
        return found

    def read(self, archive: zipfile.ZipFile, part: str) -> list[tuple[int, list[object]]]:
        """The rows that hold a value, each as a list of cells up to its last value."""
        rows: list[tuple[int, list[object]]] = []
        characters = 0

        def row(number: int, cells: dict[int, object]) -> None:
            nonlocal characters
            filled = {c: v for c, v in cells.items() if _has_text(v)}
            if not filled:
                return
            last = max(filled)
            if last > self.limits.columns:
                raise too_wide(last, self.limits.columns, number)
            if len(rows) > self.limits.rows:  # the header is not a row of values
                raise too_many_rows(self.limits.rows, number)
            characters += sum(len(v) for v in filled.values() if isinstance(v, str))
            if characters > self.limits.bytes:
                raise Unreadable(
                    _(
                        "the cells hold more than {limit:,} characters of text in all, more "
                        "than a file within the size limit may; split it into smaller files"
                    ).format(limit=self.limits.bytes)
                )
            rows.append((number, [filled.get(c) for c in range(1, last + 1)]))

        self._stream(archive, part, row)
        return rows

    def _stream(
        self,
        archive: zipfile.ZipFile,
        part: str,
        on_row: Callable[[int, dict[int, object]], None],
    ) -> None:
        # A handler runs for every element, so the state lives in local variables.
        row = column = phonetic = 0
        cells: dict[int, object] = {}
        cell: _Cell | None = None
        pending: dict[str, str] = {}
        into = ""
        collector = _TextCollector(self.limits.cell_characters)
        shared: dict[str, tuple[str, str]] = {}

        def handlers(tag: Callable[[str], str]) -> tuple[Start, End, Text]:
            c, row_, sheet_data, inline, phonetic_run = (
                tag(n) for n in ("c", "row", "sheetData", "is", "rPh")
            )
            # The elements whose text is a value (v), a formula (f) or a run of text (t).
            texts = {tag("v"): "v", tag("f"): "f", tag("t"): "t"}

            def start(name: str, attrs: dict[str, str]) -> None:
                nonlocal row, column, cells, cell, pending, into, phonetic
                if name == c:
                    reference = attrs.get("r")
                    if reference is None and column < EXCEL_COLUMNS:
                        column += 1
                    else:
                        row, column = _reference(reference, row, column)
                    pending = attrs
                elif name == row_:
                    row, column, cells = _row_number(attrs.get("r"), row), 0, {}
                elif name in texts or name == inline:
                    # Most cells are empty: a cell is made only once it has content.
                    if cell is None:
                        kind, style = pending.get("t", "n"), _whole(pending.get("s"))
                        cell = _Cell(row, column, kind, style)
                    into = texts.get(name, "")
                    if into == "f":
                        cell.formula_attrs = attrs
                elif name == phonetic_run:
                    phonetic += 1

            def text(data: str) -> None:
                if into and not phonetic:
                    collector.add(data)

            def end(name: str) -> None:
                nonlocal cell, into, phonetic
                if name == c:
                    if cell is not None and (value := self._value(cell, shared)) is not None:
                        cells[cell.column] = value
                    cell = None
                elif cell is None:
                    if name == row_:
                        on_row(row, cells)
                    elif name == sheet_data:
                        raise _Done
                elif into and texts.get(name) == into:
                    # Rich text has several runs (t); they are joined when the string ends.
                    if into != "t":
                        content = collector.take()
                        if content is None:
                            raise too_long(self.limits.cell_characters, cell.row)
                        if into == "v":
                            cell.value = content
                        else:
                            cell.formula = content
                    into = ""
                elif name == inline:
                    content = collector.take()
                    if content is None:
                        raise too_long(self.limits.cell_characters, cell.row)
                    cell.inline = content
                elif name == phonetic_run:
                    phonetic -= 1

            return start, end, text

        _parse(archive, part, self.limits, handlers)

    def _value(self, cell: _Cell, shared: dict[str, tuple[str, str]]) -> object:
        """What a cell holds: a value, a Formula, an Unusable cell, or None if empty."""
        if cell.formula is not None or cell.formula_attrs:
            return _formula(cell, shared)
        if cell.kind == "inlineStr":
            return (cell.inline or "").strip() or None
        raw = cell.value
        if raw is None:
            return None
        if cell.kind == "s":
            index = _whole(raw)
            if not 0 <= index < len(self.strings):
                raise Unreadable(DAMAGED, row=cell.row)
            text = self.strings[index]
            if text is None:
                raise too_long(self.limits.cell_characters, cell.row)
            return text or None
        if cell.kind == "str":
            return raw.strip() or None
        if cell.kind == "n":
            return self._number(cell, raw)
        if cell.kind == "b":
            return raw.strip() in ("1", "true")
        if cell.kind == "e":
            return Unusable(
                raw,
                _(
                    "is the error value {error}; enter the value itself, or leave the cell empty"
                ).format(error=raw),
            )
        if cell.kind == "d":
            try:
                return from_ISO8601(raw)
            except (ValueError, TypeError, OverflowError):
                return _bad_date(raw)
        return Unusable(
            raw[:40],
            _(
                'has a kind of content this app cannot read (cell type "{kind}"); '
                "type the value in again"
            ).format(kind=cell.kind[:20]),
        )

    def _number(self, cell: _Cell, raw: str) -> object:
        text = raw.strip()
        if not NUMBER_VALUE.fullmatch(text):
            return Unusable(
                text[:40], _("holds a number that cannot be read; type the value in again")
            )
        number = float(text)
        if not math.isfinite(number):
            return Unusable(
                text[:40], _("holds a number that cannot be read; type the value in again")
            )
        if cell.style in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=not self.dates[cell.style])
            except (OverflowError, ValueError):
                return _bad_date(text)
        return number


def _bad_date(text: str) -> Unusable:
    return Unusable(
        text[:40],
        _("is a date Excel cannot show; enter the value as a number or as text"),
    )


def _formula(cell: _Cell, shared: dict[str, tuple[str, str]]) -> Formula:
    """The formula as Excel shows it; shared formulas are translated from their first cell."""
    attrs = cell.formula_attrs
    kind = attrs.get("t", "")
    text = "=" + (cell.formula or "")
    if kind == "dataTable":
        inputs = ",".join(attrs[r][:20] for r in ("r1", "r2") if r in attrs)
        return Formula(f"=TABLE({inputs})")
    if kind == "shared":
        key = attrs.get("si", "")[:20]
        origin = f"{get_column_letter(cell.column)}{cell.row}"
        if cell.formula:
            shared[key] = (text, origin)
        elif key in shared:
            first, first_origin = shared[key]
            try:
                text = Translator(first, first_origin).translate_formula(origin)
            # The translator raises several kinds of errors on formulas it cannot parse.
            except Exception:
                text = first
    return Formula(text)


def _has_text(value: object) -> bool:
    return value is not None and value != ""


def _row_number(text: str | None, previous: int) -> int:
    if text is None:
        return previous + 1
    number = _whole(text)
    if not 1 <= number <= EXCEL_ROWS:
        raise Unreadable(DAMAGED)
    return number


def _reference(text: str | None, row: int, previous_column: int) -> tuple[int, int]:
    """The row and column of a cell reference such as B7; the next column without one."""
    if text is None:
        column = previous_column + 1
    else:
        match = REFERENCE.fullmatch(text)
        if match is None:
            raise Unreadable(DAMAGED, row=row or None)
        column = 0
        for letter in match.group(1):
            column = column * 26 + ord(letter) - ord("A") + 1
        row = int(match.group(2))
    if not 1 <= column <= EXCEL_COLUMNS or not 1 <= row <= EXCEL_ROWS:
        raise Unreadable(DAMAGED, row=row or None)
    return row, column
