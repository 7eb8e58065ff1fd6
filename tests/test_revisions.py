"""Submitting, reviewing, rolling back, and the history of scores."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from niem.account_admin import disable_user
from niem.accounts import OPERATOR, Account, add_user
from niem.changes import ChangeKind, preview_changes, revision_diff
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.errors import NiemError, PermissionDenied, UnknownChoice
from niem.history import list_revisions, score_history, visible_to
from niem.illustrative import SOURCE
from niem.importing import UploadRow
from niem.loading import initialise
from niem.models import Revision, RevisionKind, Score, utc_now
from niem.results import load_results
from niem.revisions import (
    CommentRequired,
    ConflictingChanges,
    NothingToSubmit,
    WrongStatus,
    approve,
    reject,
    rollback,
    submit,
    withdraw,
)
from niem.store import load_current_scores
from tests.conftest import table_rows

# Storage: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

PASSWORD = "correct horse"
ILLUSTRATIVE = SOURCE
INIT_COMMENT = "Illustrative indicator scores generated for demonstration; not expert data."


def row(
    indicator: str,
    value: float | None,
    *,
    note: str = "",
    source: str = ILLUSTRATIVE,
    based_on: int | None = 1,
    number: int = 2,
    country: str = "LV",
    year: int = 2021,
) -> UploadRow:
    return UploadRow(number, year, country, indicator, value, note, source, based_on)


def current(session: Session, country: str = "LV", year: int = 2021) -> dict[str, Any]:
    return {
        s.indicator: (s.value, s.note, s.source, s.revision_id)
        for s in load_current_scores(session)
        if (s.round_year, s.country) == (year, country)
    }


def figure(session: Session, level: str, code: str = "", column: str = "score") -> Any:
    results = load_results(session)
    match = results[
        (results["round"] == 2021)
        & (results["country"] == "LV")
        & (results["level"] == level)
        & (results["code"] == code)
    ]
    return match.iloc[0][column]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused action wrote nothing."""
    return table_rows(engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        yield opened


@pytest.fixture
def lv(session: Session) -> Account:
    return add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)


@pytest.fixture
def lt(session: Session) -> Account:
    return add_user(session, "lt", "partner", PASSWORD, ["LT"], by=OPERATOR)


@pytest.fixture
def coord(session: Session) -> Account:
    return add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)


@pytest.fixture
def base() -> datetime:
    """A moment after the shipped data were loaded, so that later revisions count later."""
    return utc_now() + timedelta(minutes=1)


def test_preview_sorts_rows_into_new_changed_unchanged_and_to_no_data(session: Session) -> None:
    rows = [
        row("FAM-L-02", 40, number=2),  # no data now
        row("BRI-I-01", 80, number=3),
        row("BRI-I-02", 25, number=4),
        row("BRI-I-03", None, number=5),
        row("BRI-L-01", 73, note="Pašvaldību atbalsts ārā", number=6),
        row("LAN-P-03", None, number=7),  # no data now, none submitted
    ]
    preview = preview_changes(session, rows)
    assert [(r.row, r.kind, r.before, r.after) for r in preview.rows] == [
        (2, ChangeKind.NEW, None, 40),
        (3, ChangeKind.CHANGED, 22, 80),
        (4, ChangeKind.UNCHANGED, 25, 25),
        (5, ChangeKind.TO_NO_DATA, 31, None),
        (6, ChangeKind.CHANGED, 73, 73),
        (7, ChangeKind.UNCHANGED, None, None),
    ]
    assert preview.counts == {
        ChangeKind.NEW: 1,
        ChangeKind.CHANGED: 2,
        ChangeKind.UNCHANGED: 2,
        ChangeKind.TO_NO_DATA: 1,
    }
    assert preview.conflicts == []
    assert preview.rows[4].before_note == ""
    assert preview.rows[4].after_note == "Pašvaldību atbalsts ārā"


def test_a_score_with_no_value_anywhere_is_new(empty_engine: Engine) -> None:
    with open_session(empty_engine) as session:
        preview = preview_changes(session, [row("BRI-I-01", 50, based_on=None)])
    assert [(r.kind, r.current_revision) for r in preview.rows] == [(ChangeKind.NEW, None)]


