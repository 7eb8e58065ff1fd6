"""Reading a partner's upload: CSV or XLSX bytes in, score rows and every problem out.

Nothing here touches the database or draws: the page and the CLI render the problems,
and nothing may be written unless `UploadResult.problems` is empty.

Decisions worth knowing:
- The format is decided by content; the file name only names the file in messages.
- `note` and `source` may be absent: every row's note or source is then empty, and a
  notice says so (an import may overwrite existing notes with nothing).
- A row is returned only when all required columns exist and the row has no problem.
- A text that begins with an apostrophe before `=`, `+`, `-` or `@` loses the apostrophe:
  our own exports add it so that a spreadsheet does not run the text as a formula.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd
from openpyxl import load_workbook

from niem.countries import resolve_country
from niem.exporting import FORMULA_PREFIXES

REQUIRED_COLUMNS = ("round", "country", "indicator", "score")
OPTIONAL_COLUMNS = ("note", "source")
# Written by niem.templates for orientation; read (revision) or ignored, never reported.
ORIENTATION_COLUMNS = ("title", "dimension", "step", "revision")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ORIENTATION_COLUMNS

ENCODING_NAMES = {"cp1257": "Windows-1257", "cp1250": "Windows-1250", "cp1252": "Windows-1252"}
# A zip that unpacks to far more than its size is a zip bomb, not a score sheet.
MAX_UNZIPPED_RATIO = 100
SEPARATOR_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab"}
SAVE_AS = "save the scores from Excel as CSV or XLSX and upload that"
SCORE_HINT = "enter a score from 0 to 100, or leave it empty for no data"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_WHOLE = re.compile(r"\d+(?:[.,]0*)?")

# Lowercase letters beyond ASCII of the languages written in each code page. The right code
# page turns the bytes into letters that one of its own languages uses together.
ALPHABETS = {
    "cp1257": (
        "āčēģīķļņšūž",  # Latvian
        "ąčęėįšųūž",  # Lithuanian
        "äõöüšž",  # Estonian
    ),
    "cp1250": (
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "čćđšž",  # Slovenian, Croatian
        "ăâîșțşţ",  # Romanian
    ),
    "cp1252": (
        "àâæçéèêëîïôœùûüÿ",  # French
        "áéíñóúü",  # Spanish
        "àèéìíîòóùú",  # Italian
        "àáâãçéêíóôõú",  # Portuguese
        "äöüß",  # German
        "éèëïóöü",  # Dutch
        "åäöéæø",  # Swedish, Danish, Norwegian
    ),
}
# Punctuation at the same byte in all three code pages: neither evidence nor suspicious.
NEUTRAL_SYMBOLS = set("€‚„…†‡‰‹›‘’“”•–—™\u00a0§©«»®°·\u00ad")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, where it is and how to fix it."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"file: {self.message}"
        if not self.column:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class UploadRow:
    """One score as the partner submitted it, checked and normalised."""

    row: int
    round_year: int
    country: str
    indicator: str
    value: float | None
    note: str
    source: str
    based_on_revision: int | None


@dataclass(frozen=True)
class UploadContext:
    """What the store knows and what the submitter may do, to check an upload against."""

    rounds: Mapping[int, frozenset[str]]
    indicators: Mapping[str, bool]
    editable_countries: frozenset[str] | None
    max_bytes: int


@dataclass(frozen=True)
class UploadResult:
    """The rows of an upload, the problems that block it and notices that do not."""

    rows: list[UploadRow]
    problems: list[Problem]
    notices: list[Problem]

    @property
    def valid(self) -> bool:
        """True when there is something to import and nothing wrong with it."""
        return bool(self.rows) and not self.problems


@dataclass(frozen=True)
class _Formula:
    text: str


@dataclass
class _Table:
    """Cells as read, before any check: header and rows with their spreadsheet numbers."""

    header_row: int
    header: list[str]
    rows: list[tuple[int, list[object]]]
    delimiter: str = ","


class _Unreadable(Exception):
    """The bytes are not a table we can read; the message says what to do instead."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def read_upload(data: bytes, filename: str, context: UploadContext) -> UploadResult:
    """Read a CSV or XLSX upload and check every row against the context."""
    if len(data) > context.max_bytes:
        size, limit = _size(len(data)), _size(context.max_bytes)
        # A caller may pass only the first limit + 1 bytes; then the size is not known.
        over = f"the file is {size}, over" if size != limit else "the file is over"
        return _file_problem(
            f"{over} the limit of {limit}; "
            "split it into smaller files or remove rows you did not change"
        )
    notices: list[Problem] = []
    table: _Table | None
    try:
        if data[:4] == b"PK\x03\x04":
            table = _read_workbook(data, filename, context.max_bytes, notices)
        else:
            table = _read_text(data, filename, notices)
    except _Unreadable as error:
        return UploadResult(rows=[], problems=[Problem(error.row, "", str(error))], notices=[])
    if table is None:
        return _file_problem("the file is empty; fill in the template and upload it again")
    return _check_table(table, context, notices)


