"""Each rule in one room: the domain function that acts or reads refuses, with no UI around it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import account_admin, accounts, history, importing, revisions, store
from niem.accounts import OPERATOR, Account
from niem.changes import revision_diff
from niem.config import load_settings
from niem.database import open_session
from niem.errors import PermissionDenied
from niem.importing import UploadRow
from tests.conftest import add_people, table_rows

# Storage: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

PASSWORD = "correct horse"
VIEWER_REFUSAL = "log in to manage accounts; without an account you may only view scores"
PARTNER_REFUSAL = "only a coordinator may manage accounts"


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        yield opened


@pytest.fixture
def people(session: Session) -> dict[str, Account]:
    """A partner for Latvia, one for Lithuania and a coordinator, added by the operator."""
    return add_people(session, PASSWORD)


def _row(value: float, country: str = "LV") -> UploadRow:
    return UploadRow(2, 2021, country, "BRI-I-01", value, "", "", None)


MANAGING = {
    "add": lambda session, by: accounts.add_user(
        session, "new", "partner", PASSWORD, ["LV"], by=by
    ),
    "list": lambda session, by: accounts.list_users(session, by=by),
    "disable": lambda session, by: account_admin.disable_user(session, "lt", by=by),
    "enable": lambda session, by: account_admin.enable_user(session, "lt", by=by),
    "reset": lambda session, by: account_admin.reset_password(session, "lt", by=by),
    "countries": lambda session, by: account_admin.set_countries(session, "lt", ["EE"], by=by),
    "log": lambda session, by: account_admin.account_log(session, by=by),
}


@pytest.mark.parametrize("action", list(MANAGING))
@pytest.mark.parametrize(
    ("who", "message"),
    [(None, VIEWER_REFUSAL), ("lv", PARTNER_REFUSAL)],
)
def test_only_a_coordinator_manages_accounts(
    engine: Engine,
    session: Session,
    people: dict[str, Account],
    action: str,
    who: str | None,
    message: str,
) -> None:
    before = table_rows(engine)
    with pytest.raises(PermissionDenied) as refused:
        MANAGING[action](session, None if who is None else people[who])
    assert str(refused.value) == message
    assert table_rows(engine) == before


def test_a_disabled_coordinator_no_longer_manages_accounts(
    session: Session, people: dict[str, Account]
) -> None:
    account_admin.disable_user(session, "coord", by=OPERATOR)
    with pytest.raises(PermissionDenied) as refused:
        accounts.list_users(session, by=people["coord"])
    assert str(refused.value) == "this account is disabled; ask the coordinator"


def test_a_coordinator_and_the_operator_manage_accounts(
    session: Session, people: dict[str, Account]
) -> None:
    added = accounts.add_user(session, "ee", "partner", PASSWORD, ["EE"], by=people["coord"])
    assert added == Account("ee", "partner", ("EE",))
    assert account_admin.disable_user(session, "ee", by=people["coord"]).disabled
    assert [u.name for u in accounts.list_users(session, by=OPERATOR)] == [
        "coord",
        "ee",
        "lt",
        "lv",
    ]


@pytest.mark.parametrize(
    ("viewer", "sees_pending"),
    [(None, False), ("lt", False), ("lv", True), ("coord", True), ("operator", True)],
)
def test_history_shows_a_pending_value_only_to_its_author_and_the_coordinator(
    session: Session, people: dict[str, Account], viewer: str | None, sees_pending: bool
) -> None:
    revisions.submit(session, [_row(80)], user=people["lv"], comment="new law")
    reader = OPERATOR if viewer == "operator" else (people[viewer] if viewer else None)
    entries = history.score_history(
        session, round_year=2021, country="LV", indicator="BRI-I-01", viewer=reader
    )
    assert [e.status for e in entries] == (
        ["pending", "published"] if sees_pending else ["published"]
    )
    listed = [s.revision.status for s in history.list_revisions(session, viewer=reader)]
    assert listed == (["pending", "published"] if sees_pending else ["published"])


def test_a_partner_submits_only_for_its_own_countries(
    engine: Engine, session: Session, people: dict[str, Account]
) -> None:
    before = table_rows(engine)
    with pytest.raises(PermissionDenied) as refused:
        revisions.submit(session, [_row(80, "LT")], user=people["lv"], comment="why")
    assert str(refused.value) == "this account may not submit scores for LT; its countries are LV"
    assert table_rows(engine) == before


def test_the_countries_one_may_submit_for_come_from_one_rule(people: dict[str, Account]) -> None:
    assert accounts.submit_countries(people["lv"]) == frozenset({"LV"})
    assert accounts.submit_countries(people["coord"]) is None
    assert accounts.submittable(people["lv"], ["LT", "LV", "EE"]) == ["LV"]
    assert accounts.submittable(people["coord"], ["LT", "LV"]) == ["LT", "LV"]
    assert accounts.submittable(None, ["LT", "LV"]) == []


def test_an_upload_is_checked_against_the_submitters_countries(
    session: Session, people: dict[str, Account]
) -> None:
    rounds, catalogue = store.load_rounds(session), store.load_catalogue(session)
    limit = load_settings().upload_limits

    def context(submitter: Account | accounts.Operator) -> importing.UploadContext:
        return importing.upload_context(rounds, catalogue, submitter, limit)

    assert context(people["lv"]).editable_countries == frozenset({"LV"})
    assert context(people["coord"]).editable_countries is None
    assert context(OPERATOR).editable_countries is None
    data = b"round,country,indicator,score\n2021,LT,BRI-I-01,50\n"
    result = importing.read_upload(data, "lt.csv", context(people["lv"]))
    assert [str(p) for p in result.problems] == [
        "row 2, column country: you may submit only for LV; remove the rows for LT "
        "or ask the coordinator for access to LT"
    ]
    assert importing.read_upload(data, "lt.csv", context(people["lt"])).valid


@pytest.mark.parametrize(
    ("viewer", "message"),
    [
        (None, "log in to see unpublished revisions; without an account you may only view scores"),
        (
            "lt",
            "an account may only see its own unpublished revisions; this one is by another account",
        ),
    ],
)
def test_a_pending_diff_is_refused_to_all_but_its_author_and_the_coordinator(
    session: Session, people: dict[str, Account], viewer: str | None, message: str
) -> None:
    pending = revisions.submit(session, [_row(80)], user=people["lv"], comment="new law")
    for reader in (people["lv"], people["coord"], OPERATOR):
        assert [c.after for c in revision_diff(session, pending.id or 0, viewer=reader)] == [80]
    with pytest.raises(PermissionDenied) as refused:
        revision_diff(session, pending.id or 0, viewer=people[viewer] if viewer else None)
    assert str(refused.value) == message


def test_a_published_diff_is_open_to_everyone(session: Session) -> None:
    assert len(revision_diff(session, 1, viewer=None)) == 5040