def test_a_partner_submission_waits_for_approval_then_moves_the_scores(
    session: Session, lv: Account, coord: Account
) -> None:
    assert figure(session, "dimension", "building_bridges") == 39.4
    assert figure(session, "overall", column="computed") == 50.7
    rows = [
        row("BRI-I-01", 80, number=2),
        row("BRI-I-02", 20, note="Pašvaldību atbalsts ārā", number=3),
        row("BRI-I-03", 31, number=4),
    ]
    revision = submit(
        session,
        rows,
        user=lv,
        comment="New municipal data",
        file_name="lv.csv",
        file_bytes=b"abc",
    )
    assert (revision.id, revision.status, revision.author, revision.kind) == (
        2,
        "pending",
        "lv",
        "upload",
    )
    assert revision.file_hash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert revision.published_at is None
    stored = session.exec(select(Score).where(Score.revision_id == 2)).all()
    assert [(s.indicator_code, s.value, s.note) for s in stored] == [
        ("BRI-I-01", 80, ""),
        ("BRI-I-02", 20, "Pašvaldību atbalsts ārā"),
    ]
    assert current(session)["BRI-I-01"] == (22, "", ILLUSTRATIVE, 1)

    approved = approve(session, 2, user=coord)
    assert (approved.status, approved.reviewed_by) == ("published", "coord")
    assert approved.published_at is not None
    now = current(session)
    assert now["BRI-I-01"] == (80, "", "", 2)
    assert now["BRI-I-02"] == (20, "Pašvaldību atbalsts ārā", "", 2)
    assert now["BRI-I-03"] == (31, "", ILLUSTRATIVE, 1)
    # Implementation cell (80 + 20 + 31) / 3 = 43.667; with legal 55.25 and policy 37 the
    # dimension is 135.917 / 3 = 45.3 (was 39.4), and the overall mean of twelve dimensions
    # rises by (45.306 - 39.417) / 12 = 0.491, from 50.701 to 51.192.
    assert figure(session, "cell", "building_bridges.implementation") == 43.7
    assert figure(session, "dimension", "building_bridges") == 45.3
    assert figure(session, "overall", column="computed") == 51.2
    assert figure(session, "overall") == 50.7  # the published figure is shown as published
    assert figure(session, "indicator", "BRI-I-01", "provenance") == "revision:2"


def test_a_coordinator_submission_is_published_directly(
    session: Session, coord: Account, base: datetime
) -> None:
    revision = submit(
        session, [row("BRI-I-01", 55.5)], user=coord, comment="", kind=RevisionKind.EDIT, now=base
    )
    assert (revision.status, revision.kind, revision.reviewed_by) == ("published", "edit", "coord")
    assert revision.published_at == base
    assert current(session)["BRI-I-01"] == (55.5, "", "", 2)


def test_a_rejected_revision_keeps_its_reason_and_changes_nothing(
    session: Session, lv: Account, coord: Account
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=lv, comment="New data")
    rejected = reject(session, 2, user=coord, reason="  No source given  ")
    assert (rejected.status, rejected.reviewed_by, rejected.review_reason) == (
        "rejected",
        "coord",
        "No source given",
    )
    assert rejected.published_at is None
    assert current(session)["BRI-I-01"] == (22, "", ILLUSTRATIVE, 1)


def test_a_partner_withdraws_its_own_pending_revision(
    session: Session, lv: Account, lt: Account
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=lv, comment="New data")
    with pytest.raises(PermissionDenied) as refused:
        withdraw(session, 2, user=lt)
    assert str(refused.value) == (
        "an account may only withdraw its own unpublished revisions; this one is by another account"
    )
    assert withdraw(session, 2, user=lv).status == "withdrawn"
    assert current(session)["BRI-I-01"] == (22, "", ILLUSTRATIVE, 1)


def test_rollback_publishes_a_new_revision_restoring_the_values_before(
    session: Session, lv: Account, coord: Account
) -> None:
    submit(
        session,
        [row("BRI-I-01", 80, number=2), row("FAM-L-02", 40, note="ā", source="law", number=3)],
        user=lv,
        comment="New data",
    )
    approve(session, 2, user=coord)
    scores_before = snapshot_scores(session)

    restoring = rollback(session, 2, user=coord)
    assert (restoring.id, restoring.kind, restoring.status, restoring.rolls_back_id) == (
        3,
        "rollback",
        "published",
        2,
    )
    assert (restoring.comment, restoring.author) == ("Rollback of revision 2", "coord")
    now = current(session)
    assert now["BRI-I-01"] == (22, "", ILLUSTRATIVE, 3)
    assert now["FAM-L-02"] == (None, "", ILLUSTRATIVE, 3)
    assert figure(session, "dimension", "building_bridges") == 39.4
    # Nothing was deleted or changed: the old rows are all still there, two were added.
    after = snapshot_scores(session)
    assert after[: len(scores_before)] == scores_before
    assert len(after) == len(scores_before) + 2

    with pytest.raises(NothingToSubmit) as again:
        rollback(session, 2, user=coord)
    assert str(again.value) == (
        "nothing to roll back: the scores of revision 2 already have the values they had before it"
    )


def snapshot_scores(session: Session) -> list[tuple[Any, ...]]:
    scores = session.exec(select(Score).order_by(col(Score.id))).all()
    return [(s.id, s.revision_id, s.indicator_code, s.value, s.note, s.source) for s in scores]


