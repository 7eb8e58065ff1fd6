"""Upload templates: one country and round, prefilled with the current values.

The CSV is the plain table. The XLSX is made for people: the code's title, dimension and step
beside it, a frozen header, widths that fit, a 0–100 check on scores, the columns a partner
does not fill locked and grey (without a password: the lock only guards against slips), and
an "instructions" sheet that the upload never reads.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from niem.errors import UnknownChoice
from niem.exporting import neutralise_formulas, to_csv_bytes
from niem.i18n import _
from niem.store import ILLUSTRATIVE_SOURCE, Catalogue, PublishedValue, RoundInfo
from niem.workbooks import INSTRUCTIONS_SHEET, SCORES_SHEET

TEMPLATE_COLUMNS = ["round", "country", "indicator", "score", "note", "source"]
# Read back but never stored: titles orient the expert; `revision` (where the prefilled value
# came from) lets an upload notice that someone else changed the value in the meantime.
ORIENTATION_COLUMNS = ["title", "dimension", "step", "revision"]

# The workbook puts what a code means beside it; the upload reads columns by name.
WORKBOOK_COLUMNS = [
    "round", "country", "indicator", "title", "dimension", "step", "score", "note", "source",
    "revision",
]  # fmt: skip
EDITABLE_COLUMNS = ("score", "note", "source")
# Characters wide, for the usual lengths; see ALIGNMENTS for longer ones.
COLUMN_WIDTHS = {
    "round": 8, "country": 9, "indicator": 11, "title": 58, "dimension": 36, "step": 33,
    "score": 9, "note": 50, "source": 48, "revision": 10,
}  # fmt: skip
# Scrolling keeps the header and everything up to the title in view.
FROZEN_CELL = "E2"
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
# Fonts named in full: a font without a name is a serif in LibreOffice.
LOCKED_FONT = Font(name="Calibri", size=11, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="D0D0D0")
EDITABLE_HEADER_FILL = PatternFill("solid", fgColor="FFE699")
HEADER_FONT = Font(name="Calibri", size=11, bold=True)
UNLOCKED = Protection(locked=False)
# A long title or dimension shrinks to its column rather than being cut off.
ALIGNMENTS = {
    "round": Alignment(horizontal="center"),
    "country": Alignment(horizontal="center"),
    "title": Alignment(shrink_to_fit=True),
    "dimension": Alignment(shrink_to_fit=True),
}
# Excel refuses a validation message longer than this, and a title longer than 32.
MAX_MESSAGE = 255
MAX_TITLE = 32
INSTRUCTIONS_WIDTH = 110
INSTRUCTION_LINE_CHARACTERS = 125
LINE_HEIGHT = 16
ROW_GAP = 6


def check_round_country(rounds: list[RoundInfo], round_year: int, country: str) -> RoundInfo:
    """The round, if it exists and the country took part in it."""
    by_year = {r.year: r for r in rounds}
    if round_year not in by_year:
        choices = ", ".join(str(y) for y in by_year)
        raise UnknownChoice(f"unknown round {round_year}; choose one of {choices}")
    round_info = by_year[round_year]
    if country not in round_info.countries:
        raise UnknownChoice(
            f"country {country} is not in round {round_year}; "
            f"its countries are {' '.join(round_info.countries)}"
        )
    return round_info


def build_template(
    catalogue: Catalogue,
    scores: list[PublishedValue],
    round_year: int,
    country: str,
) -> pd.DataFrame:
    """One row per scored indicator, with current values and titles for orientation."""
    current = {
        s.indicator: s for s in scores if s.round_year == round_year and s.country == country
    }
    rows = []
    for code, indicator in catalogue.indicators.items():
        if not indicator.scored:
            continue
        score = current.get(code)
        rows.append(
            {
                "round": round_year,
                "country": country,
                "indicator": code,
                "score": score.value if score else None,
                "note": score.note if score else "",
                "source": score.source if score else "",
                "title": indicator.title,
                "dimension": catalogue.dimensions[indicator.dimension_code],
                "step": catalogue.steps[indicator.step_code],
                "revision": score.revision_id if score else None,
            }
        )
    frame = pd.DataFrame(rows, columns=TEMPLATE_COLUMNS + ORIENTATION_COLUMNS)
    return frame.astype({"revision": "Int64"})


def template_as_upload(frame: pd.DataFrame) -> bytes:
    """A template edited in the app as the CSV a partner would upload, so it takes the same
    checks as a file."""
    return to_csv_bytes(frame.reset_index(drop=True))


def template_workbook(frame: pd.DataFrame) -> bytes:
    """The template as an XLSX workbook: the scores sheet, then the instructions sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SCORES_SHEET
    _fill_scores(sheet, frame)
    _fill_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), frame)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_scores(sheet: Worksheet, frame: pd.DataFrame) -> None:
    safe = neutralise_formulas(frame[WORKBOOK_COLUMNS]).astype(object)
    sheet.append(WORKBOOK_COLUMNS)
    for values in safe.itertuples(index=False, name=None):
        sheet.append([None if pd.isna(v) else v for v in values])
    last_row = len(frame) + 1
    for index, name in enumerate(WORKBOOK_COLUMNS, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS[name]
        editable = name in EDITABLE_COLUMNS
        header = sheet.cell(row=1, column=index)
        header.font = HEADER_FONT
        header.fill = EDITABLE_HEADER_FILL if editable else HEADER_FILL
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=index, max_col=index):
            if editable:
                cell.protection = UNLOCKED
            else:
                cell.fill = LOCKED_FILL
                cell.font = LOCKED_FONT
            if name in ALIGNMENTS:
                cell.alignment = ALIGNMENTS[name]
    sheet.freeze_panes = FROZEN_CELL
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(WORKBOOK_COLUMNS))}{last_row}"
    score = get_column_letter(WORKBOOK_COLUMNS.index("score") + 1)
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=_("Score from 0 to 100")[:MAX_TITLE],
        error=_(
            "The score must be a number from 0 to 100, such as 62.5 (or 62,5). Leave the cell "
            "empty when there is no data."
        )[:MAX_MESSAGE],
        showInputMessage=True,
        promptTitle=_("Score")[:MAX_TITLE],
        prompt=_("A number from 0 to 100; leave it empty when there is no data.")[:MAX_MESSAGE],
    )
    validation.add(f"{score}2:{score}{max(last_row, 2)}")
    sheet.add_data_validation(validation)
    # Locked cells take effect only on a protected sheet; sorting, filtering and resizing
    # stay allowed (False means "not protected" for these flags).
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False


