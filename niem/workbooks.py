"""Reading the cells of an XLSX workbook, streaming, so the work follows the cells that exist.

The parts are read with expat, element by element, and never as a tree: a cell far away
costs one cell, not the empty sheet up to it, and a row of a million empty cells costs
nothing but the parse. Before anything is parsed, the sizes the archive declares are checked
against the limits, and each part is counted again while it unpacks. A document type
declaration (where entity bombs live) makes the workbook unreadable. Decisions:
- The sheet read is the visible one named "scores", else the first visible one that is not
  the template's "instructions"; a notice says which when other visible sheets have values.
- Macro-enabled workbooks (.xlsm) are refused: a partner saves the scores as .xlsx.
- Cells that hold no value we can use (error values, data-table formulas, unknown cell
  types, dates Excel cannot show) are kept as `Unusable`, for the checker to report with
  their row and column.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

from niem.cells import (
    Table,
    Unreadable,
    not_a_table,
    split_header,
)
from niem.config import ReadLimits
from niem.i18n import N_, _
from niem.worksheets import (
    End,
    SheetReader,
    Start,
    Text,
    TextCollector,
    parse_part,
    too_big,
    whole_number,
)

# Excel's longest number format code; longer ones are not read as dates.
MAX_FORMAT_CODE = 255
RELATIONSHIP_TYPES = ("worksheet", "chartsheet", "sharedStrings", "styles")
# The sheet names of the template `niem.templates` writes.
SCORES_SHEET = "scores"
INSTRUCTIONS_SHEET = "instructions"


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
        named = [s for s in visible if _titled(s, SCORES_SHEET)]
        # Our template's instructions are never data, wherever the partner moved them.
        candidates = [s for s in visible if not _titled(s, INSTRUCTIONS_SHEET)]
        if not candidates:
            raise Unreadable(
                _('the workbook has only the "instructions" sheet; put the scores on a sheet '
                  'named "scores"')
            )
        sheet = named[0] if named else candidates[0]
        strings = _shared_strings(archive, book.shared_strings_part, limits)
        dates = _date_styles(archive, book.styles_part, limits)
        reader = SheetReader(strings, dates, MAC_EPOCH if book.date1904 else WINDOWS_EPOCH, limits)
        rows = reader.read(archive, sheet.part)
        others = [s for s in candidates if s is not sheet]
        if not named and any(reader.has_values(archive, s.part) for s in others):
            first = sheet is book.sheets[0]
            notices.append(
                (
                    _('read the first sheet, "{sheet}"; to read another one, name it "scores"')
                    if first
                    else _('read the first visible sheet, "{sheet}"; to read another one, name '
                           'it "scores"')
                ).format(sheet=sheet.title)
            )
    table = split_header(rows)
    if table is None:
        raise Unreadable(
            _('the sheet "{sheet}" is empty; put the scores on the first sheet or on a sheet '
              'named "scores"').format(sheet=sheet.title)
        )
    # The header reaches as far as the sheet's values: a value there is in an unnamed column.
    width = max(len(cells) for _number, cells in rows)
    table.header.extend([""] * (width - len(table.header)))
    return table


def _titled(sheet: _Sheet, title: str) -> bool:
    return sheet.title.strip().casefold() == title


def _open(data: bytes, filename: str, limits: ReadLimits) -> zipfile.ZipFile:
    """The archive, once what it declares fits the limits and it is a workbook we read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise not_a_table(filename, N_("a damaged ZIP archive")) from error
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
            raise too_big(limits)
    if "xl/vbaProject.bin" in names:
        archive.close()
        raise Unreadable(
            _(
                "the workbook is macro-enabled (.xlsm); save it in Excel as "
                '"Excel Workbook (.xlsx)" and upload that'
            )
        )
    return archive


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "word/document.xml" in names:
        return N_("a Word document")
    if "ppt/presentation.xml" in names:
        return N_("a PowerPoint presentation")
    if "xl/workbook.bin" in names:
        return N_("an Excel binary workbook (.xlsb)")
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        if b"opendocument" in archive.read("mimetype"):
            return N_("an OpenDocument file")
    return N_("a ZIP archive")


def _is_macro_enabled(archive: zipfile.ZipFile, limits: ReadLimits) -> bool:
    """Whether the content types declare a macro-enabled workbook (its main part's type)."""
    found = False

    def start(_name: str, attrs: dict[str, str]) -> None:
        nonlocal found
        if attrs.get("PartName") == "/xl/workbook.xml":
            found = "macroenabled" in attrs.get("ContentType", "").lower()

    if "[Content_Types].xml" in archive.namelist():
        parse_part(archive, "[Content_Types].xml", limits, lambda _tag: (start, None, None))
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

    parse_part(archive, "xl/workbook.xml", limits, workbook)
    targets: dict[str, tuple[str, str]] = {}

    def relationship(_name: str, attrs: dict[str, str]) -> None:
        kind = attrs.get("Type", "").rpartition("/")[2]
        if kind in RELATIONSHIP_TYPES and attrs.get("TargetMode") != "External":
            targets[attrs.get("Id", "")] = (kind, _part_path(attrs.get("Target", "")))

    relationships = "xl/_rels/workbook.xml.rels"
    if relationships in archive.namelist():
        parse_part(archive, relationships, limits, lambda _t: (relationship, None, None))
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


def _shared_strings(
    archive: zipfile.ZipFile, part: str | None, limits: ReadLimits
) -> list[str | None]:
    """Every shared string in order, stripped; None stands for one longer than a cell may be."""
    strings: list[str | None] = []
    if part is None or part not in archive.namelist():
        return strings
    collector = TextCollector(limits.cell_characters)

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
            if name == string:
                text = collector.take()
                strings.append(None if text is None else text.strip())
            elif name == text_run:
                inside -= 1
            elif name == phonetic_run:
                phonetic -= 1

        def text(data: str) -> None:
            # Phonetic runs (rPh) are reading aids, not part of the string.
            if inside and not phonetic:
                collector.add(data)

        return start, end, text

    parse_part(archive, part, limits, handlers)
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
                    formats.append(whole_number(attrs.get("numFmtId")))
            elif name == number_format:
                code = attrs.get("formatCode", "")
                if len(code) <= MAX_FORMAT_CODE:
                    custom[whole_number(attrs.get("numFmtId"))] = code
            elif name == cell_formats:
                inside = True

        def end(name: str) -> None:
            nonlocal inside
            if name == cell_formats:
                inside = False

        return start, end, None

    parse_part(archive, part, limits, handlers)
    kinds: dict[int, bool | None] = {}
    for format_id in set(formats):
        code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id, "")
        date = bool(code) and is_date_format(code)
        kinds[format_id] = not is_timedelta_format(code) if date else None
    return {i: kind for i, f in enumerate(formats) if (kind := kinds[f]) is not None}