def test_rollback_restores_the_value_before_even_after_later_changes(
    session: Session, coord: Account, base: datetime
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=coord, comment="", now=base)
    submit(
        session,
        [row("BRI-I-01", 90, based_on=2)],
        user=coord,
        comment="",
        now=base + timedelta(minutes=1),
    )
    rollback(session, 2, user=coord, now=base + timedelta(minutes=2))
    assert current(session)["BRI-I-01"] == (22, "", ILLUSTRATIVE, 4)


def test_rolling_back_a_first_value_leaves_no_data(empty_engine: Engine) -> None:
    with open_session(empty_engine) as session:
        coord = add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
        submit(session, [row("BRI-I-01", 50, based_on=None)], user=coord, comment="first")
        rollback(session, 1, user=coord)
        assert current(session) == {"BRI-I-01": (None, "", "", 2)}


def test_a_late_approval_wins_over_a_revision_published_in_between(
    session: Session, lv: Account, coord: Account, base: datetime
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=lv, comment="Partner data", now=base)
    submit(
        session,
        [row("BRI-I-01", 90)],
        user=coord,
        comment="Correction",
        now=base + timedelta(minutes=1),
    )
    assert current(session)["BRI-I-01"][0] == 90
    # The pending revision was based on revision 1; its diff compares with the value now.
    assert [
        (c.before, c.after, c.newer_revision) for c in revision_diff(session, 2, viewer=OPERATOR)
    ] == [(90, 80, 3)]

    approve(session, 2, user=coord, confirm_conflicts=True, now=base + timedelta(minutes=2))
    assert current(session)["BRI-I-01"][0] == 80
    assert [(c.before, c.after) for c in revision_diff(session, 2, viewer=OPERATOR)] == [(90, 80)]
    assert [(c.before, c.after) for c in revision_diff(session, 3, viewer=OPERATOR)] == [(22, 90)]
    history = score_history(
        session, round_year=2021, country="LV", indicator="BRI-I-01", viewer=OPERATOR
    )
    assert [(e.revision_id, e.value, e.author, e.current) for e in history] == [
        (2, 80, "lv", True),
        (3, 90, "coord", False),
        (1, 22, "niem init", False),
    ]


def test_conflicts_are_refused_until_confirmed(
    engine: Engine, session: Session, lv: Account, coord: Account, base: datetime
) -> None:
    # The partner downloaded the template when revision 1 held every value; then the
    # coordinator changed BRI-I-01.
    submit(session, [row("BRI-I-01", 50)], user=coord, comment="Fix", now=base)
    rows = [row("BRI-I-01", 80, number=2), row("BRI-I-02", 20, number=3)]
    preview = preview_changes(session, rows)
    assert [(r.row, r.current_revision, r.based_on_revision) for r in preview.conflicts] == [
        (2, 2, 1)
    ]
    before = snapshot(engine)
    with pytest.raises(ConflictingChanges) as refused:
        submit(session, rows, user=lv, comment="New data")
    assert str(refused.value) == (
        "another revision changed these scores after your template was made: "
        "2021 LV BRI-I-01; check them and confirm to overwrite them"
    )
    assert snapshot(session.get_bind()) == before  # type: ignore[arg-type]
    revision = submit(session, rows, user=lv, comment="New data", confirm_conflicts=True)
    assert revision.status == "pending"


def test_an_unchanged_row_from_an_old_template_is_no_conflict(
    session: Session, coord: Account, base: datetime
) -> None:
    submit(session, [row("BRI-I-01", 50)], user=coord, comment="Fix", now=base)
    assert preview_changes(session, [row("BRI-I-01", 50)]).conflicts == []