def _fill_instructions(sheet: Worksheet, frame: pd.DataFrame) -> None:
    country = str(frame["country"].iloc[0]) if len(frame) else ""
    round_year = str(frame["round"].iloc[0]) if len(frame) else ""
    title = _("How to fill in this template ({country}, round {round})").format(
        country=country, round=round_year
    )
    lines = [
        _('The scores are on the sheet "scores", one row per indicator. Fill in the columns '
          "with a yellow header: score, note and source. The grey columns say which score a row "
          "is and what it measures; they are locked so that they are not changed by mistake."),
        _("score: a number from 0 to 100, such as 62.5. A decimal point or a decimal comma "
          "(62,5) are both fine. Leave the cell empty when there is no data; an emptied cell "
          "means the score becomes no data."),
        _("note: in your own words, why the score is what it is: the law, the practice, what "
          "changed. Any language, any length that fits in one cell."),
        _("source: where the score comes from: the law, report or web address. Put several "
          "sources in the same cell, separated by semicolons."),
        _('A source that reads "{placeholder}" marks a generated value, not an expert score. '
          "Replace it with your source when you change the score or the note; if you leave it, "
          "it is removed from the changed rows and the upload tells you which rows.").format(
            placeholder=ILLUSTRATIVE_SOURCE
        ),
        _("round, country, indicator: which score the row is. Do not change them. title, "
          "dimension and step: what the indicator is and where it counts. They are only there "
          "to help you: the upload ignores them, so changing them changes nothing."),
        _("revision: the stored value this row was filled from. Keep it: it lets the upload "
          "tell you when someone else changed the same score after you downloaded this "
          "template."),
        _("Rows you do not change stay as they are. Do not add columns, and keep the sheet "
          'named "scores".'),
        _("How to save: keep the file as an Excel workbook (.xlsx) and upload it. If you save "
          'a CSV file instead, choose "CSV UTF-8" in Excel, or in LibreOffice the character set '
          '"Unicode (UTF-8)" or "Baltic (Windows-1257)". Other character sets (Western Europe, '
          'Windows-1252, ISO-8859-15) turn ā, ē, ī, ū, ņ and ļ into "?", and such a file is '
          "refused."),
        _("The lock has no password: to change a grey cell on purpose, use Review → Unprotect "
          "Sheet."),
    ]
    sheet.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    sheet.append([title])
    sheet["A1"].font = Font(name="Calibri", size=14, bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for line in lines:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).alignment = wrapped
        # Excel does not fit a row to wrapped text on opening; give each its lines' height.
        lines_of_text = 1 + len(line) // INSTRUCTION_LINE_CHARACTERS
        sheet.row_dimensions[sheet.max_row].height = LINE_HEIGHT * lines_of_text + ROW_GAP
