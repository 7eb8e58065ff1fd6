"""The app's edges, headless (AppTest): no traceback reaches a visitor, on SQLite or PostgreSQL,
and text from a file, a user or a link shows exactly as written, never as Markdown."""

from __future__ import annotations

import logging
import math
import os
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from niem import accounts
from niem.accounts import OPERATOR
from niem.config import MB, ReadLimits, load_settings
from niem.database import make_engine, open_session
from niem.exporting import to_csv_bytes
from niem.loading import initialise
from tests.conftest import session_token
from tests.hostile_files import FILES, GOOD_ROW, HEADER, sheet_xml, text_row, workbook

# Sign-in, comments and the error edge: these tests run on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60
PASSWORD = "correct horse"
PAYLOADS = ["**x**", ":skull:", "![i](http://example.com/x.png)", "<b>x</b>"]
FAILED = (
    "Wrong user name or password (after 5 failed attempts in a row an account is locked for "
    "15 minutes)."
)


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()


def _prepare(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shipped framework (no demo scores) with a partner for LV and a coordinator."""
    engine = make_engine(url)
    initialise(engine, load_settings(), demo=False)
    with open_session(engine) as session:
        accounts.add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
        accounts.add_user(session, "anna", "coordinator", PASSWORD, by=OPERATOR)
    engine.dispose()
    _use(url, monkeypatch)
    return url


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A prepared database on SQLite and on PostgreSQL."""
    return _prepare(database_url, monkeypatch)


@pytest.fixture
def file_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A prepared SQLite file, for what does not depend on the database."""
    return _prepare(f"sqlite:///{tmp_path / 'niem.db'}", monkeypatch)


def open_page(page: str, user: str | None = None, **params: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if user is not None:
        app.session_state["session_token"] = session_token(user)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page)
    return app.run()


def sign_in(name: str, password: str) -> AppTest:
    app = open_page("app_pages/sign-in.py")
    app.text_input(key="user_name").input(name)
    app.text_input(key="password").input(password)
    return app.button(key="sign_in_button").click().run()


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader(key="upload").upload(name, data)  # type: ignore[attr-defined]
    return app.run()


def logged_reference(caplog: pytest.LogCaptureFixture) -> str:
    """The reference of the one error the app logged."""
    [record] = [r for r in caplog.records if r.name == "niem.app"]
    return record.getMessage().removeprefix("unexpected error, reference ")


def frames(app: AppTest, column: str) -> list[pd.DataFrame]:
    return [d.value for d in app.dataframe if column in d.value.columns]


@pytest.mark.parametrize("name", ["lv\x00", "\x00", "l\x00v", "lv\x1b[2J"])
def test_a_control_character_in_a_user_name_is_a_failed_sign_in(store: str, name: str) -> None:
    app = sign_in(name, PASSWORD)
    assert not app.exception
    assert [e.value for e in app.error] == [FAILED]


def test_a_nul_in_a_comment_is_refused_with_a_message(store: str) -> None:
    app = open_page("app_pages/submit.py", "lv")
    data = b"round,country,indicator,score,note,source\n2021,LV,MAI-L-01,50,,\n"
    app = upload(app, "lv.csv", data)
    app.text_area(key="comment").input("new\x00law")
    app.button(key="submit").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "The comment contains a control character (U+0000); remove it."
    ]
    assert [s.value for s in app.success] == ["No problems found: 1 row read."]


def test_the_upload_limits_are_stated_on_the_submit_page(file_store: str) -> None:
    app = open_page("app_pages/submit.py", "lv")
    assert app.get("file_uploader")[0].proto.max_upload_size_mb == 5
    assert (
        "A file may be up to 5 MB, with up to 10,000 rows of scores and 50 columns; a cell "
        "holds up to 32,767 characters." in [c.value for c in app.caption]
    )


@pytest.mark.real_error_edge
def test_an_unexpected_error_on_a_page_is_a_short_message_and_a_logged_traceback(
    store: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*view: object) -> None:
        raise RuntimeError("secret detail /srv/niem/path")

    monkeypatch.setattr("niem.ui.data.overview", broken)
    with caplog.at_level(logging.ERROR, logger="niem.app"):
        app = open_page("app_pages/home.py")
    assert not app.exception
    [message] = [e.value for e in app.error]
    reference = logged_reference(caplog)
    assert message == (
        f"Something went wrong on the server (reference {reference}). Reload the page; if it "
        "happens again, tell the coordinator the reference."
    )
    assert "secret detail" not in message
    assert "secret detail /srv/niem/path" in caplog.text


@pytest.mark.real_error_edge
@pytest.mark.parametrize("password", [PASSWORD, "wrong password"])
def test_a_read_only_database_words_why_no_one_can_sign_in(
    file_store: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    password: str,
) -> None:
    # A sign-in is a session row (and a failed one a count), so it needs a writable database.
    path = file_store.removeprefix("sqlite:///")
    _use(f"sqlite:///file:{path}?mode=ro&uri=true", monkeypatch)
    with caplog.at_level(logging.ERROR, logger="niem.app"):
        app = sign_in("lv", password)
    assert not app.exception
    assert "account" not in app.session_state
    reference = logged_reference(caplog)
    assert [e.value for e in app.error] == [
        "The database could not be used just now, so nothing was changed. Try again in a "
        f"moment; if it keeps happening, tell the coordinator (reference {reference})."
    ]
    assert "attempt to write a readonly database" in caplog.text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_user_name_shows_as_written(file_store: str, payload: str) -> None:
    engine = make_engine(file_store)
    with open_session(engine) as session:
        accounts.add_user(session, payload, "coordinator", PASSWORD, by=OPERATOR)
    engine.dispose()
    app = sign_in(payload, PASSWORD)
    app = open_page("app_pages/sign-in.py", payload)
    assert not app.exception
    assert [t.value for t in app.text] == [f"Signed in as {payload}, coordinator"]
    accounts_page = open_page("app_pages/accounts.py", "anna")
    assert payload in frames(accounts_page, "Name")[0]["Name"].tolist()
    assert payload in accounts_page.selectbox(key="disable_name").options
    assert accounts_page.button(key="disable").label == "Disable this account"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_upload_headers_and_sheet_titles_show_as_written(file_store: str, payload: str) -> None:
    app = open_page("app_pages/submit.py", "lv")
    header = f"round,country,indicator,score,note,source,{payload}\n".encode()
    app = upload(app, "lv.csv", header + b"2021,LV,MAI-L-01,50,,,x\n")
    [notices] = frames(app, "Notice")
    assert notices["Column"].tolist() == [payload]


# Excel refuses * : [ ] / \\ ? in sheet titles, but a file can hold anything.
@pytest.mark.parametrize("payload", [*PAYLOADS, "_x_"])
def test_sheet_titles_show_as_written(file_store: str, payload: str) -> None:
    sheets = [
        (payload, "", sheet_xml(text_row(1, HEADER) + text_row(2, GOOD_ROW))),
        ("notes", "", sheet_xml(text_row(1, ["anything"]))),
    ]
    app = upload(open_page("app_pages/submit.py", "lv"), "lv.xlsx", workbook(sheets))
    [notices] = frames(app, "Notice")
    assert notices["Notice"].tolist() == [
        f'read the first sheet, "{payload}"; to read another one, name it "scores"'
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_comments_and_notes_show_as_written_to_the_coordinator(
    file_store: str, payload: str
) -> None:
    frame = pd.DataFrame(
        {"round": [2021], "country": ["LV"], "indicator": ["MAI-L-01"], "score": [50],
         "note": [payload], "source": [payload]}
    )  # fmt: skip
    app = upload(open_page("app_pages/submit.py", "lv"), "lv.csv", to_csv_bytes(frame))
    app.text_area(key="comment").input(payload)
    app.button(key="submit").click().run()
    assert not app.exception
    review = open_page("app_pages/review.py", "anna")
    assert not review.exception
    [pending] = frames(review, "Comment")
    assert pending["Comment"].tolist() == [payload]
    [details] = frames(review, "Details")
    assert payload in details["Details"].tolist()
    [changes] = frames(review, "Note after")
    assert changes[["Note after", "Source after"]].values.tolist() == [[payload, payload]]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_link_value_that_could_be_markdown_is_never_repeated(
    file_store: str, payload: str
) -> None:
    app = open_page("app_pages/history.py", round=payload, indicator=payload)
    assert not app.exception
    assert [w.value for w in app.warning] == [
        "The link asked for a round that does not exist here; showing 2021.",
        "The link asked for an indicator that does not exist here; showing all.",
    ]


def test_the_hostile_corpus_header_file_shows_its_headers_as_written(file_store: str) -> None:
    app = open_page("app_pages/submit.py", "lv")
    app = upload(app, "headers.csv", FILES["csv-markdown-header.csv"]())
    [notices] = frames(app, "Notice")
    assert notices["Column"].tolist() == ["**x**", ":skull:"]


def test_a_submission_to_a_deleted_database_file_is_not_confirmed(file_store: str) -> None:
    store = file_store
    app = open_page("app_pages/submit.py", "lv")
    app = upload(app, "lv.csv", b"round,country,indicator,score\n2021,LV,MAI-L-01,50\n")
    app.text_area(key="comment").input("new law")
    path = store.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    app.button(key="submit").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        f"The database file {path} was deleted or replaced while the app was running, so "
        "nothing was stored; restart the app (or run the command again) to use the database."
    ]
    assert [s.value for s in app.success] == ["No problems found: 1 row read."]


def test_streamlit_shows_no_error_details_and_takes_the_apps_upload_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] == math.ceil(ReadLimits().bytes / MB) == 5