@pytest.mark.parametrize(
    ("who", "rows", "comment", "error", "message"),
    [
        (
            "viewer",
            [row("BRI-I-01", 80)],
            "x",
            PermissionDenied,
            "log in to submit scores; without an account you may only view scores",
        ),
        (
            "lv",
            [row("BRI-I-01", 80), row("BRI-I-01", 80, country="LT", number=3)],
            "x",
            PermissionDenied,
            "this account may not submit scores for LT; its countries are LV",
        ),
        (
            "disabled",
            [row("BRI-I-01", 80)],
            "x",
            PermissionDenied,
            "this account is disabled; ask the coordinator",
        ),
        ("lv", [], "x", NothingToSubmit, "nothing to submit: there are no rows"),
        (
            "lv",
            [row("BRI-I-01", 22), row("BRI-I-02", 25, number=3)],
            "x",
            NothingToSubmit,
            "nothing to submit: every value equals the current one",
        ),
        (
            "lv",
            [row("BRI-I-01", 80)],
            "  ",
            CommentRequired,
            "add a comment saying why these scores change; the coordinator reads it",
        ),
        (
            "lv",
            [row("BRI-I-01", 80, number=2), row("BRI-I-01", 70, number=3)],
            "x",
            NiemError,
            "row 3 repeats 2021 LV BRI-I-01 of row 2; keep one row per round, country and "
            "indicator",
        ),
        ("lv", [row("BRI-I-01", 101)], "x", NiemError, "row 2: score 101 is outside 0–100"),
        (
            "coord",
            [row("BRI-I-01", 80, country="PT"), row("BRI-I-01", 80, year=2020, number=3)],
            "",
            UnknownChoice,
            "these countries are not in these rounds: 2020 LV BRI-I-01, 2021 PT BRI-I-01",
        ),
        (
            "coord",
            [row("FAM-S-01", 80)],
            "",
            UnknownChoice,
            "these are not scored indicators: 2021 LV FAM-S-01",
        ),
    ],
)
def test_a_refused_submission_writes_nothing(
    engine: Engine,
    session: Session,
    lv: Account,
    coord: Account,
    who: str,
    rows: list[UploadRow],
    comment: str,
    error: type[Exception],
    message: str,
) -> None:
    if who == "disabled":
        disable_user(session, "lv", by=OPERATOR)
    user = {"viewer": None, "lv": lv, "disabled": lv, "coord": coord}[who]
    before = snapshot(engine)
    with pytest.raises(error) as refused:
        submit(session, rows, user=user, comment=comment)
    assert str(refused.value) == message
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("action", "who", "revision_id", "error", "message"),
    [
        ("approve", "coord", 99, UnknownChoice, "there is no revision 99"),
        (
            "approve",
            "coord",
            1,
            WrongStatus,
            "revision 1 is published; only pending revisions can be approved",
        ),
        ("approve", "lv", 2, PermissionDenied, "only a coordinator may approve revisions"),
        (
            "approve",
            "viewer",
            2,
            PermissionDenied,
            "log in to approve revisions; without an account you may only view scores",
        ),
        ("reject", "lv", 2, PermissionDenied, "only a coordinator may reject revisions"),
        (
            "reject blank",
            "coord",
            2,
            NiemError,
            "give a reason for rejecting; the partner reads it",
        ),
        (
            "reject",
            "coord",
            1,
            WrongStatus,
            "revision 1 is published; only pending revisions can be rejected",
        ),
        (
            "withdraw",
            "lt",
            2,
            PermissionDenied,
            "an account may only withdraw its own unpublished revisions; "
            "this one is by another account",
        ),
        (
            "withdraw",
            "coord",
            2,
            PermissionDenied,
            "a coordinator may only withdraw its own unpublished revisions; this one is by "
            "another account, so reject it with a reason instead",
        ),
        ("rollback", "lv", 1, PermissionDenied, "only a coordinator may roll back revisions"),
        (
            "rollback",
            "coord",
            2,
            WrongStatus,
            "revision 2 is pending; only published revisions can be rolled back "
            "(a pending one can be rejected or withdrawn)",
        ),
        ("rollback", "coord", 99, UnknownChoice, "there is no revision 99"),
    ],
)
def test_a_refused_review_writes_nothing(
    engine: Engine,
    session: Session,
    lv: Account,
    lt: Account,
    coord: Account,
    action: str,
    who: str,
    revision_id: int,
    error: type[Exception],
    message: str,
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=lv, comment="New data")
    user = {"viewer": None, "lv": lv, "lt": lt, "coord": coord}[who]
    before = snapshot(engine)
    with pytest.raises(error) as refused:
        if action == "approve":
            approve(session, revision_id, user=user)
        elif action.startswith("reject"):
            reason = " " if action == "reject blank" else "No source"
            reject(session, revision_id, user=user, reason=reason)
        elif action == "withdraw":
            withdraw(session, revision_id, user=user)
        else:
            rollback(session, revision_id, user=user)
    assert str(refused.value) == message
    assert snapshot(engine) == before


def test_only_a_pending_revision_can_be_reviewed_twice_over(
    session: Session, lv: Account, coord: Account
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=lv, comment="New data")
    withdraw(session, 2, user=lv)
    with pytest.raises(WrongStatus) as refused:
        approve(session, 2, user=coord)
    assert str(refused.value) == "revision 2 is withdrawn; only pending revisions can be approved"


