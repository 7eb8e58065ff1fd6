"""An upload against the current values: letters lost to a legacy encoding, the placeholder
source."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import store
from niem.accounts import OPERATOR, Account, add_user, current_account, load_account
from niem.changes import ChangeKind, preview_changes
from niem.config import load_settings
from niem.database import open_session
from niem.errors import NiemError
from niem.exporting import to_csv_bytes
from niem.illustrative import SOURCE as PLACEHOLDER
from niem.importing import UploadResult, UploadRow, read_upload, upload_context
from niem.revisions import submit
from niem.templates import build_template
from niem.upload_checks import check_against_current, first_lost_letter
from tests.conftest import table_rows

# Storage: every test here that uses a database runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

PASSWORD = "correct horse"
# The notes of BRI-I-01, BRI-I-02 and BRI-I-03: rows 119, 120 and 121 of the LV template.
NOTES = {
    "BRI-I-01": "Rīgas pašvaldība palīdz ģimenēm un bērniem",
    "BRI-I-02": "Ārstu konsultācijas latviešu valodā",
    "BRI-I-03": "Kopš 2020. gada Rīgā",
}
SOURCE = "Valsts kanceleja, 2021"


@pytest.mark.parametrize(
    ("current", "submitted", "expected"),
    [
        ("Rīga", "R?ga", 1),
        ("Rīga", "Riga", 1),
        ("Ļoti ņemot", "?oti ?emot", 0),
        ("Łódź", "Lodz", 0),
        ("pašvaldība", "paØvald?ba", 2),  # ISO-8859-15 read back as Windows-1257
        ("Rīga", "Rīga", None),
        ("Rīga", "Rīgā", None),  # a letter gained its mark: an edit
        ("Rīga", "Roga", None),
        ("Rīga", "R?gas", None),
        ("Riga", "R?ga", None),  # an ASCII letter is never lost to an encoding
        ("ā un ē", "ē un ā", None),  # letters beyond ASCII swapped, none lost
        ("", "", None),
        ("Rīga", "", None),
    ],
)
def test_a_change_that_only_loses_letters_is_found_where_it_starts(
    current: str, submitted: str, expected: int | None
) -> None:
    assert first_lost_letter(current, submitted) == expected


def test_decomposed_letters_compare_as_their_composed_form() -> None:
    assert first_lost_letter(unicodedata.normalize("NFD", "Rīga"), "R?ga") == 1
    assert first_lost_letter("Rīga", unicodedata.normalize("NFD", "Rīga")) is None


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        yield opened


@pytest.fixture
def lv(session: Session) -> Account:
    return add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)


@pytest.fixture
def noted(session: Session) -> Session:
    """The shipped data, with Latvian notes a coordinator published for three scores."""
    coord = add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
    current = store.published_values(session)
    rows = [
        UploadRow(n, 2021, "LV", code, current[(2021, "LV", code)].value, note, SOURCE, None)
        for n, (code, note) in enumerate(NOTES.items(), 2)
    ]
    submit(session, rows, user=coord, comment="Notes")
    return session


def template(session: Session) -> pd.DataFrame:
    return build_template(
        store.load_catalogue(session), store.current_scores_of(session, 2021, "LV"), 2021, "LV"
    )


def saved_as(frame: pd.DataFrame, encoding: str) -> bytes:
    """The frame as a spreadsheet writes a CSV in this character set, "?" for what it lacks."""
    text = to_csv_bytes(frame).decode("utf-8")
    return text.encode(encoding, errors="replace")


def upload(session: Session, data: bytes, account: Account) -> UploadResult:
    context = upload_context(
        store.load_rounds(session), store.load_catalogue(session), account,
        load_settings().upload_limits,
    )  # fmt: skip
    return check_against_current(session, read_upload(data, "lv.csv", context))


def with_new_score(frame: pd.DataFrame) -> pd.DataFrame:
    """The template with the partner's one real change: MAI-L-01 (row 2) to 60."""
    edited = frame.copy()
    edited.loc[edited["indicator"] == "MAI-L-01", "score"] = 60
    return edited


REFUSAL = (
    'file: the file lost letters such as ā, ē, ī, ū, ņ, ļ (they became "?" or plain letters) '
    "in 3 rows: 119, 120, 121; nothing was changed. The file was saved in a character set "
    'without them: save it as Excel (.xlsx), or as CSV in "UTF-8" or "Windows-1257 (Baltic)", '
    "and upload it again"
)


def test_a_file_saved_as_windows_1252_is_refused_naming_the_rows(
    noted: Session, lv: Account
) -> None:
    before = table_rows(noted.get_bind())  # type: ignore[arg-type]
    result = upload(noted, saved_as(with_new_score(template(noted)), "cp1252"), lv)
    assert [str(p) for p in result.problems] == [
        REFUSAL,
        'row 119, column note: only letters changed, into "?" or plain letters: "Rīgas '
        'pašvaldība palīdz ģimen" became "R?gas pašvald?ba pal?dz ?imen"; upload the file saved '
        "as UTF-8 or Windows-1257",
        'row 120, column note: only letters changed, into "?" or plain letters: "Ārstu '
        'konsultācijas latviešu" became "?rstu konsult?cijas latviešu"; upload the file saved as '
        "UTF-8 or Windows-1257",
        'row 121, column note: only letters changed, into "?" or plain letters: "2020. gada '
        'Rīgā" became "2020. gada R?g?"; upload the file saved as UTF-8 or Windows-1257',
    ]
    assert result.rows == []
    assert table_rows(noted.get_bind()) == before  # type: ignore[arg-type]


