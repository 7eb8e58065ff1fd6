"""Reading a spreadsheet's cells: CSV or XLSX bytes in, a header and rows of cells out.

Nothing here knows what the cells mean (see `niem.importing`, which checks them). Decisions:
- The format is decided by content; the file name only names the file in messages.
- Text that is not UTF-8 is read in the legacy code page whose letters fit it best.
- The separator is the one the first line uses most: comma, semicolon or tab.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from openpyxl import load_workbook

ENCODING_NAMES = {"cp1257": "Windows-1257", "cp1250": "Windows-1250", "cp1252": "Windows-1252"}
# A zip that unpacks to far more than its size is a zip bomb, not a score sheet.
MAX_UNZIPPED_RATIO = 100
SEPARATOR_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab"}
SAVE_AS = "save the scores from Excel as CSV or XLSX and upload that"
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
WHOLE_NUMBER = re.compile(r"\d+(?:[.,]0*)?")

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
class Formula:
    """A cell holding a formula, kept as written: uploads must hold values."""

    text: str


@dataclass
class Table:
    """Cells as read, before any check: header and rows with their spreadsheet numbers."""

    header_row: int
    header: list[str]
    rows: list[tuple[int, list[object]]]
    delimiter: str = ","


class Unreadable(Exception):
    """The bytes are not a table we can read; the message says what to do instead."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def read_cells(data: bytes, filename: str, max_bytes: int, notices: list[str]) -> Table | None:
    """The file's header and rows, or None if it has no cells; Unreadable if it is no table.

    What a person should know about how it was read (its encoding, its sheet) is added to
    `notices`.
    """
    if data[:4] == b"PK\x03\x04":
        return _read_workbook(data, filename, max_bytes, notices)
    return _read_text(data, filename, notices)


def size_text(n: int) -> str:
    """'1.5 MB', '12 KB', '300 bytes'."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def _not_a_table(filename: str, kind: str = "") -> Unreadable:
    name = f'"{filename}"' if filename else "the file"
    what = f"is {kind}, not a CSV or XLSX file" if kind else "is not a CSV or XLSX file"
    return Unreadable(f"{name} {what}; {SAVE_AS}")


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


def _read_workbook(data: bytes, filename: str, max_bytes: int, notices: list[str]) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _not_a_table(filename, "a damaged ZIP archive") from error
    with archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise _not_a_table(filename, _zip_kind(archive))
        unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED_RATIO * max_bytes:
            raise Unreadable(
                f"the workbook unpacks to {size_text(unzipped)}, too much to read; "
                "save the scores sheet as CSV and upload that"
            )
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    # openpyxl raises many kinds of errors on damaged workbooks; all mean the same here.
    except Exception as error:
        raise Unreadable(
            "the workbook could not be read; open it in Excel, save it again as XLSX "
            "and upload that"
        ) from error
    sheets = workbook.worksheets
    if not sheets:
        raise Unreadable("the workbook has no sheets; put the scores on the first sheet")
    named = [s for s in sheets if s.title.strip().casefold() == "scores"]
    sheet = named[0] if named else sheets[0]
    if len(sheets) > 1 and not named:
        notices.append(
            f'read the first sheet, "{sheet.title}"; to read another one, name it "scores"'
        )
    rows: list[tuple[int, list[object]]] = []
    for cells in sheet.iter_rows():
        values: list[object] = []
        for cell in cells:
            if cell.data_type == "f":
                text = cell.value if isinstance(cell.value, str) else cell.value.text
                values.append(Formula(str(text)))
            else:
                values.append(cell.value)
        rows.append((cells[0].row, values))
    table = _split_header(rows)
    if table is None:
        raise Unreadable(
            f'the sheet "{sheet.title}" is empty; put the scores on the first sheet '
            'or on a sheet named "scores"'
        )
    return table


def _read_text(data: bytes, filename: str, notices: list[str]) -> Table | None:
    kind = _binary_kind(data)
    if kind or b"\x00" in data:
        raise _not_a_table(filename, kind)
    text, encoding = _decode(data)
    if encoding != "utf-8" and any(ord(c) > 127 for c in text):
        notices.append(
            f"the file was read as {ENCODING_NAMES[encoding]} text; if letters such as ā or é "
            'look wrong, save it from Excel as "CSV UTF-8" and upload that'
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
            raise Unreadable(
                f"a cell is longer than {csv.field_size_limit():,} characters; shorten it",
                row=len(records) + 1,
            ) from error
        # Lenient parsing would swallow the rest of the file into one cell; say where instead.
        raise Unreadable(
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
        raise Unreadable(
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


def _split_header(rows: list[tuple[int, list[object]]]) -> Table | None:
    filled = [(number, cells) for number, cells in rows if not is_blank(cells)]
    if not filled:
        return None
    (header_row, header_cells), *data = filled
    header = [cell_text(cell) for cell in header_cells]
    return Table(header_row=header_row, header=header, rows=data)


def is_blank(cells: Sequence[object]) -> bool:
    """Whether every cell of a row is empty."""
    return all(cell_text(cell) == "" for cell in cells)


def cell_text(value: object) -> str:
    """A cell's content as text, stripped; formulas as written."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, Formula):
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
