"""Accounts after they exist: passwords, resets, enabling, countries, and the account log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import account_admin, accounts, sessions
from niem.accounts import OPERATOR, Account, LoginFailed, authenticate
from niem.cli import cli
from niem.config import Settings
from niem.database import make_engine, open_session
from niem.errors import NiemError, PermissionDenied
from tests.conftest import add_people, table_rows

pytestmark = pytest.mark.both_databases

PASSWORD = "correct horse"
SETTINGS = Settings()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        yield opened


@pytest.fixture
def people(session: Session) -> dict[str, Account]:
    return add_people(session, PASSWORD)


def log_lines(session: Session, name: str | None = None) -> list[tuple[str, str, str, str]]:
    events = account_admin.account_log(session, name, by=OPERATOR)
    return [(e.actor, e.account, e.action, e.detail) for e in reversed(events)]


def test_an_account_changes_its_own_password_with_the_old_one(
    session: Session, people: dict[str, Account]
) -> None:
    account_admin.change_password(
        session, "lv", "new secret 1", by=people["lv"], old_password=PASSWORD
    )
    assert authenticate(session, "lv", "new secret 1").name == "lv"
    with pytest.raises(LoginFailed):
        authenticate(session, "lv", PASSWORD)
    assert log_lines(session, "lv")[-1] == ("lv", "lv", "password changed", "")


@pytest.mark.parametrize(
    ("who", "name", "old", "message"),
    [
        ("lv", "lv", "wrong one", "the current password is wrong; nothing was changed"),
        (
            "lv",
            "lt",
            PASSWORD,
            "an account may only change its own password; the coordinator resets others",
        ),
        (
            "coord",
            "lt",
            PASSWORD,
            "an account may only change its own password; the coordinator resets others",
        ),
        (
            None,
            "lt",
            PASSWORD,
            "an account may only change its own password; the coordinator resets others",
        ),
    ],
)
def test_a_password_change_is_refused_without_the_old_password_or_for_another_account(
    engine: Engine,
    session: Session,
    people: dict[str, Account],
    who: str | None,
    name: str,
    old: str,
    message: str,
) -> None:
    before = table_rows(engine)
    with pytest.raises(PermissionDenied) as refused:
        account_admin.change_password(
            session, name, "new secret 1", by=people[who] if who else None, old_password=old
        )
    assert str(refused.value) == message
    assert table_rows(engine) == before


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "the password needs at least 8 characters"),
        ("          ", "the password cannot be only spaces; choose one with letters or digits"),
    ],
)
def test_a_new_password_follows_the_same_rules_as_a_first_one(
    session: Session, people: dict[str, Account], password: str, message: str
) -> None:
    with pytest.raises(NiemError) as refused:
        account_admin.change_password(
            session, "lv", password, by=people["lv"], old_password=PASSWORD
        )
    assert str(refused.value) == message


def test_a_reset_gives_a_one_time_password_that_must_be_changed(
    session: Session, people: dict[str, Account]
) -> None:
    cookie = sessions.start_session(session, "lt", SETTINGS)
    one_time = account_admin.reset_password(session, "lt", by=people["coord"])
    assert len(one_time) == 12
    # Every session of the account ends: someone else may have held one.
    assert sessions.account_for_cookie(session, cookie, SETTINGS) is None
    signed_in = authenticate(session, "lt", one_time)
    assert signed_in.must_change_password
    assert accounts.current_account(session, signed_in) == Account(
        "lt", "partner", ("LT",), must_change_password=True
    )
    account_admin.change_password(
        session, "lt", "my own secret", by=signed_in, old_password=one_time
    )
    assert not authenticate(session, "lt", "my own secret").must_change_password
    assert log_lines(session, "lt")[-2:] == [
        ("coord", "lt", "password reset", ""),
        ("lt", "lt", "password changed", ""),
    ]


def test_disabling_ends_every_session_and_enabling_lets_the_account_back(
    session: Session, people: dict[str, Account]
) -> None:
    cookies = [sessions.start_session(session, "lv", SETTINGS) for _ in range(3)]
    assert sessions.live_sessions(session, "lv") == 3
    account_admin.disable_user(session, "lv", by=people["coord"])
    assert sessions.live_sessions(session, "lv") == 0
    assert [sessions.account_for_cookie(session, c, SETTINGS) for c in cookies] == [None] * 3
    enabled = account_admin.enable_user(session, "LV", by=people["coord"])
    assert enabled == Account("lv", "partner", ("LV",))
    assert authenticate(session, "lv", PASSWORD).name == "lv"
    with pytest.raises(NiemError) as refused:
        account_admin.enable_user(session, "lv", by=people["coord"])
    assert str(refused.value) == "this account is not disabled; nothing was changed"
    assert log_lines(session, "lv")[-2:] == [
        ("coord", "lv", "disabled", ""),
        ("coord", "lv", "enabled", ""),
    ]


def test_a_coordinator_cannot_disable_its_own_account(
    session: Session, people: dict[str, Account]
) -> None:
    with pytest.raises(NiemError) as refused:
        account_admin.disable_user(session, "coord", by=people["coord"])
    assert str(refused.value) == "you cannot disable your own account; another coordinator can"


def test_a_partners_countries_are_replaced_and_logged(
    session: Session, people: dict[str, Account]
) -> None:
    changed = account_admin.set_countries(session, "lv", ["EE", "Latvia"], by=people["coord"])
    assert changed.countries == ("EE", "LV")
    assert accounts.load_account(session, "lv").countries == ("EE", "LV")
    assert log_lines(session, "lv")[-1] == ("coord", "lv", "countries changed", "LV -> EE LV")


@pytest.mark.parametrize(
    ("name", "countries", "message"),
    [
        ("coord", ["LV"], "only a partner account has countries; a coordinator has them all"),
        ("lv", [], "a partner account needs at least one country"),
        ("lv", ["XX"], "unknown country 'XX'; use an ISO code such as LV"),
    ],
)
def test_countries_are_refused_for_a_coordinator_empty_or_unknown(
    engine: Engine,
    session: Session,
    people: dict[str, Account],
    name: str,
    countries: list[str],
    message: str,
) -> None:
    before = table_rows(engine)
    with pytest.raises(NiemError) as refused:
        account_admin.set_countries(session, name, countries, by=people["coord"])
    assert str(refused.value) == message
    assert table_rows(engine) == before


def test_the_account_log_records_who_did_what_to_which_account(
    session: Session, people: dict[str, Account]
) -> None:
    account_admin.reset_password(session, "lv", by=people["coord"])
    assert log_lines(session) == [
        ("operator", "lv", "added", "partner LV"),
        ("operator", "lt", "added", "partner LT"),
        ("operator", "coord", "added", "coordinator"),
        ("coord", "lv", "password reset", ""),
    ]
    assert [e.action for e in account_admin.account_log(session, "lt", by=OPERATOR)] == ["added"]


@pytest.mark.parametrize("look_alike", ["LV", "ｌｖ", " lv ", "l\u200bv"])
def test_a_look_alike_of_an_existing_name_is_refused(
    session: Session, people: dict[str, Account], look_alike: str
) -> None:
    with pytest.raises(NiemError):
        accounts.add_user(session, look_alike, "partner", PASSWORD, ["LV"], by=OPERATOR)
    assert [u.name for u in accounts.list_users(session, by=OPERATOR)] == ["coord", "lt", "lv"]


def run(database_url: str, monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> str:
    monkeypatch.setenv("NIEM_DATABASE_URL", database_url)
    if args[:2] == ("user", "add"):
        CliRunner().invoke(cli, ["init", "--no-demo"])
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_user_commands_change_accounts_and_show_the_log(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(
        database_url,
        monkeypatch,
        "user",
        "add",
        "lv",
        "--role",
        "partner",
        "--country",
        "LV",
        stdin=PASSWORD + "\n",
    )
    assert run(database_url, monkeypatch, "user", "passwd", "lv", stdin="another one\n") == (
        "Changed the password of 'lv'.\n"
    )
    reset = run(database_url, monkeypatch, "user", "reset", "lv").splitlines()
    assert reset[0] == "One-time password for 'lv' (it must be changed at the next sign-in):"
    assert len(reset[1]) == 12
    assert run(database_url, monkeypatch, "user", "disable", "lv") == "Disabled user 'lv'.\n"
    assert run(database_url, monkeypatch, "user", "enable", "lv") == "Enabled user 'lv'.\n"
    assert run(database_url, monkeypatch, "user", "countries", "lv", "ee", "Lithuania") == (
        "User 'lv' now submits for EE LT.\n"
    )
    log = run(database_url, monkeypatch, "user", "log", "lv").splitlines()
    assert log[0].split() == ["when", "by", "account", "action", "detail"]
    assert [line.split("UTC  ")[1].split() for line in log[1:]] == [
        ["operator", "lv", "countries", "changed", "LV", "->", "EE", "LT"],
        ["operator", "lv", "enabled"],
        ["operator", "lv", "disabled"],
        ["operator", "lv", "password", "reset"],
        ["operator", "lv", "password", "changed"],
        ["operator", "lv", "added", "partner", "LV"],
    ]
    with open_session(make_engine(database_url)) as session:
        assert authenticate(session, "lv", reset[1]).must_change_password


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["user", "enable", "nobody"],
            "Error: unknown user 'nobody'; `niem user list` shows the accounts",
        ),
        (
            ["user", "countries", "lv", "XX"],
            "Error: unknown country 'XX'; use an ISO code such as LV",
        ),
        (["user", "countries", "lv"], "Error: Missing argument 'CODES...'."),
    ],
)
def test_the_user_commands_refuse_in_one_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    run(
        database_url,
        monkeypatch,
        "user",
        "add",
        "lv",
        "--role",
        "partner",
        "--country",
        "LV",
        stdin=PASSWORD + "\n",
    )
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.output.strip()) == (1, message)
