"""Reading a spreadsheet's cells: CSV or XLSX bytes in, a header and rows of cells out.

Nothing here knows what the cells mean (see `niem.importing`, which checks them). Decisions:
- The format is decided by content; the file name only names the file in messages.
- Every file is read within `niem.config.ReadLimits`, the same for CSV and XLSX: the work
  follows what the file really holds, and anything beyond a limit is refused.
- Text that is not UTF-8 is read in the legacy code page whose letters fit it best.
- The separator is the one the first line uses most: comma, semicolon or tab.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import cast

from niem.cells import (
    Table,
    Unreadable,
    not_a_table,
    size_text,
    split_header,
    too_long,
    too_many_rows,
    too_wide,
)
from niem.config import ReadLimits
from niem.i18n import N_, _

ENCODING_NAMES = {"cp1257": "Windows-1257", "cp1250": "Windows-1250", "cp1252": "Windows-1252"}
SEPARATOR_NAMES = {",": N_("a comma"), ";": N_("a semicolon"), "\t": N_("a tab")}

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


def read_cells(data: bytes, filename: str, limits: ReadLimits, notices: list[str]) -> Table | None:
    """The file's header and rows, or None if it has no cells; Unreadable if it is no table or
    goes beyond a limit.

    What a person should know about how it was read (its encoding, its sheet) is added to
    `notices`.
    """
    if len(data) > limits.bytes:
        size, limit = size_text(len(data)), size_text(limits.bytes)
        # A caller may pass only the first limit + 1 bytes; then the size is not known.
        if size != limit:
            raise Unreadable(
                _("the file is {size}, over the limit of {limit}; split it into smaller files or "
                  "remove rows you did not change").format(size=size, limit=limit)
            )
        raise Unreadable(
            _("the file is over the limit of {limit}; split it into smaller files or remove rows "
              "you did not change").format(limit=limit)
        )
    if data[:4] == b"PK\x03\x04":
        # Imported here: only a workbook needs openpyxl, which every command would load.
        from niem.workbooks import read_workbook

        return read_workbook(data, filename, limits, notices)
    return _read_text(data, filename, limits, notices)


def _binary_kind(data: bytes) -> str:
    signatures = (
        (b"%PDF", N_("a PDF document")),
        (b"\x89PNG", N_("a PNG image")),
        (b"\xff\xd8\xff", N_("a JPEG image")),
        (b"GIF8", N_("a GIF image")),
        (b"\xd0\xcf\x11\xe0", N_("an Excel 97-2003 (.xls) or password-protected workbook")),
        (b"\xff\xfe", N_("UTF-16 text (Excel's Unicode Text)")),
        (b"\xfe\xff", N_("UTF-16 text (Excel's Unicode Text)")),
        (b"{\\rtf", N_("a Rich Text document")),
    )
    for signature, kind in signatures:
        if data.startswith(signature):
            return kind
    return ""


def _read_text(data: bytes, filename: str, limits: ReadLimits, notices: list[str]) -> Table | None:
    kind = _binary_kind(data)
    if kind or b"\x00" in data:
        raise not_a_table(filename, kind)
    text, encoding = _decode(data)
    if encoding != "utf-8" and any(ord(c) > 127 for c in text):
        notices.append(
            _("the file was read as {encoding} text; if letters such as ā or é look wrong, save "
              'it from Excel as "CSV UTF-8" and upload that').format(
                encoding=ENCODING_NAMES[encoding]
            )
        )
    if re.match(r"\s*<(?:!doctype|html|\?xml)", text, re.IGNORECASE):
        raise not_a_table(filename, N_("a web page or XML document"))
    delimiter = _delimiter(text)
    table = split_header(list(_records(text, delimiter, limits)), plain_text=True)
    if table is not None:
        table.delimiter = delimiter
    return table


def _records(text: str, delimiter: str, limits: ReadLimits) -> Iterator[tuple[int, list[object]]]:
    """The rows with a value (none blank), numbered as a spreadsheet numbers them, within the
    limits."""
    # The csv module's own limit (131,072 by default) must not cut a cell shorter than ours.
    if csv.field_size_limit() <= limits.cell_characters:
        csv.field_size_limit(limits.cell_characters + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number, filled = 0, 0
    try:
        for number, cells in enumerate(reader, 1):
            last = _last_value(cells)
            if last == 0:
                continue
            if last > limits.columns:
                raise too_wide(last, limits.columns, number)
            # Empty cells beyond the last column read are separators a spreadsheet left.
            del cells[limits.columns :]
            if max(map(len, cells)) > limits.cell_characters:
                raise too_long(limits.cell_characters, number)
            filled += 1
            if filled > limits.rows + 1:  # the header is not a row of values
                raise too_many_rows(limits.rows, number)
            yield number, cast(list[object], cells)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise too_long(limits.cell_characters, number + 1) from error
        # Lenient parsing would swallow the rest of the file into one cell; say where instead.
        raise Unreadable(
            _('a double quote (") is not closed or is followed by more text in the same cell; '
              'put the whole cell in double quotes and write a quote inside it as ""'),
            row=number + 1,
        ) from error


def _last_value(cells: list[str]) -> int:
    """The 1-based position of the last cell that is not blank, 0 if there is none."""
    for position in range(len(cells), 0, -1):
        if cells[position - 1].strip():
            return position
    return 0


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
            _("the text encoding could not be recognised; "
              'save the file from Excel as "CSV UTF-8" and upload that')
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
