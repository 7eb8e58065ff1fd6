"""Keeping the current-values table: one row per score, written with every publication.

Every write that publishes values (a coordinator's submission, an approval, a rollback, the
illustrative load) calls `record_publication` in its own transaction; rejections and
withdrawals publish nothing and leave the table alone. `rebuild_current_values` fills the
table from the full history, for a database made before it existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sql
from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from niem.models import CurrentValue, Revision, RevisionKind, RevisionStatus, Score, as_utc
from niem.store import (
    PublishedValue,
    carried_provenance,
    current_order,
    current_values,
    derive_published_values,
    revision_provenance,
    written_scores,
)

BATCH = 5000
KEY_COLUMNS = ("round_year", "country_code", "indicator_code")
# The columns of a current value, in the order `_record_plain` selects them.
STORED_COLUMNS = (
    *KEY_COLUMNS, "value", "note", "source", "score_id", "revision_id", "provenance", "author",
    "published_at", "ranks_as_illustrative",
)
Rank = tuple[bool, datetime, int, int]


def rank_of(value: PublishedValue) -> Rank:
    """Where a current value ranks among the published values of its score."""
    published_at = as_utc(value.published_at)
    assert published_at is not None
    return (not value.ranks_as_illustrative, published_at, value.revision_id, value.score_id)


def record_publication(session: Session, revision: Revision) -> int:
    """Make the values of a revision just published current wherever they rank above the
    current ones (as they do unless the revision is illustrative); returns how many."""
    assert revision.id is not None and revision.status == RevisionStatus.PUBLISHED
    return _record_plain(session, revision) + _record_traced(session, revision)


def _record_plain(session: Session, revision: Revision) -> int:
    """The revision's own values (neither carried over nor restored), made current in one
    statement: each is inserted, or replaces the current value it ranks above."""
    assert revision.id is not None
    table = CurrentValue.__table__  # type: ignore[attr-defined]
    kind = revision_provenance(revision.id, revision.kind)
    chosen = sql.select(
        col(Score.round_year),
        col(Score.country_code),
        col(Score.indicator_code),
        col(Score.value),
        col(Score.note),
        col(Score.source),
        col(Score.id),
        sql.literal(revision.id, sql.Integer),
        sql.literal(kind, sql.String),
        sql.literal(revision.author, sql.String),
        sql.literal(revision.published_at, table.c.published_at.type),
        sql.literal(revision.kind == RevisionKind.ILLUSTRATIVE, sql.Boolean),
    ).where(
        col(Score.revision_id) == revision.id,
        col(Score.carried_from_id).is_(None),
        col(Score.restored_from_id).is_(None),
    )
    upsert = _upsert(session)(table).from_select(STORED_COLUMNS, chosen)
    new, old = upsert.excluded, table.c
    statement = upsert.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={name: new[name] for name in STORED_COLUMNS if name not in KEY_COLUMNS},
        # As `rank_of` ranks them: a value replaces only one it ranks above.
        where=sql.tuple_(*_rank(old)) < sql.tuple_(*_rank(new)),
    )
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def _rank(columns: Any) -> tuple[Any, ...]:
    return (
        sql.not_(columns.ranks_as_illustrative),
        columns.published_at,
        columns.revision_id,
        columns.score_id,
    )


def _upsert(session: Session) -> Any:
    """The dialect's INSERT with ON CONFLICT (SQLite and PostgreSQL write it alike), imported
    for the database in use only (PostgreSQL's brings every driver's dialect with it)."""
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    from sqlalchemy.dialects import postgresql

    return postgresql.insert


def _record_traced(session: Session, revision: Revision) -> int:
    """The revision's values carried over from a round or restored by a rollback, which keep
    the provenance of the value they trace back to: made current one by one."""
    assert revision.id is not None
    revision_rank = current_order(revision)
    rows = written_scores(
        session,
        col(Score.revision_id) == revision.id,
        sql.or_(col(Score.carried_from_id).is_not(None), col(Score.restored_from_id).is_not(None)),
    )
    keys = [(r.round_year, r.country_code, r.indicator_code) for r in rows]
    existing = current_values(session, keys)
    carried = _carried_provenances(session, [r.carried_from_id for r in rows])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, row in zip(keys, rows, strict=True):
        before = existing.get(key)
        if before is not None and rank_of(before) > (*revision_rank, row.id):
            continue
        if row.carried_from_id is not None:
            provenance = carried[row.carried_from_id]
        else:
            assert row.restored_from_id is not None  # one of the two, as selected
            provenance = _restored_provenance(session, row.restored_from_id)
        value = PublishedValue(
            round_year=key[0],
            country=key[1],
            indicator=key[2],
            value=row.value,
            note=row.note,
            source=row.source,
            revision_id=revision.id,
            provenance=provenance,
            author=revision.author,
            published_at=revision.published_at,
            score_id=row.id,
            ranks_as_illustrative=revision.kind == RevisionKind.ILLUSTRATIVE,
        )
        (updates if before is not None else inserts).append(_stored(value))
    _write(session, inserts, updates)
    return len(inserts) + len(updates)


def _restored_provenance(session: Session, score_id: int) -> str:
    """A rolled-back-to value keeps the provenance of the value it restores."""
    while True:
        score, revision = session.execute(
            select(Score, Revision)
            .join(Revision, col(Score.revision_id) == col(Revision.id))
            .where(col(Score.id) == score_id)
        ).one()
        if score.carried_from_id is not None:
            return _carried_provenances(session, [score.carried_from_id])[score.carried_from_id]
        if score.restored_from_id is None:
            assert revision.id is not None
            return revision_provenance(revision.id, revision.kind)
        score_id = score.restored_from_id


def _carried_provenances(session: Session, score_ids: Sequence[int | None]) -> dict[int, str]:
    """The provenance of values carried over from these rows of an earlier round, in bulk."""
    wanted = sorted({i for i in score_ids if i is not None})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        rows = session.execute(
            sql.select(
                col(Score.id),
                col(Score.round_year),
                col(Score.restored_from_id),
                col(Score.carried_from_id),
                col(Revision.id).label("revision_id"),
                col(Revision.kind),
            )
            .join(Revision, col(Score.revision_id) == col(Revision.id))
            .where(col(Score.id).in_(chunk))
        ).all()
        for row in rows:
            if row.carried_from_id is not None or row.restored_from_id is not None:
                # Rare (a value carried twice, or restored by a rollback): follow it alone.
                origin = _restored_provenance(session, row.id)
            else:
                origin = revision_provenance(row.revision_id, row.kind)
            found[row.id] = carried_provenance(row.round_year, origin)
    return found


def _write(
    session: Session, inserts: Sequence[dict[str, Any]], updates: Sequence[dict[str, Any]]
) -> None:
    for start in range(0, len(inserts), BATCH):
        session.execute(insert(CurrentValue), list(inserts[start : start + BATCH]))
    if not updates:
        return
    # Core executemany keyed on the primary key: the ORM's bulk update costs 50 µs a row.
    table = CurrentValue.__table__  # type: ignore[attr-defined]
    statement = (
        sql.update(table)
        .where(*(table.c[k] == sql.bindparam(f"key_{k}") for k in KEY_COLUMNS))
        .values({k: sql.bindparam(f"new_{k}") for k in updates[0] if k not in KEY_COLUMNS})
    )
    for start in range(0, len(updates), BATCH):
        session.execute(
            statement,
            [
                {f"key_{k}" if k in KEY_COLUMNS else f"new_{k}": v for k, v in row.items()}
                for row in updates[start : start + BATCH]
            ],
        )


def rebuild_current_values(session: Session) -> int:
    """Fill the table from the full history, replacing what it held; returns the row count."""
    session.execute(delete(CurrentValue))
    values = derive_published_values(session)
    _write(session, [_stored(v) for v in values.values()], [])
    return len(values)


def needs_rebuild(session: Session) -> bool:
    """Whether the table is empty while published values exist (an older database)."""
    held = session.execute(select(func.count()).select_from(CurrentValue)).scalar_one()
    if held:
        return False
    published = session.execute(
        select(func.count())
        .select_from(Score)
        .join(Revision, col(Score.revision_id) == col(Revision.id))
        .where(col(Revision.status) == RevisionStatus.PUBLISHED)
    ).scalar_one()
    return bool(published)


def _stored(value: PublishedValue) -> dict[str, Any]:
    return {
        "round_year": value.round_year,
        "country_code": value.country,
        "indicator_code": value.indicator,
        "value": value.value,
        "note": value.note,
        "source": value.source,
        "score_id": value.score_id,
        "revision_id": value.revision_id,
        "provenance": value.provenance,
        "author": value.author,
        "published_at": value.published_at,
        "ranks_as_illustrative": value.ranks_as_illustrative,
    }