def test_history_shows_who_when_and_why_newest_first(
    session: Session, lv: Account, coord: Account, base: datetime
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=lv, comment="Municipal data", now=base)
    reject(session, 2, user=coord, reason="No source", now=base + timedelta(minutes=1))
    submit(
        session,
        [row("BRI-I-01", 75, source="Ministry report 2021")],
        user=lv,
        comment="With source",
        now=base + timedelta(minutes=2),
    )
    approve(session, 3, user=coord, now=base + timedelta(minutes=3))
    history = score_history(session, country="LV", indicator="BRI-I-01", viewer=OPERATOR)
    assert [
        (e.round_year, e.revision_id, e.value, e.status, e.author, e.comment, e.current)
        for e in history
        if e.round_year == 2021
    ] == [
        (2021, 3, 75, "published", "lv", "With source", True),
        (2021, 2, 80, "rejected", "lv", "Municipal data", False),
        (2021, 1, 22, "published", "niem init", INIT_COMMENT, False),
    ]
    assert [e.round_year for e in history] == [2021, 2021, 2021, 2019, 2017]
    newest, rejected = history[0], history[1]
    assert (newest.when, newest.created_at) == (
        base + timedelta(minutes=3),
        base + timedelta(minutes=2),
    )
    assert (newest.reviewed_by, newest.source) == ("coord", "Ministry report 2021")
    assert (rejected.when, rejected.review_reason) == (base, "No source")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"round_year": 2020}, "unknown round 2020; choose one of 2017, 2019, 2021"),
        ({"country": "XX"}, "unknown country 'XX'; use an ISO code such as LV"),
        ({"indicator": "NOPE"}, "unknown indicator 'NOPE'; the template lists the codes"),
    ],
)
def test_history_names_an_unknown_filter(
    session: Session, filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(UnknownChoice) as unknown:
        score_history(session, **filters, viewer=OPERATOR)
    assert str(unknown.value) == message


def test_list_revisions_counts_scores_and_filters_by_status(
    session: Session, lv: Account, lt: Account, coord: Account
) -> None:
    submit(session, [row("BRI-I-01", 80), row("BRI-I-02", 26, number=3)], user=lv, comment="a")
    submit(session, [row("BRI-I-01", 80, country="LT")], user=lt, comment="b")
    summaries = list_revisions(session, viewer=OPERATOR)
    assert [
        (s.revision.id, s.revision.status, s.scores, s.countries, s.rounds) for s in summaries
    ] == [
        (3, "pending", 1, ("LT",), (2021,)),
        (2, "pending", 2, ("LV",), (2021,)),
        (
            1,
            "published",
            5040,
            (
                "BG",
                "CZ",
                "ES",
                "FR",
                "GR",
                "HU",
                "IT",
                "LT",
                "LV",
                "NL",
                "PL",
                "PT",
                "RO",
                "SE",
                "SI",
            ),
            (2017, 2019, 2021),
        ),
    ]
    assert [s.revision.id for s in list_revisions(session, "pending", viewer=OPERATOR)] == [3, 2]
    assert [s.revision.id for s in visible_to(summaries, lv)] == [2, 1]
    assert [s.revision.id for s in visible_to(summaries, None)] == [1]
    assert [s.revision.id for s in visible_to(summaries, coord)] == [3, 2, 1]
    with pytest.raises(UnknownChoice) as unknown:
        list_revisions(session, "draft", viewer=OPERATOR)
    assert str(unknown.value) == (
        "unknown status 'draft'; choose one of pending, published, rejected, withdrawn"
    )


def _submit_in_another_process(url: str, worker: int, count: int, start: Any) -> list[int]:
    engine = make_engine(url)
    ids = []
    start.wait()  # every process writes at the same moment
    with open_session(engine) as session:
        coordinator = Account("coord", "coordinator")
        for attempt in range(count):
            indicator = f"BRI-L-0{attempt + 1}"
            revision = submit(
                session,
                [row(indicator, 90 + worker + attempt / 10, based_on=None)],
                user=coordinator,
                comment=f"worker {worker} attempt {attempt}",
            )
            assert revision.id is not None
            ids.append(revision.id)
    return ids


def test_imports_from_several_processes_at_once_all_land(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
    workers, count = 4, 3
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(workers) as pool:
        start = manager.Barrier(workers, timeout=60)
        results = pool.starmap(
            _submit_in_another_process, [(url, w, count, start) for w in range(1, workers + 1)]
        )
    ids = sorted(i for ids in results for i in ids)
    assert ids == list(range(2, 2 + workers * count))
    with open_session(engine) as session:
        comments = session.exec(select(Revision.comment).where(col(Revision.id) > 1)).all()
        assert sorted(comments) == sorted(
            f"worker {w} attempt {a}" for w in range(1, workers + 1) for a in range(count)
        )
        assert session.exec(select(func.count()).select_from(Score)).one() == 5040 + 12


def provenance(session: Session, indicator: str) -> tuple[Any, ...]:
    score = next(
        s
        for s in load_current_scores(session)
        if (s.round_year, s.country, s.indicator) == (2021, "LV", indicator)
    )
    return score.value, score.provenance, score.revision_id, score.author


def test_illustrative_scores_loaded_after_real_ones_never_hide_them(empty_engine: Engine) -> None:
    with open_session(empty_engine) as session:
        coord = add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
        submit(session, [row("BRI-I-01", 50, source="", based_on=None)], user=coord, comment="")
    # `niem init` without --no-demo, run later, publishes the illustrative revision last.
    initialise(empty_engine, load_settings())
    with open_session(empty_engine) as session:
        assert provenance(session, "BRI-I-01") == (50, "revision:1", 1, "coord")
        assert provenance(session, "BRI-I-02") == (25, "illustrative", 2, "niem init")
        assert figure(session, "indicator", "BRI-I-01") == 50
        preview = preview_changes(session, [row("BRI-I-01", 50, source="", based_on=1)])
        assert [(r.kind, r.current_revision, r.conflict) for r in preview.rows] == [
            (ChangeKind.UNCHANGED, 1, False)
        ]
        history = score_history(
            session, round_year=2021, country="LV", indicator="BRI-I-01", viewer=OPERATOR
        )
        assert [(e.revision_id, e.value, e.current) for e in history] == [
            (2, 22, False),
            (1, 50, True),
        ]
        # Illustrative values rank below every other revision, so they are what lies beneath.
        assert [(c.before, c.after) for c in revision_diff(session, 1, viewer=OPERATOR)] == [
            (22, 50)
        ]
        rollback(session, 1, user=coord)
        assert provenance(session, "BRI-I-01") == (22, "illustrative", 3, "coord")


def test_rolling_back_over_illustrative_values_keeps_them_illustrative(
    session: Session, coord: Account, base: datetime
) -> None:
    rows = [row("BRI-I-01", 80), row("BRI-I-02", 20, number=3), row("BRI-I-03", 32, number=4)]
    submit(session, rows, user=coord, comment="Expert values", now=base)
    assert figure(session, "cell", "building_bridges.implementation", "provenance") == "computed"
    rollback(session, 2, user=coord, now=base + timedelta(minutes=1))
    assert provenance(session, "BRI-I-01") == (22, "illustrative", 3, "coord")
    assert figure(session, "indicator", "BRI-I-01", "provenance") == "illustrative"
    assert figure(session, "cell", "building_bridges.implementation", "provenance") == (
        "illustrative"
    )
    restored = session.exec(select(Score).where(Score.revision_id == 3)).all()
    assert [(s.indicator_code, s.value, s.source, s.restored_from_id) for s in restored] == [
        ("BRI-I-01", 22, ILLUSTRATIVE, 4321),
        ("BRI-I-02", 25, ILLUSTRATIVE, 4322),
        ("BRI-I-03", 31, ILLUSTRATIVE, 4323),
    ]
    history = score_history(
        session, round_year=2021, country="LV", indicator="BRI-I-01", viewer=OPERATOR
    )
    assert [(e.revision_id, e.author, e.comment, e.current) for e in history][0] == (
        3,
        "coord",
        "Rollback of revision 2",
        True,
    )


def test_a_rollback_of_a_rollback_keeps_the_provenance_of_the_first_value(
    session: Session, coord: Account, base: datetime
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=coord, comment="Expert value", now=base)
    rollback(session, 2, user=coord, now=base + timedelta(minutes=1))
    rollback(session, 3, user=coord, now=base + timedelta(minutes=2))
    assert provenance(session, "BRI-I-01") == (80, "revision:2", 4, "coord")
    rollback(session, 4, user=coord, now=base + timedelta(minutes=3))
    assert provenance(session, "BRI-I-01") == (22, "illustrative", 5, "coord")


def test_a_changed_row_does_not_keep_the_illustrative_source(
    session: Session, lv: Account, coord: Account
) -> None:
    rows = [
        row("BRI-I-01", 80, number=2),
        row("BRI-I-02", 25, note="Pašvaldību dati", number=3),
        row("BRI-I-03", 31, number=4),
        row("BRI-L-01", 74, source="Ministry report", number=5),
    ]
    preview = preview_changes(session, rows)
    assert [(r.kind, r.before_source, r.after_source) for r in preview.rows] == [
        (ChangeKind.CHANGED, ILLUSTRATIVE, ""),
        (ChangeKind.CHANGED, ILLUSTRATIVE, ""),
        (ChangeKind.UNCHANGED, ILLUSTRATIVE, ILLUSTRATIVE),
        (ChangeKind.CHANGED, ILLUSTRATIVE, "Ministry report"),
    ]
    submit(session, rows, user=lv, comment="Expert values")
    approve(session, 2, user=coord)
    now = current(session)
    assert now["BRI-I-01"] == (80, "", "", 2)
    assert now["BRI-I-02"] == (25, "Pašvaldību dati", "", 2)
    assert now["BRI-I-03"] == (31, "", ILLUSTRATIVE, 1)
    assert now["BRI-L-01"] == (74, "", "Ministry report", 2)


def test_a_coordinator_rejects_a_partners_revision_rather_than_withdrawing_it(
    engine: Engine, session: Session, lv: Account, coord: Account
) -> None:
    submit(session, [row("BRI-I-01", 80)], user=lv, comment="New data")
    before = snapshot(engine)
    with pytest.raises(PermissionDenied) as refused:
        withdraw(session, 2, user=coord)
    assert str(refused.value) == (
        "a coordinator may only withdraw its own unpublished revisions; this one is by "
        "another account, so reject it with a reason instead"
    )
    assert snapshot(engine) == before
    assert reject(session, 2, user=coord, reason="No source").status == "rejected"


def test_approving_an_older_revision_over_a_newer_value_needs_confirmation(
    engine: Engine, session: Session, lv: Account, coord: Account, base: datetime
) -> None:
    submit(
        session,
        [row("HEA-L-02", 11), row("BRI-I-01", 80, number=3)],
        user=lv,
        comment="Partner data",
        now=base,
    )
    submit(
        session,
        [row("HEA-L-02", 14)],
        user=coord,
        comment="Correction",
        now=base + timedelta(minutes=1),
    )
    before = snapshot(engine)
    with pytest.raises(ConflictingChanges) as refused:
        approve(session, 2, user=coord, now=base + timedelta(minutes=2))
    assert str(refused.value) == (
        "approving revision 2 would replace values published after it was submitted: "
        "2021 LV HEA-L-02 (14 from revision 3, would become 11); check them and confirm to "
        "replace them"
    )
    assert snapshot(engine) == before
    assert current(session)["HEA-L-02"][0] == 14

    approve(session, 2, user=coord, confirm_conflicts=True, now=base + timedelta(minutes=2))
    assert current(session)["HEA-L-02"] == (11, "", "", 2)


def test_a_newer_value_equal_to_the_submitted_one_or_to_the_one_before_is_no_conflict(
    session: Session, lv: Account, coord: Account, base: datetime
) -> None:
    submit(
        session,
        [row("HEA-L-02", 11), row("BRI-I-01", 80, number=3)],
        user=lv,
        comment="Partner data",
        now=base,
    )
    # The coordinator sets the same value, and changes another score then rolls it back.
    submit(session, [row("HEA-L-02", 11, source="")], user=coord, comment="", now=base)
    submit(session, [row("BRI-I-01", 90)], user=coord, comment="", now=base + timedelta(minutes=1))
    rollback(session, 4, user=coord, now=base + timedelta(minutes=2))
    changes = revision_diff(session, 2, viewer=OPERATOR)
    assert [(c.indicator, c.before, c.after, c.newer_revision) for c in changes] == [
        ("BRI-I-01", 22, 80, None),
        ("HEA-L-02", 11, 11, None),
    ]
    assert approve(session, 2, user=coord, now=base + timedelta(minutes=3)).status == "published"


def test_illustrative_scores_loaded_after_a_submission_are_no_conflict(
    empty_engine: Engine,
) -> None:
    with open_session(empty_engine) as session:
        lv = add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
        coord = add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
        submit(session, [row("BRI-I-01", 80, based_on=None)], user=lv, comment="First data")
    initialise(empty_engine, load_settings())
    with open_session(empty_engine) as session:
        assert [
            (c.before, c.newer_revision) for c in revision_diff(session, 1, viewer=OPERATOR)
        ] == [(22, None)]
        approve(session, 1, user=coord)
        assert provenance(session, "BRI-I-01") == (80, "revision:1", 1, "lv")


def test_an_old_database_gains_the_new_nullable_columns_on_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    with engine.begin() as connection:  # the score table as the previous version made it
        # That version had no table of current values either; init builds it from the history.
        connection.exec_driver_sql("DROP TABLE currentvalue")
        connection.exec_driver_sql(
            "CREATE TABLE old_score (id INTEGER PRIMARY KEY, revision_id INTEGER, "
            "round_year INTEGER, country_code VARCHAR, indicator_code VARCHAR, value FLOAT, "
            "note VARCHAR, source VARCHAR)"
        )
        connection.exec_driver_sql(
            "INSERT INTO old_score SELECT id, revision_id, round_year, country_code, "
            "indicator_code, value, note, source FROM score"
        )
        connection.exec_driver_sql("DROP TABLE score")
        connection.exec_driver_sql("ALTER TABLE old_score RENAME TO score")
    initialise(engine, load_settings())
    with open_session(engine) as session:
        assert provenance(session, "BRI-I-01") == (22, "illustrative", 1, "niem init")
        assert session.exec(select(func.count()).select_from(Score)).one() == 5040


def test_simultaneous_approvals_publish_once_and_tell_the_other_coordinator(
    shared_engine: Engine,
) -> None:
    with open_session(shared_engine) as session:
        lv = add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
        anna = add_user(session, "anna", "coordinator", PASSWORD, by=OPERATOR)
        ben = add_user(session, "ben", "coordinator", PASSWORD, by=OPERATOR)
        revision = submit(session, [row("BRI-I-01", 99)], user=lv, comment="new law")
    start = threading.Barrier(2)

    def approving(coordinator: Account) -> str:
        with open_session(shared_engine) as session:
            start.wait()
            try:
                approve(session, revision.id or 0, user=coordinator)
            except NiemError as error:
                return f"{type(error).__name__}: {error}"
            return "approved"

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = sorted(pool.map(approving, (anna, ben)))
    assert answers == [
        "WrongStatus: revision 2 is published; only pending revisions can be approved",
        "approved",
    ]
    with open_session(shared_engine) as session:
        stored = session.get(Revision, revision.id)
        assert stored is not None and stored.status == "published"
        assert current(session)["BRI-I-01"][0] == 99


@pytest.mark.parametrize("replace_it", [False, True])
def test_a_write_to_a_deleted_or_replaced_database_file_is_refused_not_confirmed(
    tmp_path: Path, replace_it: bool
) -> None:
    path = tmp_path / "niem.db"
    engine = make_engine(f"sqlite:///{path}")
    initialise(engine, load_settings(), demo=False)
    with open_session(engine) as session:
        lv = add_user(session, "lv", "partner", PASSWORD, ["LV"], by=OPERATOR)
        for name in ("niem.db", "niem.db-wal", "niem.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        if replace_it:
            path.write_bytes(b"")
        with pytest.raises(NiemError) as refused:
            submit(session, [row("BRI-I-01", 99, based_on=None)], user=lv, comment="new law")
    assert str(refused.value) == (
        f"the database file {path} was deleted or replaced while the app was running, so "
        "nothing was stored; restart the app (or run the command again) to use the database"
    )
    engine.dispose()


@pytest.mark.parametrize(
    ("text", "code"), [("a\x00b", "U+0000"), ("\x1b[2J", "U+001B"), ("x\u009b31m", "U+009B")]
)
def test_control_characters_in_comments_notes_and_reasons_are_refused(
    engine: Engine, session: Session, lv: Account, coord: Account, text: str, code: str
) -> None:
    pending = submit(session, [row("BRI-I-01", 80)], user=lv, comment="new law")
    before = table_rows(engine)
    attempts = {
        "the comment": lambda: submit(session, [row("BRI-I-02", 80)], user=lv, comment=text),
        "row 2: the note": lambda: submit(
            session, [row("BRI-I-02", 80, note=text)], user=lv, comment="why"
        ),
        "row 2: the source": lambda: submit(
            session, [row("BRI-I-02", 80, source=text)], user=lv, comment="why"
        ),
        "the reason": lambda: reject(session, pending.id or 0, user=coord, reason=text),
    }
    messages = []
    for attempt in attempts.values():
        with pytest.raises(NiemError) as refused:
            attempt()
        messages.append(str(refused.value))
    assert messages == [
        f"{what} contains a control character ({code}); remove it" for what in attempts
    ]
    assert table_rows(engine) == before


def test_tabs_and_line_breaks_stay_in_comments_and_notes(session: Session, lv: Account) -> None:
    revision = submit(
        session,
        [row("BRI-I-02", 80, note="first line\r\nsecond\tline")],
        user=lv,
        comment="why:\n\tthe new law",
    )
    assert revision.comment == "why:\n\tthe new law"
    assert [c.after_note for c in revision_diff(session, revision.id or 0, viewer=OPERATOR)] == [
        "first line\r\nsecond\tline"
    ]


def test_a_preview_is_used_only_for_its_own_rows_and_only_while_nothing_is_published(
    session: Session, coord: Account
) -> None:
    first = [row("MAI-L-01", 70.0, source="law", based_on=None)]
    preview = preview_changes(session, first)
    # The same score with another value: the preview of the first rows is not used for it.
    other = [row("MAI-L-01", 20.0, source="law", based_on=None)]
    submit(session, other, user=coord, comment="Other rows", preview=preview)
    assert current(session)["MAI-L-01"][:3] == (20.0, "", "law")
    # Something was published since that preview: its rows are compared again.
    submit(session, first, user=coord, comment="First rows", preview=preview)
    assert current(session)["MAI-L-01"][:3] == (70.0, "", "law")
    again = preview_changes(session, first)
    with pytest.raises(NiemError, match="every value equals the current one"):
        submit(session, first, user=coord, comment="Nothing new", preview=again)
