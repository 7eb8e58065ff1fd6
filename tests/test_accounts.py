"""Accounts, passwords, logins and the permission matrix."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from niem.accounts import (
    Account,
    AccountDisabled,
    AccountLocked,
    Action,
    LoginFailed,
    add_user,
    authenticate,
    authorize,
    disable_user,
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
            "'lv' may not submit scores for EE; its countries are LV",
        ),
        (PARTNER, Action.APPROVE, {}, "only a coordinator may approve revisions"),
        (PARTNER, Action.ROLLBACK, {}, "only a coordinator may roll back revisions"),
        (
            PARTNER,
            Action.WITHDRAW,
            {"author": "ee"},
            "'lv' may only withdraw its own unpublished revisions; this one is by 'ee'",
        ),
        (
            COORDINATOR,
            Action.WITHDRAW,
            {"author": "lv"},
            "'coord' may only withdraw its own unpublished revisions; this one is by 'lv', "
            "so reject it with a reason instead",
        ),
        (
            Account("lv", "partner", ("LV",), disabled=True),
            Action.SUBMIT,
            {"country": "LV"},
            "the account 'lv' is disabled; ask the coordinator",
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
    add_user(session, "lv", "partner", PASSWORD, ["Latvia", "EL"])
    add_user(session, "coord", "coordinator", PASSWORD)
    assert list_users(session) == [
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
        ("taken", "partner", PASSWORD, ["LV"], NiemError, "user 'taken' already exists"),
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
    add_user(session, "taken", "coordinator", PASSWORD)
    with pytest.raises(error) as refused:
        add_user(session, name, role, password, countries)
    assert str(refused.value) == message
    assert session.exec(select(func.count()).select_from(User)).one() == 1
    assert session.exec(select(func.count()).select_from(UserCountry)).one() == 0


def test_login_returns_the_account(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"])
    assert authenticate(session, " lv ", PASSWORD, now=T0) == Account("lv", "partner", ("LV",))


def test_an_unknown_user_and_a_wrong_password_get_the_same_message(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"])
    messages = []
    for name, password in (("nobody", PASSWORD), ("lv", "wrong password")):
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, name, password, now=T0)
        messages.append(str(failed.value))
    assert messages == ["wrong user name or password"] * 2


def test_failed_logins_lock_the_account_until_the_lock_time_passes(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"])
    for _ in range(2):
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, "lv", "guess", now=T0, attempts_before_lock=3, lock_minutes=10)
        assert str(failed.value) == "wrong user name or password"
    with pytest.raises(AccountLocked) as locked:
        authenticate(session, "lv", "guess", now=T0, attempts_before_lock=3, lock_minutes=10)
    assert str(locked.value) == "too many failed attempts; try again in 10 minutes"

    # Locked: even the right password is refused, with the time left.
    later = T0 + timedelta(minutes=9, seconds=30)
    with pytest.raises(AccountLocked) as still:
        authenticate(session, "lv", PASSWORD, now=later, attempts_before_lock=3, lock_minutes=10)
    assert str(still.value) == "too many failed attempts; try again in 1 minute"

    unlocked = T0 + timedelta(minutes=10)
    account = authenticate(
        session, "lv", PASSWORD, now=unlocked, attempts_before_lock=3, lock_minutes=10
    )
    assert account.name == "lv"
    stored = session.get(User, "lv")
    assert stored is not None
    session.refresh(stored)
    assert (stored.failed_logins, stored.locked_until) == (0, None)


def test_a_successful_login_resets_the_failure_count(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"])
    for _ in range(4):
        with pytest.raises(LoginFailed):
            authenticate(session, "lv", "guess", now=T0)
    authenticate(session, "lv", PASSWORD, now=T0)
    for _ in range(4):
        with pytest.raises(LoginFailed) as failed:
            authenticate(session, "lv", "guess", now=T0)
        assert not isinstance(failed.value, AccountLocked)


def test_the_default_lock_follows_the_settings(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"])
    for _ in range(4):
        with pytest.raises(LoginFailed):
            authenticate(session, "lv", "guess", now=T0)
    with pytest.raises(AccountLocked) as locked:
        authenticate(session, "lv", "guess", now=T0)
    assert str(locked.value) == "too many failed attempts; try again in 15 minutes"


def test_a_disabled_account_cannot_log_in(session: Session) -> None:
    add_user(session, "lv", "partner", PASSWORD, ["LV"])
    assert disable_user(session, "lv").disabled
    with pytest.raises(AccountDisabled) as refused:
        authenticate(session, "lv", PASSWORD, now=T0)
    assert str(refused.value) == "the account 'lv' is disabled; ask the coordinator"
    with pytest.raises(LoginFailed) as wrong:
        authenticate(session, "lv", "guess", now=T0)
    assert str(wrong.value) == "wrong user name or password"


def test_disabling_an_unknown_user_says_so(session: Session) -> None:
    with pytest.raises(UnknownChoice) as unknown:
        disable_user(session, "nobody")
    assert str(unknown.value) == "unknown user 'nobody'; `niem user list` shows the accounts"
