"""The partner pages headless (AppTest): sign in, submit a file or table edits, review, history.

The upload flow is driven through the real file uploader (`AppTest.file_uploader` can be
given bytes) and the table edits through the data editor's edit state.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from niem import accounts, revisions, store
from niem.accounts import OPERATOR, Account
from niem.changes import revision_diff
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.errors import PermissionDenied
from niem.importing import UploadRow
from niem.loading import initialise
from niem.models import Revision, RevisionKind, RevisionStatus
from niem.templates import build_template, template_workbook
from tests.conftest import session_token

ROOT = Path(__file__).resolve().parent.parent
UPLOADS = Path(__file__).parent / "uploads"
PAGES = [
    "app_pages/sign-in.py",
    "app_pages/submit.py",
    "app_pages/review.py",
    "app_pages/history.py",
    "app_pages/accounts.py",
    "app_pages/manage-rounds.py",
]
TIMEOUT = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORDS = {"providus": "latvija-2021", "lt-partner": "lietuva-2021", "anna": "coordinate-21"}


def _database(folder: Path, *, demo: bool = True) -> tuple[str, Engine]:
    url = f"sqlite:///{folder / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings(), demo=demo)
    with open_session(engine) as session:
        accounts.add_user(
            session, "providus", "partner", PASSWORDS["providus"], ["LV"], by=OPERATOR
        )
        accounts.add_user(
            session, "lt-partner", "partner", PASSWORDS["lt-partner"], ["LT"], by=OPERATOR
        )
        accounts.add_user(session, "anna", "coordinator", PASSWORDS["anna"], by=OPERATOR)
    return url, engine


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database(tmp_path_factory.mktemp("partners-demo"))[0]


@pytest.fixture(scope="module")
def published_only_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database(tmp_path_factory.mktemp("partners-nodemo"), demo=False)[0]


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A database of its own, for a test that writes."""
    url, engine = _database(tmp_path)
    _use(url, monkeypatch)
    yield engine


def _account(name: str | None) -> Account | None:
    if name is None:
        return None
    with open_session(make_engine(load_settings().database_url)) as session:
        return accounts.load_account(session, name)


def open_page(page: str, user: str | None = None, **params: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if user is not None:
        app.session_state["session_token"] = session_token(user)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page)
    return app.run()