def problems_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """The problems as a table with columns row, column and problem, for a CSV download."""
    return pd.DataFrame(
        {
            "row": pd.array([p.row for p in problems], dtype="Int64"),
            "column": [p.column for p in problems],
            "problem": [p.message for p in problems],
        }
    )


def _file_problem(message: str) -> UploadResult:
    return UploadResult(rows=[], problems=[Problem(None, "", message)], notices=[])


def _size(n: int) -> str:
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _not_a_table(filename: str, kind: str = "") -> _Unreadable:
    name = f'"{filename}"' if filename else "the file"
    what = f"is {kind}, not a CSV or XLSX file" if kind else "is not a CSV or XLSX file"
    return _Unreadable(f"{name} {what}; {SAVE_AS}")


def _binary_kind(data: bytes) -> str:
    signatures = (
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 (.xls) or password-protected workbook"),
        (b"\xff\xfe", "UTF-16 text (Excel's Unicode Text)"),
        (b"\xfe\xff", "UTF-16 text (Excel's Unicode Text)"),
        (b"{\\rtf", "a Rich Text document"),
    )
    for signature, kind in signatures:
        if data.startswith(signature):
            return kind
    return ""


def _zip_kind(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
        return "an OpenDocument file"
    return "a ZIP archive"


def _read_workbook(data: bytes, filename: str, max_bytes: int, notices: list[Problem]) -> _Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _not_a_table(filename, "a damaged ZIP archive") from error
    with archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise _not_a_table(filename, _zip_kind(archive))
        unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED_RATIO * max_bytes:
            raise _Unreadable(
                f"the workbook unpacks to {_size(unzipped)}, too much to read; "
                "save the scores sheet as CSV and upload that"
            )
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    # openpyxl raises many kinds of errors on damaged workbooks; all mean the same here.
    except Exception as error:
        raise _Unreadable(
            "the workbook could not be read; open it in Excel, save it again as XLSX "
            "and upload that"
        ) from error
    sheets = workbook.worksheets
    if not sheets:
        raise _Unreadable("the workbook has no sheets; put the scores on the first sheet")
    named = [s for s in sheets if s.title.strip().casefold() == "scores"]
    sheet = named[0] if named else sheets[0]
    if len(sheets) > 1 and not named:
        notices.append(
            Problem(
                None,
                "",
                f'read the first sheet, "{sheet.title}"; to read another one, name it "scores"',
            )
        )
    rows: list[tuple[int, list[object]]] = []
    for cells in sheet.iter_rows():
        values: list[object] = []
        for cell in cells:
            if cell.data_type == "f":
                text = cell.value if isinstance(cell.value, str) else cell.value.text
                values.append(_Formula(str(text)))
            else:
                values.append(cell.value)
        rows.append((cells[0].row, values))
    table = _split_header(rows)
    if table is None:
        raise _Unreadable(
            f'the sheet "{sheet.title}" is empty; put the scores on the first sheet '
            'or on a sheet named "scores"'
        )
    return table


def _read_text(data: bytes, filename: str, notices: list[Problem]) -> _Table | None:
    kind = _binary_kind(data)
    if kind or b"\x00" in data:
        raise _not_a_table(filename, kind)
    text, encoding = _decode(data)
    if encoding != "utf-8" and any(ord(c) > 127 for c in text):
        notices.append(
            Problem(
                None,
                "",
                f"the file was read as {ENCODING_NAMES[encoding]} text; if letters such as ā or é "
                'look wrong, save it from Excel as "CSV UTF-8" and upload that',
            )
        )
    if re.match(r"\s*<(?:!doctype|html|\?xml)", text, re.IGNORECASE):
        raise _not_a_table(filename, "a web page or XML document")
    delimiter = _delimiter(text)
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records.extend(reader)
    except csv.Error as error:
        if "field limit" in str(error):
            raise _Unreadable(
                f"a cell is longer than {csv.field_size_limit():,} characters; shorten it",
                row=len(records) + 1,
            ) from error
        # Lenient parsing would swallow the rest of the file into one cell; say where instead.
        raise _Unreadable(
            'a double quote (") is not closed or is followed by more text in the same cell; '
            'put the whole cell in double quotes and write a quote inside it as ""',
            row=len(records) + 1,
        ) from error
    table = _split_header([(number, list(cells)) for number, cells in enumerate(records, 1)])
    if table is not None:
        table.delimiter = delimiter
    return table


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 if it is valid, else the likeliest legacy code page."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[int, str, str] | None = None
    # On a tie the earlier code page wins: Baltic first, as the partners who asked for it.
    for encoding, alphabets in ALPHABETS.items():
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text, alphabets)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None:
        raise _Unreadable(
            "the text encoding could not be recognised; "
            'save the file from Excel as "CSV UTF-8" and upload that'
        )
    return best[1], best[2]


