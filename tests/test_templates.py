"""The upload template: the plain CSV, and the workbook made for people, read back on upload."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import store
from niem.accounts import OPERATOR
from niem.changes import ChangeKind, preview_changes
from niem.config import load_settings
from niem.database import open_session
from niem.exporting import to_csv_bytes
from niem.importing import UploadResult, read_upload, upload_context
from niem.templates import build_template, template_workbook

PLACEHOLDER = "illustrative (generated, not an expert score)"


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        yield opened


@pytest.fixture
def frame(session: Session) -> pd.DataFrame:
    return build_template(
        store.load_catalogue(session), store.current_scores_of(session, 2021, "LV"), 2021, "LV"
    )


@pytest.fixture
def workbook(frame: pd.DataFrame) -> Workbook:
    return load_workbook(io.BytesIO(template_workbook(frame)))


def scores(workbook: Workbook) -> Worksheet:
    sheet = workbook["scores"]
    assert isinstance(sheet, Worksheet)
    return sheet


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(session: Session, data: bytes, name: str = "LV.xlsx") -> UploadResult:
    context = upload_context(
        store.load_rounds(session),
        store.load_catalogue(session),
        OPERATOR,
        load_settings().upload_limits,
    )
    return read_upload(data, name, context)


def test_the_csv_template_keeps_its_columns_and_order(frame: pd.DataFrame) -> None:
    lines = to_csv_bytes(frame, for_excel=True).decode("utf-8-sig").splitlines()
    assert lines[0] == "round,country,indicator,score,note,source,title,dimension,step,revision"
    assert lines[1] == (
        f'2021,LV,MAI-L-01,73,,"{PLACEHOLDER}",Legal basis for integration support for '
        "beneficiaries,Mainstreaming,Setting the legal framework,1"
    )
    assert len(lines) == 121


def test_the_workbook_has_the_scores_sheet_first_and_then_the_instructions(
    workbook: Workbook,
) -> None:
    assert workbook.sheetnames == ["scores", "instructions"]
    assert workbook.active is not None and workbook.active.title == "scores"


def test_the_scores_sheet_puts_title_dimension_and_step_beside_the_code(
    workbook: Workbook,
) -> None:
    sheet = scores(workbook)
    assert [c.value for c in sheet[1]] == [
        "round", "country", "indicator", "title", "dimension", "step", "score", "note", "source",
        "revision",
    ]  # fmt: skip
    assert [c.value for c in sheet[2]] == [
        2021, "LV", "MAI-L-01", "Legal basis for integration support for beneficiaries",
        "Mainstreaming", "Setting the legal framework", 73, None, PLACEHOLDER, 1,
    ]  # fmt: skip
    assert sheet.max_row == 121
    assert sheet["C121"].value == "BRI-I-03"
    assert sheet["E62"].value == "Vocational training and employment-related education"


def test_the_header_is_frozen_with_the_code_and_title_and_the_columns_fit(
    workbook: Workbook,
) -> None:
    sheet = scores(workbook)
    assert sheet.freeze_panes == "E2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"}
    assert widths == {
        "A": 8, "B": 9, "C": 11, "D": 58, "E": 36, "F": 33, "G": 9, "H": 50, "I": 48, "J": 10,
    }  # fmt: skip
    assert sheet["D2"].alignment.shrink_to_fit is True
    assert sheet.auto_filter.ref == "A1:J121"


def test_the_score_column_accepts_only_decimals_from_0_to_100(workbook: Workbook) -> None:
    validations = scores(workbook).data_validations.dataValidation
    assert len(validations) == 1
    (score,) = validations
    assert (score.type, score.operator, score.formula1, score.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert str(score.sqref) == "G2:G121"
    assert (score.allow_blank, score.showErrorMessage, score.errorStyle) == (True, True, "stop")
    assert score.errorTitle == "Score from 0 to 100"
    assert score.error == (
        "The score must be a number from 0 to 100, such as 62.5 (or 62,5). Leave the cell empty "
        "when there is no data."
    )
    assert score.prompt == "A number from 0 to 100; leave it empty when there is no data."


def test_only_score_note_and_source_can_be_edited(workbook: Workbook) -> None:
    sheet = scores(workbook)
    protection = sheet.protection
    assert protection.sheet is True
    assert protection.password is None
    # Sorting, filtering and resizing stay allowed on the protected sheet.
    assert (protection.sort, protection.autoFilter, protection.formatColumns) == (
        False,
        False,
        False,
    )
    locked = {cell.column_letter: cell.protection.locked for cell in sheet[2]}
    assert locked == {
        "A": True, "B": True, "C": True, "D": True, "E": True, "F": True, "G": False,
        "H": False, "I": False, "J": True,
    }  # fmt: skip
    fills = {cell.column_letter: cell.fill.fgColor.rgb for cell in sheet[121]}
    assert fills["D"] == fills["E"] == fills["F"] == "00EDEDED"
    assert fills["G"] == fills["H"] == fills["I"] == "00000000"
    assert sheet["G1"].fill.fgColor.rgb == "00FFE699"
    assert sheet["D1"].fill.fgColor.rgb == "00D0D0D0"


def test_the_instructions_say_in_plain_words_what_to_fill_and_how_to_save(
    workbook: Workbook,
) -> None:
    sheet = workbook["instructions"]
    lines = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == "How to fill in this template (LV, round 2021)"
    assert len(lines) == 11
    assert lines[2] == (
        "score: a number from 0 to 100, such as 62.5. A decimal point or a decimal comma (62,5) "
        "are both fine. Leave the cell empty when there is no data; an emptied cell means the "
        "score becomes no data."
    )
    assert lines[9] == (
        "How to save: keep the file as an Excel workbook (.xlsx) and upload it. If you save a "
        'CSV file instead, choose "CSV UTF-8" in Excel, or in LibreOffice the character set '
        '"Unicode (UTF-8)" or "Baltic (Windows-1257)". Other character sets (Western Europe, '
        'Windows-1252, ISO-8859-15) turn ā, ē, ī, ū, ņ and ļ into "?", and such a file is '
        "refused."
    )
    assert f'A source that reads "{PLACEHOLDER}" marks a generated value' in lines[5]
    assert sheet.column_dimensions["A"].width == 110
    assert [sheet.row_dimensions[n].height for n in (10, 11)] == [54, 22]


def test_the_workbook_as_downloaded_uploads_with_no_problem_and_changes_nothing(
    session: Session, frame: pd.DataFrame
) -> None:
    result = upload(session, template_workbook(frame))
    assert (result.problems, result.notices, len(result.rows)) == ([], [], 120)
    assert preview_changes(session, result.rows).counts[ChangeKind.UNCHANGED] == 120


def test_an_edited_title_dimension_or_step_changes_nothing_and_is_no_problem(
    session: Session, frame: pd.DataFrame, workbook: Workbook
) -> None:
    untouched = upload(session, template_workbook(frame))
    sheet = scores(workbook)
    sheet["D2"] = "My own title"
    sheet["D3"] = "=1+1"
    sheet["D4"] = None
    sheet["E5"] = "Something else"
    sheet["F6"] = 12345
    result = upload(session, saved(workbook))
    assert (result.problems, result.notices) == ([], [])
    assert result.rows == untouched.rows
    assert preview_changes(session, result.rows).changes == []


def test_a_score_typed_into_the_workbook_is_read_with_its_note(
    session: Session, workbook: Workbook
) -> None:
    sheet = scores(workbook)
    sheet["G2"] = 55.5
    sheet["H2"] = "Jauns vērtējums: ā, š"
    sheet["I2"] = "Likums, 2021"
    result = upload(session, saved(workbook))
    assert result.problems == []
    (change,) = preview_changes(session, result.rows).changes
    assert (change.indicator, change.before, change.after, change.after_note) == (
        "MAI-L-01",
        73,
        55.5,
        "Jauns vērtējums: ā, š",
    )
    assert change.after_source == "Likums, 2021"


def test_the_instructions_sheet_is_never_read_as_scores(
    session: Session, workbook: Workbook
) -> None:
    workbook.move_sheet("instructions", offset=-1)
    assert workbook.sheetnames == ["instructions", "scores"]
    result = upload(session, saved(workbook))
    assert (result.problems, result.notices, len(result.rows)) == ([], [], 120)
    # Renamed, the scores sheet is still read before the instructions that come first.
    scores(workbook).title = "Lapa1"
    result = upload(session, saved(workbook))
    assert (result.problems, result.notices, len(result.rows)) == ([], [], 120)


def test_a_workbook_of_only_instructions_is_refused_saying_where_scores_go(
    session: Session, workbook: Workbook
) -> None:
    del workbook["scores"]
    result = upload(session, saved(workbook))
    assert [str(p) for p in result.problems] == [
        'file: the workbook has only the "instructions" sheet; put the scores on a sheet named '
        '"scores"'
    ]
    assert result.rows == []


def test_an_unknown_code_suggests_the_nearest_codes_closest_first(session: Session) -> None:
    data = b"round,country,indicator,score\n2021,LV,EDU-P-09,50\n2021,LV,edu-p-1,50\n"
    result = upload(session, data, "lv.csv")
    assert [str(p) for p in result.problems] == [
        'row 2, column indicator: "EDU-P-09" is not a known indicator code; did you mean '
        "EDU-P-01 or EDU-P-02 or EDU-P-03? The template lists every code",
        'row 3, column indicator: "edu-p-1" is not a known indicator code; did you mean '
        "EDU-P-01 or EDU-I-01 or EDU-L-01? The template lists every code",
    ]
