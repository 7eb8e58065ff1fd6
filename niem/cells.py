"""A table's cells as read from a file, and turning one cell into text or a number.

Shared by the CSV reader (`niem.sheets`) and the XLSX reader (`niem.workbooks`); nothing here
knows what the cells mean.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from niem.i18n import _, count_text, ngettext, number_text

# Plain numbers only: ASCII digits, one decimal point or comma, no exponent, no underscores.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
WHOLE_NUMBER = re.compile(r"[0-9]{1,15}(?:[.,]0*)?")
EXCEL_COLUMNS = 16_384
# A spreadsheet runs a cell starting with these as a formula (tab and line breaks too, as
# some spreadsheets skip them before looking for "="); our exports put an apostrophe before.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula, kept as written: uploads must hold values."""

    text: str


@dataclass(frozen=True)
class Unusable:
    """A cell whose content cannot be taken as a value: what it shows, and why it is refused."""

    text: str
    message: str


@dataclass
class Table:
    """Cells as read, before any check: header and rows with their spreadsheet numbers."""

    header_row: int
    header: list[str]
    rows: list[tuple[int, list[object]]]
    delimiter: str = ","
    # Every cell is text and no row is blank (as CSV is read): the checks may rely on it.
    plain_text: bool = False


class Unreadable(Exception):
    """The bytes are not a table we can read; the message says what to do instead."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def not_a_table(filename: str, kind: str = "") -> Unreadable:
    """The refusal of a file that is no spreadsheet, saying what it is if that is known."""
    name = f'"{filename}"' if filename else _("the file")
    if kind:
        return Unreadable(
            _("{file} is {kind}, not a CSV or XLSX file; save the scores from Excel as CSV or "
              "XLSX and upload that").format(file=name, kind=_(kind))
        )
    return Unreadable(
        _("{file} is not a CSV or XLSX file; save the scores from Excel as CSV or XLSX and "
          "upload that").format(file=name)
    )


def column_name(index: int) -> str:
    """'column 702 (ZZ)' for a 1-based column number; beyond Excel's columns, the number only."""
    if index > EXCEL_COLUMNS:
        return _("column {number}").format(number=count_text(index))
    # Imported here: openpyxl loads its whole workbook model, and every command reads this
    # module (numbers are worded with it) while few ever name a column.
    from openpyxl.utils import get_column_letter

    return _("column {number} ({letters})").format(
        number=count_text(index), letters=get_column_letter(index)
    )


def too_long(limit: int, row: int) -> Unreadable:
    """The refusal of a cell longer than the limit, the same for every kind of file."""
    return Unreadable(
        _("a cell is longer than {limit} characters; shorten it").format(limit=count_text(limit)),
        row=row,
    )


def too_wide(index: int, limit: int, row: int) -> Unreadable:
    """The refusal of a value beyond the last column read."""
    return Unreadable(
        _("a value in {column} is beyond {last}, the last column read; delete it").format(
            column=column_name(index), last=column_name(limit)
        ),
        row=row,
    )


def too_many_rows(limit: int, row: int) -> Unreadable:
    """The refusal of a file with more rows of values than the limit."""
    return Unreadable(
        _("the file has more than {limit} rows with values; split it into smaller files").format(
            limit=count_text(limit)
        ),
        row=row,
    )


def size_text(n: int) -> str:
    """'1.5 MB', '12 KB', '300 bytes' (in Latvian '1,5 MB')."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{number_text(n / factor, 1, trailing_zeros=False)} {unit}"
    return ngettext("{count} byte", "{count} bytes", n).format(count=n)


def split_header(
    rows: list[tuple[int, list[object]]], *, plain_text: bool = False
) -> Table | None:
    """The first row with a value as the header, the rows after it as data; None if all blank.
    With `plain_text`, the rows are text and none is blank (as the CSV reader gives them)."""
    filled = rows if plain_text else [(n, cells) for n, cells in rows if not is_blank(cells)]
    if not filled:
        return None
    (header_row, header_cells), *data = filled
    header = [cell_text(cell) for cell in header_cells]
    return Table(header_row=header_row, header=header, rows=data, plain_text=plain_text)


def is_blank(cells: Sequence[object]) -> bool:
    """Whether every cell of a row is empty."""
    return all(cell_text(cell) == "" for cell in cells)


def free_text(value: object) -> str:
    """A cell as text, stripped, without our exporter's apostrophe before a formula-like start."""
    text = cell_text(value)
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def cell_text(value: object) -> str:
    """A cell's content as text, stripped; formulas as written."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, Formula | Unusable):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def cell_number(value: object) -> float | None:
    """A finite number from a numeric cell or from text with a decimal point or comma."""
    if isinstance(value, bool) or isinstance(value, date | time):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value)
        if not NUMBER.fullmatch(text):
            return None
        number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def looks_like_a_number(text: str) -> bool:
    """Whether Python would read the text as a number although it is not a plain one (`1e2`,
    full-width or Arabic-Indic digits, `1_000`)."""
    if not any(c.isdigit() for c in text):
        return False
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def cell_whole_number(value: object) -> int | None:
    """A whole number, such as a year, also when Excel wrote it as 2021.0."""
    if isinstance(value, bool) or isinstance(value, date | time):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = cell_text(value)
    return int(re.split(r"[.,]", text)[0]) if WHOLE_NUMBER.fullmatch(text) else None
