"""The current-values table always equals the value derived from the full history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from niem.accounts import OPERATOR, Account, add_user
from niem.config import load_settings
from niem.current import needs_rebuild, rebuild_current_values
from niem.database import open_session
from niem.errors import NiemError
from niem.importing import UploadRow
from niem.loading import initialise
from niem.models import CurrentValue, Revision, RevisionStatus, utc_now
from niem.revisions import approve, reject, rollback, submit, withdraw
from niem.store import current_values, derive_published_values

pytestmark = pytest.mark.both_databases

KEYS = [
    (2021, "LV", "BRI-I-01"),
    (2021, "LV", "BRI-I-02"),
    (2021, "LV", "FAM-L-02"),
    (2019, "LV", "BRI-I-01"),
    (2021, "LT", "BRI-I-01"),
]
OPERATIONS = ("submit", "submit", "direct", "approve", "approve", "reject", "withdraw", "rollback")


def assert_table_matches_history(session: Session) -> None:
    session.expire_all()
    assert current_values(session) == derive_published_values(session)


def random_rows(chooser: random.Random) -> list[UploadRow]:
    keys = chooser.sample(KEYS, chooser.randint(1, 3))
    return [
        UploadRow(
            number + 2,
            year,
            country,
            indicator,
            chooser.choice([None, 0.0, 25.0, 50.0, 62.5, 100.0]),
            chooser.choice(["", "note ā"]),
            "source",
            None,
        )
        for number, (year, country, indicator) in enumerate(keys)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_keep_the_table_equal_to_the_history(
    empty_engine: Engine, seed: int
) -> None:
    # On a store without the illustrative scores, so that each of the 41 comparisons of the
    # whole table with the whole history stays quick; the tests below use the shipped store.
    engine = empty_engine
    chooser = random.Random(seed)
    moment = utc_now() + timedelta(minutes=1)
    with open_session(engine) as session:
        partner = add_user(
            session, "partner", "partner", "correct horse", ["LV", "LT"], by=OPERATOR
        )
        coordinator = add_user(session, "coord", "coordinator", "correct horse", by=OPERATOR)
        assert_table_matches_history(session)
        done: dict[str, int] = {}
        for _step in range(40):
            moment += timedelta(seconds=chooser.choice([1, 1, 60]))
            operation = chooser.choice(OPERATIONS)
            try:
                _run(session, chooser, operation, partner, coordinator, moment)
                done[operation] = done.get(operation, 0) + 1
            except NiemError:
                session.rollback()
            assert_table_matches_history(session)
        # The sequence did exercise each kind of write, conflicting approvals included.
        assert {"submit", "direct", "approve", "rollback"} <= set(done)


def _run(
    session: Session,
    chooser: random.Random,
    operation: str,
    partner: Account,
    coordinator: Account,
    now: datetime,
) -> None:
    pending = session.exec(
        select(Revision.id).where(col(Revision.status) == RevisionStatus.PENDING)
    ).all()
    published = session.exec(
        select(Revision.id).where(col(Revision.status) == RevisionStatus.PUBLISHED)
    ).all()
    if operation == "submit":
        submit(session, random_rows(chooser), user=partner, comment="why", now=now,
               confirm_conflicts=True)
    elif operation == "direct":
        submit(session, random_rows(chooser), user=coordinator, comment="", now=now,
               confirm_conflicts=True)
    elif operation == "approve" and pending:
        approve(session, chooser.choice(pending), user=coordinator, confirm_conflicts=True,
                now=now)
    elif operation == "reject" and pending:
        reject(session, chooser.choice(pending), user=coordinator, reason="no", now=now)
    elif operation == "withdraw" and pending:
        withdraw(session, chooser.choice(pending), user=partner, now=now)
    elif operation == "rollback" and published:
        rollback(session, chooser.choice(published), user=coordinator, now=now)
    else:
        raise NiemError("nothing to do")


def test_an_older_database_gains_the_table_from_its_history(engine: Engine) -> None:
    with open_session(engine) as session:
        coordinator = add_user(session, "coord", "coordinator", "correct horse", by=OPERATOR)
        submit(session, random_rows(random.Random(7)), user=coordinator, comment="",
               now=utc_now() + timedelta(minutes=1), confirm_conflicts=True)
        expected = current_values(session)
        session.execute(text("DELETE FROM currentvalue"))
        session.commit()
        assert needs_rebuild(session)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        assert not needs_rebuild(session)
        assert current_values(session) == expected
        assert len(expected) == 5040
        assert rebuild_current_values(session) == 5040


def test_the_table_holds_one_row_per_score_with_its_provenance(engine: Engine) -> None:
    with open_session(engine) as session:
        latvia = session.exec(
            select(CurrentValue).where(
                CurrentValue.round_year == 2021,
                CurrentValue.country_code == "LV",
                CurrentValue.indicator_code == "BRI-I-01",
            )
        ).one()
        assert (latvia.provenance, latvia.author, latvia.ranks_as_illustrative) == (
            "illustrative",
            "niem init",
            True,
        )


def test_publication_moments_are_read_for_lists_of_any_length(engine: Engine) -> None:
    # Lists are padded to a few fixed lengths and read in chunks of the longest.
    from niem.value_columns import publication_moments

    with open_session(engine) as session:
        stored = {
            revision.id: revision.published_at
            for revision in session.exec(select(Revision)).all()
            if revision.published_at is not None
        }
        # 5,001 ids: one chunk of 4,096, then 905 padded to 4,096; the one revision that
        # exists comes last, in the second chunk.
        wanted = [*range(10_000, 15_000), *stored]
        found = publication_moments(session, wanted)
        few = publication_moments(session, list(stored))
        none = publication_moments(session, [])
    assert len(stored) == 1
    assert found == few
    assert list(found) == list(stored)
    assert none == {}