def test_a_file_saved_as_iso_8859_15_is_refused_too(noted: Session, lv: Account) -> None:
    result = upload(noted, saved_as(with_new_score(template(noted)), "iso-8859-15"), lv)
    assert str(result.problems[0]) == REFUSAL
    assert [(p.row, p.column) for p in result.problems[1:]] == [
        (119, "note"),
        (120, "note"),
        (121, "note"),
    ]
    assert result.rows == []


def test_notes_that_lost_their_marks_are_refused_like_question_marks(
    noted: Session, lv: Account
) -> None:
    frame = with_new_score(template(noted))
    frame["note"] = [
        "".join(c for c in unicodedata.normalize("NFKD", n) if not unicodedata.combining(c))
        for n in frame["note"]
    ]
    result = upload(noted, to_csv_bytes(frame), lv)
    assert str(result.problems[0]) == REFUSAL
    assert str(result.problems[1]).startswith(
        'row 119, column note: only letters changed, into "?" or plain letters: "Rīgas '
        'pašvaldība palīdz ģimen" became "Rigas pasvaldiba palidz gimen"'
    )


def test_a_lost_letter_in_a_source_is_refused_in_that_column(
    noted: Session, lv: Account
) -> None:
    frame = template(noted)
    for indicator in ("BRI-I-01", "BRI-I-02", "BRI-I-03"):
        frame.loc[frame["indicator"] == indicator, "source"] = "Rīgas dome"
    coord = store_account(noted, "coord")
    submit(noted, upload(noted, to_csv_bytes(frame), coord).rows, user=coord, comment="Sources")
    damaged = template(noted)
    damaged.loc[damaged["indicator"] == "BRI-I-03", "source"] = "R?gas dome"
    result = upload(noted, to_csv_bytes(damaged), lv)
    assert [str(p) for p in result.problems[1:]] == [
        'row 121, column source: only letters changed, into "?" or plain letters: "Rīgas dome" '
        'became "R?gas dome"; upload the file saved as UTF-8 or Windows-1257'
    ]


def store_account(session: Session, name: str) -> Account:
    account = current_account(session, load_account(session, name))
    assert account is not None
    return account


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1257"])
def test_a_file_that_keeps_its_letters_changes_only_what_the_partner_changed(
    noted: Session, lv: Account, encoding: str
) -> None:
    result = upload(noted, saved_as(with_new_score(template(noted)), encoding), lv)
    assert (result.problems, len(result.rows)) == ([], 120)
    (change,) = preview_changes(noted, result.rows).changes
    assert (change.row, change.indicator, change.before, change.after) == (2, "MAI-L-01", 73, 60)


def test_a_real_edit_of_a_note_is_accepted(noted: Session, lv: Account) -> None:
    frame = template(noted)
    edits = {
        "BRI-I-01": "Riga helps families and children",
        "BRI-I-02": "Ārstu konsultācijas lietuviešu valodā",
        "BRI-I-03": "Kopš 2021. gada Rīgā",
    }
    for indicator, note in edits.items():
        frame.loc[frame["indicator"] == indicator, "note"] = note
    result = upload(noted, to_csv_bytes(frame), lv)
    assert (result.problems, result.notices) == ([], [])
    changes = preview_changes(noted, result.rows).changes
    assert [(c.row, c.kind, c.after_note, c.after_source) for c in changes] == [
        (119, ChangeKind.CHANGED, "Riga helps families and children", SOURCE),
        (120, ChangeKind.CHANGED, "Ārstu konsultācijas lietuviešu valodā", SOURCE),
        (121, ChangeKind.CHANGED, "Kopš 2021. gada Rīgā", SOURCE),
    ]


def test_submitting_rows_that_lost_letters_is_refused_and_writes_nothing(
    noted: Session, lv: Account
) -> None:
    current = store.published_values(noted)
    value = current[(2021, "LV", "BRI-I-01")].value
    rows = [UploadRow(119, 2021, "LV", "BRI-I-01", value, "R?gas pašvald?ba pal?dz ?imen?m "
                      "un b?rniem", SOURCE, None)]  # fmt: skip
    before = table_rows(noted.get_bind())  # type: ignore[arg-type]
    with pytest.raises(NiemError) as refused:
        submit(noted, rows, user=lv, comment="Notes")
    assert str(refused.value) == REFUSAL.removeprefix("file: ").replace(
        "3 rows: 119, 120, 121", "1 row: 119"
    )
    assert table_rows(noted.get_bind()) == before  # type: ignore[arg-type]


def test_a_changed_row_losing_the_placeholder_source_is_named_in_a_notice(
    session: Session, lv: Account
) -> None:
    frame = template(session)
    changed = ["MAI-L-01", "MAI-L-02", "BRI-I-01", "BRI-I-02", "BRI-I-03", "FAM-L-01", "EDU-P-01"]
    frame.loc[frame["indicator"].isin(changed), "score"] = 50
    frame.loc[frame["indicator"] == "BRI-I-03", "source"] = "Likums, 2021"
    result = upload(session, to_csv_bytes(frame), lv)
    assert result.problems == []
    assert [str(n) for n in result.notices] == [
        "file: 6 changed rows still had the template's source \"illustrative (generated, not an "
        'expert score)" (rows 2, 3, 22, 96, 119 and 1 more); a changed score is no longer '
        "illustrative, so they are stored without a source. Write where each score comes from "
        "in the source column to give it one"
    ]
    sources = {c.indicator: c.after_source for c in preview_changes(session, result.rows).rows}
    assert (sources["MAI-L-01"], sources["BRI-I-03"], sources["MAI-L-03"]) == (
        "",
        "Likums, 2021",
        PLACEHOLDER,
    )


def test_a_template_with_no_change_gets_no_placeholder_notice(
    session: Session, lv: Account
) -> None:
    result = upload(session, to_csv_bytes(template(session)), lv)
    assert (result.problems, result.notices, len(result.rows)) == ([], [], 120)
