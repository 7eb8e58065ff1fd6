"""Signed-in sessions: a signed cookie refers to a row; forged, expired or ended ones do not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import accounts, sessions
from niem.accounts import OPERATOR, Account
from niem.config import Settings
from niem.database import open_session

pytestmark = pytest.mark.both_databases

SETTINGS = Settings(session_idle_minutes=30, session_hours=8, cookie_secret="test secret")
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
LV = Account("lv", "partner", ("LV",))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        accounts.add_user(opened, "lv", "partner", "correct horse", ["LV"], by=OPERATOR)
        yield opened


def test_a_cookie_finds_its_account_until_it_idles_out(session: Session) -> None:
    cookie = sessions.start_session(session, "lv", SETTINGS, now=T0)
    assert sessions.account_for_cookie(session, cookie, SETTINGS, now=T0) == LV
    # Each visit keeps it alive: 29 minutes apart, four times.
    for minutes in (29, 58, 87, 116):
        seen = T0 + timedelta(minutes=minutes)
        assert sessions.account_for_cookie(session, cookie, SETTINGS, now=seen) == LV
    later = T0 + timedelta(minutes=116 + 30)
    assert sessions.account_for_cookie(session, cookie, SETTINGS, now=later) is None
    assert sessions.live_sessions(session, "lv") == 0


def test_a_session_ends_at_its_absolute_expiry_however_busy(session: Session) -> None:
    cookie = sessions.start_session(session, "lv", SETTINGS, now=T0)
    moment = T0
    while moment < T0 + timedelta(hours=8) - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert sessions.account_for_cookie(session, cookie, SETTINGS, now=moment) == LV
    end = T0 + timedelta(hours=8)
    assert sessions.account_for_cookie(session, cookie, SETTINGS, now=end) is None


def test_a_forged_or_altered_cookie_is_refused(session: Session) -> None:
    cookie = sessions.start_session(session, "lv", SETTINGS, now=T0)
    other_secret = Settings(cookie_secret="another secret")
    forged = sessions.start_session(session, "lv", other_secret, now=T0)
    token_part, signature = cookie.rsplit(".", 1)
    tampered = f"{token_part}.{signature[::-1]}"
    for bad in (forged, tampered, "lv", "", "x" * 5000):
        assert sessions.account_for_cookie(session, bad, SETTINGS, now=T0) is None


def test_signing_out_ends_every_session_of_the_account(session: Session) -> None:
    laptop = sessions.start_session(session, "lv", SETTINGS, now=T0)
    phone = sessions.start_session(session, "lv", SETTINGS, now=T0)
    sessions.sign_out_everywhere(session, laptop, SETTINGS)
    assert sessions.account_for_cookie(session, laptop, SETTINGS, now=T0) is None
    assert sessions.account_for_cookie(session, phone, SETTINGS, now=T0) is None


def test_a_ticket_gives_one_session_once_and_within_a_minute(session: Session) -> None:
    ticket = sessions.issue_ticket(session, LV, now=T0)
    cookie = sessions.redeem_ticket(session, ticket, SETTINGS, now=T0 + timedelta(seconds=30))
    assert cookie is not None
    assert sessions.account_for_cookie(session, cookie, SETTINGS, now=T0) == LV
    assert sessions.redeem_ticket(session, ticket, SETTINGS, now=T0) is None
    late = sessions.issue_ticket(session, LV, now=T0)
    assert sessions.redeem_ticket(session, late, SETTINGS, now=T0 + timedelta(seconds=61)) is None
    assert sessions.redeem_ticket(session, "made up", SETTINGS, now=T0) is None


def test_without_a_secret_setting_one_is_generated_once_and_kept(session: Session) -> None:
    first = sessions.cookie_secret(session, Settings())
    assert len(first) == 43
    assert sessions.cookie_secret(session, Settings()) == first
    assert sessions.cookie_secret(session, SETTINGS) == "test secret"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/review?revision=3", "/review?revision=3"),
        ("/", "/"),
        ("//evil.example/x", "/sign-in"),
        ("/\\evil.example", "/sign-in"),
        ("https://evil.example/", "/sign-in"),
        ("javascript:alert(1)", "/sign-in"),
        ("/a\nb", "/sign-in"),
        (None, "/sign-in"),
    ],
)
def test_after_sign_in_only_a_local_path_is_followed(target: str | None, expected: str) -> None:
    assert sessions.safe_next(target, default="/sign-in") == expected


def test_an_expired_session_says_so_once_and_is_ended(session: Session) -> None:
    cookie = sessions.start_session(session, "lv", SETTINGS, now=T0)
    later = T0 + timedelta(minutes=31)
    with pytest.raises(sessions.SessionExpired) as expired:
        sessions.live_account(session, cookie, SETTINGS, now=later)
    assert str(expired.value) == (
        "your sign-in has expired, so you are signed out; sign in again to go on"
    )
    assert sessions.live_sessions(session, "lv") == 0
    # The browser still sends the old cookie: it now signs no one in, and says nothing more.
    assert sessions.live_account(session, cookie, SETTINGS, now=later) is None
