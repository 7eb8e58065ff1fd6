"""Accounts, passwords, logins and the permission matrix."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from niem import accounts
from niem.account_admin import disable_user
from niem.accounts import (
    OPERATOR,
    Account,
    AccountDisabled,
    Action,
    LoginFailed,
    add_user,
    authenticate,
    authorize,
    hash_password,
    list_users,
    verify_password,
)
from niem.database import open_session
from niem.errors import NiemError, PermissionDenied, UnknownChoice
from niem.models import User, UserCountry

# Storage: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

PASSWORD = "correct horse"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)

VIEWER = None
PARTNER = Account("lv", "partner", ("LV",))
COORDINATOR = Account("coord", "coordinator")

# (who, acting on): a partner on its own country or revision, or on another's.
SUBJECTS = {
    "viewer": (VIEWER, {"country": "LV", "author": "lv"}),
    "partner": (PARTNER, {"country": "LV", "author": "lv"}),
    "partner, another country": (PARTNER, {"country": "EE", "author": "ee"}),
    "coordinator": (COORDINATOR, {"country": "EE", "author": "ee"}),
    "coordinator, own revision": (COORDINATOR, {"country": "EE", "author": "coord"}),
}
COORDINATORS = {"coordinator", "coordinator, own revision"}
ALLOWED = {
    Action.VIEW: {"viewer", "partner", "partner, another country", *COORDINATORS},
    Action.SUBMIT: {"partner", *COORDINATORS},
    # Only the author withdraws; a coordinator rejects another's revision with a reason.
    Action.WITHDRAW: {"partner", "coordinator, own revision"},
    Action.VIEW_PENDING: {"partner", *COORDINATORS},
    Action.APPROVE: COORDINATORS,
    Action.REJECT: COORDINATORS,
    Action.ROLLBACK: COORDINATORS,
    Action.PUBLISH_DIRECTLY: COORDINATORS,
    Action.MANAGE_USERS: COORDINATORS,
    # Partners submit practices for their own countries; only the coordinator reviews them.
    Action.SUBMIT_PRACTICE: {"partner", *COORDINATORS},
    Action.REVIEW_PRACTICE: COORDINATORS,
    Action.MANAGE_ROUNDS: COORDINATORS,
    # Feedback on scores: the coordinator, and a partner for its own countries.
    Action.HANDLE_FEEDBACK: {"partner", *COORDINATORS},
}


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        yield opened


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_permission_matrix(subject: str, action: Action) -> None:
    user, target = SUBJECTS[subject]
    if subject in ALLOWED[action]:
        authorize(user, action, **target)
    else:
        with pytest.raises(PermissionDenied):
            authorize(user, action, **target)


def test_every_action_is_in_the_matrix() -> None:
    assert set(ALLOWED) == set(Action)


@pytest.mark.parametrize(
    ("user", "action", "target", "message"),
    [
        (
            VIEWER,
            Action.SUBMIT,
            {"country": "LV"},
            "log in to submit scores; without an account you may only view scores",
        ),
        (
            PARTNER,
            Action.SUBMIT,
            {"country": "EE"},
            "this account may not submit scores for EE; its countries are LV",
        ),
        (PARTNER, Action.APPROVE, {}, "only a coordinator may approve revisions"),
        (PARTNER, Action.ROLLBACK, {}, "only a coordinator may roll back revisions"),
        (
            PARTNER,
            Action.WITHDRAW,
            {"author": "ee"},
            "an account may only withdraw its own unpublished revisions; "
            "this one is by another account",
        ),
        (
            COORDINATOR,
            Action.WITHDRAW,
            {"author": "lv"},
            "a coordinator may only withdraw its own unpublished revisions; this one is by "
            "another account, so reject it with a reason instead",
        ),
        (
            Account("lv", "partner", ("LV",), disabled=True),
            Action.SUBMIT,
            {"country": "LV"},
            "this account is disabled; ask the coordinator",
        ),
    ],
)
def test_a_refusal_says_why(
    user: Account | None, action: Action, target: dict[str, str], message: str
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        authorize(user, action, **target)
    assert str(refused.value) == message


def test_password_hashes_are_salted_scrypt() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second
    scheme, n, r, p, salt, digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert PASSWORD not in first


def test_a_password_verifies_only_against_its_own_hash() -> None:
    stored = hash_password(PASSWORD)
    assert verify_password(PASSWORD, stored)
    assert not verify_password("correct horse ", stored)
    assert not verify_password(PASSWORD, "plain text")
    assert not verify_password(PASSWORD, "md5$1$2$3$abc$def")


def test_the_same_salt_gives_the_same_hash() -> None:
    salt = bytes(range(16))
    assert hash_password(PASSWORD, salt=salt) == hash_password(PASSWORD, salt=salt)


def test_added_users_are_listed_with_their_countries(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["Latvia", "EL"], by=OPERATOR)
    add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
    assert list_users(session, by=OPERATOR) == [
        Account("coord", "coordinator"),
        Account("lv", "partner", ("GR", "LV")),
    ]
    stored = session.get(User, "lv")
    assert stored is not None and verify_password(PASSWORD, stored.password_hash)


@pytest.mark.parametrize(
    ("name", "role", "password", "countries", "error", "message"),
    [
        ("  ", "partner", PASSWORD, ["LV"], NiemError, "a user name cannot be empty"),
        (
            "x",
            "viewer",
            PASSWORD,
            [],
            UnknownChoice,
            "unknown role 'viewer'; choose partner or coordinator (viewers need no account)",
        ),
        ("x", "partner", PASSWORD, [], NiemError, "a partner account needs at least one country"),
        (
            "x",
            "partner",
            PASSWORD,
            ["Atlantis"],
            UnknownChoice,
            "unknown country 'Atlantis'; use an ISO code such as LV",
        ),
        (
            "x",
            "partner",
            PASSWORD,
            ["US"],
            UnknownChoice,
            "unknown country 'US'; use an ISO code such as LV",
        ),
        (
            "x",
            "coordinator",
            PASSWORD,
            ["LV"],
            NiemError,
            "a coordinator may edit every country; give no countries",
        ),
        ("x", "partner", "short", ["LV"], NiemError, "the password needs at least 8 characters"),
        (
            "taken",
            "partner",
            PASSWORD,
            ["LV"],
            NiemError,
            "a user of that name already exists (names ignore case and width)",
        ),
    ],
)
def test_add_user_refuses_bad_accounts_and_writes_nothing(
    session: Session,
    name: str,
    role: str,
    password: str,
    countries: list[str],
    error: type[Exception],
    message: str,
) -> None:
    add_user(session, "taken", "coordinator", PASSWORD, by=OPERATOR)
    with pytest.raises(error) as refused:
        add_user(session, name, role, password, countries, by=OPERATOR)
    assert str(refused.value) == message
    assert session.exec(select(func.count()).select_from(User)).one() == 1
    assert session.exec(select(func.count()).select_from(UserCountry)).one() == 0


def test_login_returns_the_account(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    assert authenticate(session, " lv ", PASSWORD, now=T0) == Account("lv", "partner", ("LV",))


FAILED = (
    "wrong user name or password (after 5 failed attempts in a row an account is locked for "
    "15 minutes)"
)
FAILED_3_10 = (
    "wrong user name or password (after 3 failed attempts in a row an account is locked for "
    "10 minutes)"
)


def stored_state(session: Session, name: str = "lv") -> tuple[int, datetime | None]:
    stored = session.get(User, name)
    assert stored is not None
    session.refresh(stored)
    locked = stored.locked_until
    return stored.failed_logins, None if locked is None else locked.replace(tzinfo=UTC)


def test_an_unknown_user_and_a_wrong_password_get_the_same_message(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    messages = []
    for name, password in (("nobody", PASSWORD), ("lv", "wrong password")):
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, name, password, now=T0)
        messages.append(str(failed.value))
    assert messages == [FAILED] * 2


def test_failed_logins_lock_the_account_until_the_lock_time_passes(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    for _ in range(3):
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, "lv", "guess", now=T0, attempts_before_lock=3, lock_minutes=10)
        assert str(failed.value) == FAILED_3_10
    assert stored_state(session) == (0, T0 + timedelta(minutes=10))

    # Locked: even the right password is refused, in the same words as a wrong one.
    later = T0 + timedelta(minutes=9, seconds=30)
    with pytest.raises(LoginFailed) as still:
        authenticate(session, "lv", PASSWORD, now=later, attempts_before_lock=3, lock_minutes=10)
    assert str(still.value) == FAILED_3_10
    # Guesses while locked neither count nor move the lock.
    assert stored_state(session) == (0, T0 + timedelta(minutes=10))

    unlocked = T0 + timedelta(minutes=10)
    account = authenticate(
        session, "lv", PASSWORD, now=unlocked, attempts_before_lock=3, lock_minutes=10
    )
    assert account.name == "lv"
    assert stored_state(session) == (0, None)


def test_a_successful_login_resets_the_failure_count(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            authenticate(session, "lv", "guess", now=T0)
    assert stored_state(session) == (4, None)
    authenticate(session, "lv", PASSWORD, now=T0)
    assert stored_state(session) == (0, None)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            authenticate(session, "lv", "guess", now=T0)
    assert authenticate(session, "lv", PASSWORD, now=T0).name == "lv"


def test_the_default_lock_follows_the_settings(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    for _ in range(5):
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, "lv", "guess", now=T0)
        assert str(failed.value) == FAILED
    assert stored_state(session) == (0, T0 + timedelta(minutes=15))


def test_every_failed_sign_in_does_the_same_work(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unknown name, wrong password, locked account: one scrypt hash and one counting update."""
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    add_user(session, "locked", "partner", PASSWORD, ["LV"], by=OPERATOR)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            authenticate(session, "locked", "guess", now=T0)
    calls: list[str] = []
    real_scrypt, real_record = accounts.hashlib.scrypt, accounts._record_failure
    monkeypatch.setattr(
        accounts.hashlib, "scrypt", lambda *a, **k: calls.append("scrypt") or real_scrypt(*a, **k)
    )
    monkeypatch.setattr(
        accounts, "_record_failure", lambda *a: calls.append("update") or real_record(*a)
    )
    answers = []
    for name, password in (("nobody", PASSWORD), ("lv", "guess"), ("locked", PASSWORD)):
        calls.clear()
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, name, password, now=T0 + timedelta(minutes=1))
        answers.append((type(failed.value), str(failed.value), list(calls)))
    assert answers == [(LoginFailed, FAILED, ["scrypt", "update"])] * 3