def _plausibility(text: str, alphabets: Sequence[str]) -> int:
    """How much the letters beyond ASCII look like one of these languages, minus stray symbols."""
    letters = [c.lower() for c in text if ord(c) > 127 and c.isalpha()]
    symbols = sum(1 for c in text if ord(c) > 127 and not c.isalpha() and c not in NEUTRAL_SYMBOLS)
    covered = max(sum(1 for c in letters if c in alphabet) for alphabet in alphabets)
    return covered - (len(letters) - covered) - 2 * symbols


def _delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first_line.count(d) for d in SEPARATOR_NAMES}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _split_header(rows: list[tuple[int, list[object]]]) -> _Table | None:
    filled = [(number, cells) for number, cells in rows if not _is_blank(cells)]
    if not filled:
        return None
    (header_row, header_cells), *data = filled
    header = [_text(cell) for cell in header_cells]
    return _Table(header_row=header_row, header=header, rows=data)


def _is_blank(cells: Sequence[object]) -> bool:
    return all(_text(cell) == "" for cell in cells)


def _text(value: object) -> str:
    """A cell's content as text, stripped; formulas as written."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, _Formula):
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


def _check_table(table: _Table, context: UploadContext, notices: list[Problem]) -> UploadResult:
    problems: list[Problem] = []
    columns = _read_header(table, problems, notices)
    order = {name: i for i, name in reversed(list(enumerate(table.header)))}
    for i, name in enumerate(REQUIRED_COLUMNS + OPTIONAL_COLUMNS):
        order.setdefault(name, len(table.header) + i)
    if not table.rows:
        problems.append(
            Problem(None, "", "the file has a header but no scores; add one row per score")
        )
    checker = _RowChecker(table, columns, context)
    rows = [row for number, cells in table.rows if (row := checker.check(number, cells))]
    problems.extend(checker.problems)
    if not all(name in columns for name in REQUIRED_COLUMNS):
        rows = []

    def position(problem: Problem) -> tuple[int, int]:
        return (problem.row or 0, order.get(problem.column, -1))

    return UploadResult(
        rows=rows, problems=sorted(problems, key=position), notices=sorted(notices, key=position)
    )


def _read_header(table: _Table, problems: list[Problem], notices: list[Problem]) -> dict[str, int]:
    """Known column name -> position; unknown, repeated and missing columns reported."""
    columns: dict[str, int] = {}
    row = table.header_row
    for index, name in enumerate(table.header):
        key = "".join(name.split()).casefold()
        if not key:
            if any(_text(cells[index]) for _, cells in table.rows if index < len(cells)):
                notices.append(
                    Problem(
                        row,
                        "",
                        f"column {index + 1} has values but no header; they are ignored",
                    )
                )
        elif key not in KNOWN_COLUMNS:
            notices.append(
                Problem(
                    row,
                    name,
                    "unknown column, ignored; the columns read are "
                    + ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
                )
            )
        elif key in columns:
            problems.append(
                Problem(row, name, f'the column "{key}" appears twice; keep only one of them')
            )
        else:
            columns[key] = index
    present = ", ".join(name for name in table.header if name) or "none"
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(
                Problem(
                    row,
                    name,
                    f'required column is missing; add a column named "{name}" '
                    f"(the file's columns are: {present})",
                )
            )
    for name in OPTIONAL_COLUMNS:
        if name not in columns:
            notices.append(
                Problem(
                    row,
                    name,
                    f"column is missing, so every score gets an empty {name}; "
                    f"add the column to give scores a {name}",
                )
            )
    return columns


class _RowChecker:
    """Checks data rows one by one, remembering what it saw to find duplicates."""

    def __init__(self, table: _Table, columns: dict[str, int], context: UploadContext) -> None:
        self.table = table
        self.columns = columns
        self.context = context
        self.problems: list[Problem] = []
        self.first_rows: dict[tuple[int, str, str], int] = {}
        self.country_codes: dict[str, str | None] = {}
        self.rounds = ", ".join(str(year) for year in sorted(context.rounds))
        self.indicators = {code.upper(): code for code in context.indicators}
        self.example_indicator = next(
            (code for code, scored in context.indicators.items() if scored), "MAI-L-01"
        )
        editable = sorted(context.editable_countries or ())
        self.example_country = editable[0] if editable else "LV"

    def name(self, key: str) -> str:
        return self.table.header[self.columns[key]].strip()

    def cell(self, cells: list[object], key: str) -> object:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def skipped(self, cells: list[object], key: str) -> bool:
        """True when the column is missing or the cell holds a formula: reported elsewhere."""
        return key not in self.columns or isinstance(self.cell(cells, key), _Formula)

    def report(self, number: int, key: str, message: str) -> None:
        self.problems.append(Problem(number, self.name(key), message))

    def check(self, number: int, cells: list[object]) -> UploadRow | None:
        """The row, if nothing in it is wrong; its problems are recorded either way."""
        if _is_blank(cells):
            return None
        before = len(self.problems)
        width = len(self.table.header)
        if any(_text(cell) for cell in cells[width:]):
            self.problems.append(
                Problem(
                    number,
                    "",
                    f"has values beyond the header's {width} columns; put any note, source or "
                    f"score that contains {SEPARATOR_NAMES[self.table.delimiter]} in double quotes",
                )
            )
        for key in self.columns:
            content = self.cell(cells, key)
            if isinstance(content, _Formula) and key not in ("title", "dimension", "step"):
                self.report(
                    number,
                    key,
                    f"contains a formula ({content.text}); paste values only "
                    "(Paste Special → Values)",
                )
        round_year = self.round_year(number, cells)
        country = self.country(number, cells, round_year)
        indicator = self.indicator(number, cells)
        value = self.score(number, cells)
        revision = self.revision(number, cells)
        if round_year is None or country is None or indicator is None:
            return None
        identity = (round_year, country, indicator)
        if identity in self.first_rows:
            self.report(
                number,
                "indicator",
                f"repeats row {self.first_rows[identity]} (round {round_year}, {country}, "
                f"{indicator}); keep only one of the two rows",
            )
        else:
            self.first_rows[identity] = number
        if len(self.problems) > before:
            return None
        return UploadRow(
            row=number,
            round_year=round_year,
            country=country,
            indicator=indicator,
            value=value,
            note=_free_text(self.cell(cells, "note")),
            source=_free_text(self.cell(cells, "source")),
            based_on_revision=revision,
        )

    def round_year(self, number: int, cells: list[object]) -> int | None:
        if self.skipped(cells, "round"):
            return None
        raw = self.cell(cells, "round")
        text = _text(raw)
        if not text:
            self.report(number, "round", f"is empty; enter the round year, one of {self.rounds}")
            return None
        year = _whole_number(raw)
        if year is None:
            self.report(
                number, "round", f'"{text}" is not a round year; enter one of {self.rounds}'
            )
            return None
        if year not in self.context.rounds:
            self.report(
                number, "round", f'"{text}" is not a known round; enter one of {self.rounds}'
            )
            return None
        return year

    def country(self, number: int, cells: list[object], round_year: int | None) -> str | None:
        if self.skipped(cells, "country"):
            return None
        raw = self.cell(cells, "country")
        text = _text(raw)
        hint = f"enter an ISO code such as {self.example_country}, or the English name"
        if not text:
            self.report(number, "country", f"is empty; {hint}")
            return None
        if text not in self.country_codes:
            self.country_codes[text] = resolve_country(text)
        code = self.country_codes[text]
        if code is None:
            self.report(number, "country", f'"{text}" is not a known country; {hint}')
            return None
        known = True
        editable = self.context.editable_countries
        if editable is not None and code not in editable:
            known = False
            if editable:
                allowed = ", ".join(sorted(editable))
                self.report(
                    number,
                    "country",
                    f"you may submit only for {allowed}; remove the rows for {code} "
                    f"or ask the coordinator for access to {code}",
                )
            else:
                self.report(
                    number,
                    "country",
                    "you may not submit for any country; ask the coordinator for access",
                )
        if round_year is not None and code not in self.context.rounds[round_year]:
            known = False
            members = " ".join(sorted(self.context.rounds[round_year]))
            self.report(
                number,
                "country",
                f"{code} is not in round {round_year}; the round's countries are {members}",
            )
        return code if known else None

    def indicator(self, number: int, cells: list[object]) -> str | None:
        if self.skipped(cells, "indicator"):
            return None
        raw = self.cell(cells, "indicator")
        text = _text(raw)
        hint = f"a code from the template, such as {self.example_indicator}"
        if not text:
            self.report(number, "indicator", f"is empty; enter {hint}")
            return None
        code = self.indicators.get("".join(text.split()).upper())
        if code is None:
            self.report(number, "indicator", f'"{text}" is not a known indicator code; use {hint}')
            return None
        if not self.context.indicators[code]:
            self.report(
                number,
                "indicator",
                f"{code} is a statistical indicator and is not scored; remove this row",
            )
            return None
        return code

    def score(self, number: int, cells: list[object]) -> float | None:
        if self.skipped(cells, "score"):
            return None
        raw = self.cell(cells, "score")
        text = _text(raw)
        if not text:
            return None
        value = _number(raw)
        if value is None:
            self.report(number, "score", f'"{text}" is not a number; {SCORE_HINT}')
            return None
        if not 0 <= value <= 100:
            self.report(number, "score", f'"{text}" is outside 0 to 100; {SCORE_HINT}')
            return None
        return value + 0.0

    def revision(self, number: int, cells: list[object]) -> int | None:
        if self.skipped(cells, "revision"):
            return None
        raw = self.cell(cells, "revision")
        text = _text(raw)
        if not text:
            return None
        revision = _whole_number(raw)
        if revision is None or revision < 1:
            self.report(
                number,
                "revision",
                f'"{text}" is not a revision number; keep the value from the downloaded '
                "template, or leave it empty",
            )
            return None
        return revision


def _number(value: object) -> float | None:
    """A finite number from a numeric cell or from text with a decimal point or comma."""
    if isinstance(value, bool) or isinstance(value, date | time):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value)
        if not _NUMBER.fullmatch(text):
            return None
        number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def _whole_number(value: object) -> int | None:
    """A whole number, such as a year, also when Excel wrote it as 2021.0."""
    if isinstance(value, bool) or isinstance(value, date | time):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(re.split(r"[.,]", text)[0]) if _WHOLE.fullmatch(text) else None


def _free_text(value: object) -> str:
    """A note or source as written, stripped, without our exporter's formula guard."""
    text = _text(value)
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text
