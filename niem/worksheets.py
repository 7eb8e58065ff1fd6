"""Streaming the XML parts of an XLSX workbook with expat, and a worksheet's cells into rows.

Used by `niem.workbooks`, which decides which parts to read. Each part is counted while it
unpacks and parsed element by element, never as a tree; a document type declaration (where
entity bombs live) makes the workbook unreadable.
"""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from xml.parsers import expat

from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

from niem.cells import (
    EXCEL_COLUMNS,
    Formula,
    Unreadable,
    Unusable,
    size_text,
    too_long,
    too_many_rows,
    too_wide,
)
from niem.config import ReadLimits
from niem.i18n import N_, _, count_text

CHUNK = 64 * 1024
EXCEL_ROWS = 1_048_576
REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")
NUMBER_VALUE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
DAMAGED = N_(
    "the workbook could not be read; open it in Excel, save it again as XLSX and upload that"
)


class Done(Exception):
    """Raised by a handler once the part has given all that is needed."""


def too_big(limits: ReadLimits) -> Unreadable:
    return Unreadable(
        _(
            "the workbook unpacks to more than {total} (or one of its parts to more than "
            "{part}), too much to read; save the scores sheet as CSV and upload that"
        ).format(total=size_text(limits.unpacked_bytes), part=size_text(limits.part_bytes))
    )


Start = Callable[[str, dict[str, str]], None]
End = Callable[[str], None]
Text = Callable[[str], None]
# Given how the part writes an element's name (`tag("c")` is "c", or "x:c" in a part that
# prefixes its elements), the handlers of one parse.
Handlers = Callable[[Callable[[str], str]], tuple[Start | None, End | None, Text | None]]


def _refuse_doctype(*_args: object) -> None:
    raise Unreadable(_(DAMAGED))


def parse_part(archive: zipfile.ZipFile, part: str, limits: ReadLimits, handlers: Handlers) -> None:
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
                    raise too_big(limits)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except Done:
        return
    except (KeyError, expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise Unreadable(_(DAMAGED)) from error
    except (NotImplementedError, RuntimeError, ValueError, OverflowError) as error:
        # Unknown compression, an encrypted part, a number out of range in an attribute.
        raise Unreadable(_(DAMAGED)) from error


class TextCollector:
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
        if not self.length:
            return ""
        text = "".join(self.parts) if self.length <= self.limit else None
        self.parts, self.length = [], 0
        return text


def whole_number(text: str | None) -> int:
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


class SheetReader:
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
                raise Done

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
                        "the cells hold more than {limit} characters of text in all, more "
                        "than a file within the size limit may; split it into smaller files"
                    ).format(limit=count_text(self.limits.bytes))
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
        collector = TextCollector(self.limits.cell_characters)
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
                        kind, style = pending.get("t", "n"), whole_number(pending.get("s"))
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
                        raise Done
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

        parse_part(archive, part, self.limits, handlers)

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
            index = whole_number(raw)
            if not 0 <= index < len(self.strings):
                raise Unreadable(_(DAMAGED), row=cell.row)
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
    number = whole_number(text)
    if not 1 <= number <= EXCEL_ROWS:
        raise Unreadable(_(DAMAGED))
    return number


def _reference(text: str | None, row: int, previous_column: int) -> tuple[int, int]:
    """The row and column of a cell reference such as B7; the next column without one."""
    if text is None:
        column = previous_column + 1
    else:
        match = REFERENCE.fullmatch(text)
        if match is None:
            raise Unreadable(_(DAMAGED), row=row or None)
        column = 0
        for letter in match.group(1):
            column = column * 26 + ord(letter) - ord("A") + 1
        row = int(match.group(2))
    if not 1 <= column <= EXCEL_COLUMNS or not 1 <= row <= EXCEL_ROWS:
        raise Unreadable(_(DAMAGED), row=row or None)
    return row, column