def test_simultaneous_wrong_guesses_leave_the_account_locked(shared_engine: Engine) -> None:
    """A guess in flight when the lock is set cannot write the lock back to empty.

    Twelve guesses, not a multiple of five: counted one by one regardless of the lock, they
    would lock at five and ten and end unlocked with two failures.
    """
    engine = shared_engine
    with open_session(engine) as session:
        add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    start = threading.Barrier(12)

    def guess() -> str:
        with open_session(engine) as session:
            start.wait()
            try:
                authenticate(session, "lv", "guess", now=T0)
            except LoginFailed as error:
                return str(error)
        return "signed in"

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: guess(), range(12)))
    assert answers == [FAILED] * 12
    with open_session(engine) as session:
        # The first five guesses lock the account; the seven others find it locked.
        assert stored_state(session) == (0, T0 + timedelta(minutes=15))
        with pytest.raises(LoginFailed):
            authenticate(session, "lv", PASSWORD, now=T0 + timedelta(minutes=14))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("LV", "a user of that name already exists (names ignore case and width)"),
        ("ｌｖ", "a user of that name already exists (names ignore case and width)"),
        (
            "lv\u200b",
            "a user name cannot hold control or invisible characters (U+200B); "
            "type it again with letters, digits and punctuation only",
        ),
        (
            "l\x00v",
            "a user name cannot hold control or invisible characters (U+0000); "
            "type it again with letters, digits and punctuation only",
        ),
        (
            "a\u202eb",
            "a user name cannot hold control or invisible characters (U+202E); "
            "type it again with letters, digits and punctuation only",
        ),
    ],
)
def test_look_alike_and_invisible_user_names_are_refused(
    session: Session, name: str, message: str
) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    with pytest.raises(NiemError) as refused:
        add_user(session, name, "partner", PASSWORD, ["LV"], by=OPERATOR)
    assert str(refused.value) == message
    assert session.exec(select(User.name)).all() == ["lv"]