def texts(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [t.value for t in app.title]
    parts += [t.value for t in app.text]
    parts += [h.value for h in app.header] + [h.value for h in app.subheader]
    parts += [c.value for c in app.caption]
    parts += [i.value for i in app.info] + [w.value for w in app.warning]
    parts += [e.value for e in app.error] + [s.value for s in app.success]
    return "\n".join(str(p) for p in parts)


def table(app: AppTest, column: str) -> pd.DataFrame:
    """The first table shown with this column (st.dataframe without selections has no key)."""
    return next(d.value for d in app.dataframe if column in d.value.columns)


def _keys(app: AppTest) -> set[str]:
    return {b.key for b in app.button if b.key}


def corrected_lv_2021(engine: Engine) -> bytes:
    """The LV 2021 template as a Latvian Excel saves it: semicolons, decimal commas, cp1257."""
    with open_session(engine) as session:
        frame = build_template(
            store.load_catalogue(session), store.load_current_scores(session), 2021, "LV"
        )
    row = frame["indicator"] == "MAI-I-03"
    frame.loc[row, "score"] = 92.0
    frame.loc[row, "note"] = "Pašvaldības sniedz informāciju; jauns likums"
    return frame.to_csv(sep=";", decimal=",", index=False).encode("cp1257")


def _revisions(engine: Engine) -> list[Revision]:
    with open_session(engine) as session:
        return list(session.exec(select(Revision).order_by(Revision.id)).all())  # type: ignore[arg-type]


def _rows(value: float) -> list[UploadRow]:
    """One LV 2021 score for MAI-I-03, as a submission's rows."""
    return [UploadRow(2, 2021, "LV", "MAI-I-03", value, "", "", None)]


def _mainstreaming_2021(app: AppTest) -> float:
    ranking = table(app, "Rank")
    return float(ranking.set_index("Code").loc["LV", "Score"])


@pytest.mark.parametrize("user", [None, "providus", "anna"])
@pytest.mark.parametrize("page", PAGES)
def test_every_partner_page_runs_on_the_shipped_data(
    shipped_url: str, monkeypatch: pytest.MonkeyPatch, page: str, user: str | None
) -> None:
    _use(shipped_url, monkeypatch)
    app = open_page(page, user)
    assert not app.exception


@pytest.mark.parametrize("user", [None, "providus", "anna"])
@pytest.mark.parametrize("page", PAGES)
def test_every_partner_page_runs_with_only_published_figures(
    published_only_url: str, monkeypatch: pytest.MonkeyPatch, page: str, user: str | None
) -> None:
    _use(published_only_url, monkeypatch)
    app = open_page(page, user)
    assert not app.exception


@pytest.mark.parametrize(
    "page", ["app_pages/submit.py", "app_pages/review.py", "app_pages/accounts.py"]
)
def test_a_signed_out_visitor_is_asked_to_sign_in(
    shipped_url: str, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    _use(shipped_url, monkeypatch)
    app = open_page(page)
    assert app.info[0].value.startswith("Sign in to ")
    assert not app.file_uploader and "submit" not in _keys(app)


def test_signing_in_with_the_form_shows_the_account(
    shipped_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(shipped_url, monkeypatch)
    app = open_page("app_pages/sign-in.py")
    app.text_input(key="user_name").input("providus")
    app.text_input(key="password").input(PASSWORDS["providus"])
    app.button(key="sign_in_button").click().run()
    assert not app.exception
    assert "Signed in as providus, partner for Latvia (LV)" in texts(app)
    app.button(key="sign_out").click().run()
    assert app.title[0].value == "Sign in"


def test_a_wrong_password_is_an_error_message_not_a_traceback(
    shipped_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(shipped_url, monkeypatch)
    app = open_page("app_pages/sign-in.py")
    app.text_input(key="user_name").input("lt-partner")
    app.text_input(key="password").input("not the password")
    app.button(key="sign_in_button").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "Wrong user name or password (after 5 failed attempts in a row an account is locked "
        "for 15 minutes)."
    ]
    assert "account" not in app.session_state


def test_a_partner_may_choose_only_its_own_countries(
    shipped_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(shipped_url, monkeypatch)
    app = open_page("app_pages/submit.py", "providus")
    assert app.selectbox(key="country").options == ["Latvia (LV)"]
    assert open_page("app_pages/submit.py", "anna").selectbox(key="country").options[0] == (
        "Bulgaria (BG)"
    )


def test_a_bad_file_shows_every_problem_and_stores_nothing(fresh: Engine) -> None:
    app = open_page("app_pages/submit.py", "providus")
    data = (UPLOADS / "score-not-a-number.csv").read_bytes()
    app.file_uploader(key="upload").upload("scores.csv", data, "text/csv").run()
    assert not app.exception
    assert app.error[0].value == (
        "4 problems found, so nothing was stored. Fix them in your file and upload it again."
    )
    problems = table(app, "Problem")
    assert list(problems.columns) == ["Row", "Column", "Problem"]
    assert list(problems["Row"]) == [2, 3, 4, 5]
    assert problems["Problem"].iloc[0] == (
        '"abc" is not a number; enter a score from 0 to 100, or leave it empty for no data'
    )
    assert "submit" not in _keys(app)
    assert len(_revisions(fresh)) == 1


def test_a_file_for_another_country_is_refused_for_a_partner(fresh: Engine) -> None:
    app = open_page("app_pages/submit.py", "lt-partner")
    app.file_uploader(key="upload").upload("lv.csv", corrected_lv_2021(fresh), "text/csv").run()
    problems = table(app, "Problem")
    assert problems["Problem"].iloc[0] == (
        "you may submit only for LT; remove the rows for LV or ask the coordinator for access to LV"
    )
    assert "submit" not in _keys(app)


def test_a_partner_upload_is_previewed_then_pending_then_approved_and_shown(
    fresh: Engine,
) -> None:
    overview = open_page("app_pages/home.py", round="2021", measure="dimension:mainstreaming")
    assert _mainstreaming_2021(overview) == 66.5

    app = open_page("app_pages/sign-in.py")
    app.text_input(key="user_name").input("providus")
    app.text_input(key="password").input(PASSWORDS["providus"])
    app.button(key="sign_in_button").click().run()
    app.switch_page("app_pages/submit.py").run()
    upload = corrected_lv_2021(fresh)
    app.file_uploader(key="upload").upload("LV-2021.csv", upload, "text/csv").run()
    assert not app.exception
    assert "No problems found: 120 rows read." in texts(app)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"Changed": "1", "New": "0", "Unchanged": "119", "Becoming no data": "0"}
    changes = table(app, "Change")
    assert changes[["Indicator", "Before", "After", "Note", "Source"]].values.tolist() == [
        ["MAI-I-03", "59", "92", "Pašvaldības sniedz informāciju; jauns likums", ""]
    ]

    app.button(key="submit").click().run()
    assert [e.value for e in app.error] == [
        "Add a comment saying why these scores change; the coordinator reads it."
    ]
    assert len(_revisions(fresh)) == 1
    app.text_area(key="comment").input("Jauns likums, 2021").run()
    app.button(key="submit").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Revision 2 is waiting for the coordinator's review.")
    submitted = _revisions(fresh)[-1]
    assert (submitted.status, submitted.kind, submitted.author) == ("pending", "upload", "providus")
    assert submitted.file_name == "LV-2021.csv"
    # Only the outcome is shown, so the same file cannot be sent twice by accident.
    assert "submit" not in _keys(app) and not app.file_uploader
    app.button(key="submit_more").click().run()
    assert app.info[0].value.startswith("You have already submitted this file.")
    assert "submit" not in _keys(app)

    overview = open_page("app_pages/home.py", round="2021", measure="dimension:mainstreaming")
    assert _mainstreaming_2021(overview) == 66.5

    review = open_page("app_pages/review.py", "anna")
    assert review.selectbox(key="revision").value == 2
    diff = table(review, "Note before")
    assert diff[["Indicator", "Before", "After"]].values.tolist() == [["MAI-I-03", "59", "92"]]
    effect = table(review, "Rank before")
    assert effect["Figure"].tolist()[0] == "Mainstreaming × Implementation and collaboration"
    assert effect["Figure"].tolist()[-1] == "Overall"
    assert review.button(key="approve").disabled
    assert review.checkbox(key="confirm_publish_2").label == "Yes, publish this 1 value"
    review.checkbox(key="confirm_publish_2").check().run()
    review.button(key="approve").click().run()
    assert not review.exception
    assert "Revision 2 is published: every page now shows its values." in texts(review)
    assert _revisions(fresh)[-1].status == RevisionStatus.PUBLISHED

    overview = open_page("app_pages/home.py", round="2021", measure="dimension:mainstreaming")
    # Mainstreaming is the mean of its steps: (82.75 + 63.33 + (42 + 59 + 92) / 3) / 3 = 70.14.
    assert _mainstreaming_2021(overview) == 70.1


def test_table_edits_take_the_same_checks_and_land_as_an_edit(fresh: Engine) -> None:
    app = open_page("app_pages/submit.py", "providus", round="2021", country="LV")
    app.radio(key="method").set_value("table").run()
    editor = "editor_2021_LV_0"
    # The first row is MAI-L-01 (currently 73); the second, MAI-L-02, loses its score.
    app.session_state[editor] = {
        "edited_rows": {0: {"score": 150}, 1: {"score": None, "note": "=HYPERLINK(x)"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert not app.exception
    problems = table(app, "Problem")
    assert problems[["Row", "Column", "Problem"]].values.tolist() == [
        [
            2,
            "score",
            '"150" is outside 0 to 100; enter a score from 0 to 100, or leave it empty for no data',
        ]
    ]
    app.session_state[editor] = {
        "edited_rows": {0: {"score": 95}, 1: {"score": None, "note": "=HYPERLINK(x)"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"Changed": "1", "New": "0", "Unchanged": "118", "Becoming no data": "1"}
    app.text_area(key="comment").input("Two corrections").run()
    app.button(key="submit").click().run()
    assert not app.exception
    revision = _revisions(fresh)[-1]
    assert (revision.kind, revision.status, revision.file_name) == (
        RevisionKind.EDIT,
        RevisionStatus.PENDING,
        None,
    )
    with open_session(fresh) as session:
        changes = revision_diff(session, revision.id or 0, viewer=OPERATOR)
    assert [(c.indicator, c.after, c.after_note) for c in changes] == [
        ("MAI-L-01", 95.0, ""),
        ("MAI-L-02", None, "=HYPERLINK(x)"),
    ]
    # The table starts afresh from the published values, so the edits are not submitted twice.
    app.button(key="submit_more").click().run()
    app.radio(key="method").set_value("table").run()
    assert "Every value equals the current one, so there is nothing to submit." in texts(app)


def test_a_coordinator_upload_is_published_at_once(fresh: Engine) -> None:
    app = open_page("app_pages/submit.py", "anna", round="2021", country="LV")
    app.file_uploader(key="upload").upload("lv.csv", corrected_lv_2021(fresh), "text/csv").run()
    assert app.button(key="submit").label == "Publish"
    app.button(key="submit").click().run()
    assert app.success[0].value == ("Revision 2 is published: every page now shows the new values.")
    assert _revisions(fresh)[-1].status == RevisionStatus.PUBLISHED


def test_a_conflict_needs_confirmation(fresh: Engine) -> None:
    stale = corrected_lv_2021(fresh)
    coordinator = _account("anna")
    with open_session(fresh) as session:
        revisions.submit(session, _rows(10.0), user=coordinator, comment="in between")
    app = open_page("app_pages/submit.py", "providus")
    app.file_uploader(key="upload").upload("lv.csv", stale, "text/csv").run()
    assert "changed after your template was made" in app.warning[0].value
    assert app.button(key="submit").disabled
    app.checkbox(key="confirm_conflicts").check().run()
    app.text_area(key="comment").input("Our value stands").run()
    app.button(key="submit").click().run()
    assert not app.exception
    assert _revisions(fresh)[-1].status == RevisionStatus.PENDING


def test_a_partner_sees_its_submission_and_may_withdraw_but_not_approve(fresh: Engine) -> None:
    partner = _account("providus")
    with open_session(fresh) as session:
        pending = revisions.submit(session, _rows(10.0), user=partner, comment="fix")
    app = open_page("app_pages/review.py", "providus")
    assert app.title[0].value == "My submissions"
    assert {"approve", "reject"}.isdisjoint(_keys(app))
    assert table(app, "Review")["Status"].tolist() == ["waiting for review"]
    with open_session(fresh) as session, pytest.raises(PermissionDenied):
        revisions.approve(session, pending.id or 0, user=partner)
    app.button(key="withdraw").click().run()
    assert not app.exception
    assert _revisions(fresh)[-1].status == RevisionStatus.WITHDRAWN
    assert table(app, "Review")["Status"].tolist() == ["withdrawn"]


def test_approving_over_a_newer_value_asks_for_confirmation(fresh: Engine) -> None:
    with open_session(fresh) as session:
        revisions.submit(session, _rows(10.0), user=_account("providus"), comment="fix")
        revisions.submit(session, _rows(20.0), user=_account("anna"), comment="newer")
    review = open_page("app_pages/review.py", "anna")
    assert review.selectbox(key="revision").value == 2
    assert review.warning[0].value == (
        "Approving revision 2 would replace values published after it was submitted: "
        "2021 LV MAI-I-03 (20 from revision 3, would become 10); check them and confirm to "
        "replace them."
    )
    diff, conflicts = [d.value for d in review.dataframe if "Note before" in d.value.columns]
    assert conflicts[["Indicator", "Before", "After"]].values.tolist() == [["MAI-I-03", "20", "10"]]
    review.checkbox(key="confirm_publish_2").check().run()
    assert review.button(key="approve").disabled
    review.checkbox(key="confirm_conflicts_2").check().run()
    review.button(key="approve").click().run()
    assert not review.exception
    assert "Revision 2 is published: every page now shows its values." in texts(review)
    with open_session(fresh) as session:
        assert [
            s.value
            for s in store.load_current_scores(session)
            if (s.round_year, s.country, s.indicator) == (2021, "LV", "MAI-I-03")
        ] == [10.0]


def test_a_rejection_needs_a_reason_and_the_partner_reads_it(fresh: Engine) -> None:
    with open_session(fresh) as session:
        revisions.submit(session, _rows(10.0), user=_account("providus"), comment="fix")
    review = open_page("app_pages/review.py", "anna")
    review.button(key="reject").click().run()
    assert [e.value for e in review.error] == ["Give a reason for rejecting; the partner reads it."]
    review.text_area(key="reason").input("Source missing").run()
    review.button(key="reject").click().run()
    assert "Revision 2 is rejected." in texts(review)
    mine = table(open_page("app_pages/review.py", "providus"), "Review")
    assert mine[["Status", "Review"]].values.tolist() == [
        ["rejected", "rejected by anna: Source missing"]
    ]


def test_history_shows_who_when_and_why_and_hides_others_pending_values(fresh: Engine) -> None:
    with open_session(fresh) as session:
        revisions.submit(session, _rows(10.0), user=_account("providus"), comment="why")
    params = {"round": "2021", "country": "LV", "indicator": "MAI-I-03"}
    for user, statuses in (
        (None, ["published, current"]),
        ("lt-partner", ["published, current"]),
        ("providus", ["waiting for review", "published, current"]),
        ("anna", ["waiting for review", "published, current"]),
    ):
        app = open_page("app_pages/history.py", user, **params)
        timeline = table(app, "Who")
        assert timeline["Status"].tolist() == statuses, user
    assert timeline[["Value", "Who", "Comment", "Revision"]].values.tolist()[0] == [
        "10",
        "providus",
        "why",
        2,
    ]


def test_a_coordinator_rolls_back_a_published_revision_from_the_history(fresh: Engine) -> None:
    with open_session(fresh) as session:
        revisions.submit(session, _rows(10.0), user=_account("anna"), comment="oops")
    params = {"round": "2021", "country": "LV", "indicator": "MAI-I-03"}
    assert "rollback" not in _keys(open_page("app_pages/history.py", "providus", **params))
    app = open_page("app_pages/history.py", "anna", **params)
    assert app.selectbox(key="revision").value == 2
    assert app.button(key="rollback").disabled
    app.checkbox(key="confirm_rollback").check().run()
    app.button(key="rollback").click().run()
    assert not app.exception
    assert "Revision 3 rolls back revision 2" in texts(app)
    timeline = table(app, "Who")
    assert timeline[["Value", "Revision", "Status"]].values.tolist()[0] == [
        "59",
        3,
        "published, current",
    ]


def test_the_coordinator_adds_and_disables_an_account(fresh: Engine) -> None:
    partner = open_page("app_pages/submit.py", "providus")
    assert partner.session_state["account"].name == "providus"
    app = open_page("app_pages/accounts.py", "anna")
    app.text_input(key="new_name").input("ministry-lv")
    app.multiselect(key="new_countries").select("LV")
    app.text_input(key="new_password").input("short")
    app.button(key="add_account_button").click().run()
    assert [e.value for e in app.error] == ["The password needs at least 8 characters."]
    app.text_input(key="new_password").input("long enough password")
    app.button(key="add_account_button").click().run()
    assert "The account is added." in texts(app)
    assert table(app, "Name")["Name"].tolist() == ["anna", "lt-partner", "ministry-lv", "providus"]
    assert app.text_input(key="new_name").value == ""
    app.selectbox(key="disable_name").select("providus").run()
    app.button(key="disable").click().run()
    assert "The account is disabled." in texts(app)

    # The partner's open page is signed out at its next click: its session has ended.
    partner.run()
    assert not partner.exception
    assert "account" not in partner.session_state
    assert partner.info[0].value == "Sign in to submit scores."


def test_notes_and_comments_are_shown_as_text(fresh: Engine) -> None:
    frame = pd.DataFrame(
        {
            "round": [2021],
            "country": ["LV"],
            "indicator": ["MAI-I-03"],
            "score": [10],
            "note": ["<b>bold</b> <script>alert(1)</script>"],
            "source": [""],
        }
    )
    app = open_page("app_pages/submit.py", "providus")
    app.file_uploader(key="upload").upload(
        "lv.csv", frame.to_csv(index=False).encode(), "text/csv"
    ).run()
    assert not app.exception
    assert not [m for m in app.markdown if "<script>" in m.value]
    note = table(app, "Change")["Note"].iloc[0]
    assert note == "<b>bold</b> <script>alert(1)</script>"


def test_an_excel_template_comes_back_through_the_uploader(fresh: Engine) -> None:
    with open_session(fresh) as session:
        frame = build_template(
            store.load_catalogue(session), store.load_current_scores(session), 2021, "LV"
        )
    workbook = load_workbook(io.BytesIO(template_workbook(frame)))
    sheet = workbook["scores"]
    sheet["G2"] = 55.5
    sheet["H2"] = "Jauns vērtējums: ā, š"
    sheet["G3"] = "=40+2"
    edited = io.BytesIO()
    workbook.save(edited)
    app = open_page("app_pages/submit.py", "providus")
    app.file_uploader(key="upload").upload("LV.xlsx", edited.getvalue(), XLSX).run()
    assert table(app, "Problem")[["Row", "Column", "Problem"]].values.tolist() == [
        [3, "score", "contains a formula (=40+2); paste values only (Paste Special → Values)"]
    ]
    sheet["G3"] = 42
    edited = io.BytesIO()
    workbook.save(edited)
    app.file_uploader(key="upload").set_value(("LV.xlsx", edited.getvalue(), XLSX)).run()
    assert not app.exception
    changes = table(app, "Change")
    assert changes[["Indicator", "Before", "After", "Note"]].values.tolist() == [
        ["MAI-L-01", "73", "55.5", "Jauns vērtējums: ā, š"],
        ["MAI-L-02", "80", "42", ""],
    ]
    assert table(app, "Notice")["Notice"].tolist() == [
        "2 changed rows still had the template's source \"illustrative (generated, not an "
        'expert score)" (rows 2, 3); a changed score is no longer illustrative, so they are '
        "stored without a source. Write where each score comes from in the source column to "
        "give it one"
    ]