def test_a_user_signs_in_with_the_name_in_any_case_or_width(session: Session) -> None:
    add_user(session, "Providus", "partner", PASSWORD, ["LV"], by=OPERATOR)
    for typed in ("providus", " PROVIDUS ", "Ｐｒｏｖｉｄｕｓ"):
        assert authenticate(session, typed, PASSWORD, now=T0).name == "Providus"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (" " * 8, "the password cannot be only spaces; choose one with letters or digits"),
        ("\t" * 8, "the password cannot be only spaces; choose one with letters or digits"),
        ("pass\x00word", "the password contains a control character (U+0000); remove it"),
    ],
)
def test_blank_passwords_and_control_characters_are_refused(
    session: Session, password: str, message: str
) -> None:
    with pytest.raises(NiemError) as refused:
        add_user(session, "lv", "partner", password, ["LV"], by=OPERATOR)
    assert str(refused.value) == message
    assert session.exec(select(User.name)).all() == []


def test_a_name_with_a_nul_character_fails_to_sign_in_like_any_unknown_name(
    session: Session,
) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    for name in ("l\x00v", "lv\x00", "\x00"):
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, name, PASSWORD, now=T0)
        assert str(failed.value) == FAILED
    assert stored_state(session) == (0, None)


def test_a_disabled_account_cannot_log_in(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
    assert disable_user(session, "lv", by=OPERATOR).disabled
    with pytest.raises(AccountDisabled) as refused:
        authenticate(session, "lv", PASSWORD, now=T0)
    assert str(refused.value) == "this account is disabled; ask the coordinator"
    with pytest.raises(LoginFailed) as wrong:
        authenticate(session, "lv", "guess", now=T0)
    assert str(wrong.value) == FAILED


def test_disabling_an_unknown_user_says_so(session: Session) -> None:
    with pytest.raises(UnknownChoice) as unknown:
        disable_user(session, "nobody", by=OPERATOR)
    assert str(unknown.value) == "unknown user 'nobody'; `niem user list` shows the accounts"
