"""Submitting, reviewing and rolling back scores, and the history of every score.

The store is append-only: every write here adds a Revision and its Score rows, or moves a
pending revision to another status. Nothing in Score is ever updated or deleted. A score's
current value, and the value before a revision, follow `niem.store.current_order`, exactly as
`niem.store.load_current_scores` does: illustrative values always rank below real ones.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import tuple_, update
from sqlmodel import Session, col, func, select

from niem.accounts import (
    Account,
    Action,
    as_utc,
    authorize,
    current_account,
    write_transaction,
)
from niem.errors import NiemError, UnknownChoice
from niem.illustrative import SOURCE as ILLUSTRATIVE_SOURCE
from niem.models import (
    Country,
    Indicator,
    Revision,
    RevisionKind,
    RevisionStatus,
    Role,
    Round,
    RoundCountry,
    Score,
    utc_now,
)
from niem.store import by_current_order, current_order

Key = tuple[int, str, str]
SHOWN_IN_MESSAGES = 5


class ConflictingChanges(NiemError):
    """Scores being written were changed by someone else after the template or submission."""


class NothingToSubmit(NiemError):
    """Every submitted value equals the current one."""


class CommentRequired(NiemError):
    """A partner submitted without saying why the scores change."""


class WrongStatus(NiemError):
    """The revision is not in the status the action needs."""


class ScoreRow(Protocol):
    """One row to submit; `niem.importing.UploadRow` is one."""

    @property
    def row(self) -> int: ...
    @property
    def round_year(self) -> int: ...
    @property
    def country(self) -> str: ...
    @property
    def indicator(self) -> str: ...
    @property
    def value(self) -> float | None: ...
    @property
    def note(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def based_on_revision(self) -> int | None: ...


class ChangeKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    TO_NO_DATA = "to_no_data"


@dataclass(frozen=True)
class Stored:
    """A score as one revision set it."""

    value: float | None
    note: str
    source: str
    revision_id: int
    score_id: int
    illustrative: bool = False


@dataclass(frozen=True)
class PreviewRow:
    """What submitting one row would do to the current value."""

    row: int
    round_year: int
    country: str
    indicator: str
    kind: ChangeKind
    before: float | None
    after: float | None
    before_note: str
    after_note: str
    before_source: str
    after_source: str
    current_revision: int | None
    based_on_revision: int | None

    @property
    def conflict(self) -> bool:
        """Someone changed this score after the template was made, and this row would overwrite."""
        return (
            self.kind != ChangeKind.UNCHANGED
            and self.based_on_revision is not None
            and self.based_on_revision != self.current_revision
        )


@dataclass(frozen=True)
class Preview:
    """Every submitted row against the current values."""

    rows: list[PreviewRow]

    @property
    def counts(self) -> dict[ChangeKind, int]:
        return {kind: sum(r.kind == kind for r in self.rows) for kind in ChangeKind}

    @property
    def changes(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind != ChangeKind.UNCHANGED]

    @property
    def conflicts(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.conflict]


@dataclass(frozen=True)
class HistoryEntry:
    """One value a revision gave one score, with who, when and why."""

    round_year: int
    country: str
    indicator: str
    value: float | None
    note: str
    source: str
    revision_id: int
    kind: str
    status: str
    author: str
    created_at: datetime
    published_at: datetime | None
    comment: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_reason: str | None
    current: bool

    @property
    def when(self) -> datetime:
        """When the value took effect, or was submitted if it never did."""
        return self.published_at or self.created_at


@dataclass(frozen=True)
class Change:
    """One score in a revision's diff."""

    round_year: int
    country: str
    indicator: str
    before: float | None
    after: float | None
    before_note: str
    after_note: str
    before_source: str
    after_source: str
    # For a pending revision: the revision, published after it was submitted, whose value
    # approving it would replace.
    newer_revision: int | None = None


@dataclass(frozen=True)
class RevisionSummary:
    """A revision with how many scores it sets and for which countries and rounds."""

    revision: Revision
    scores: int
    countries: tuple[str, ...]
    rounds: tuple[int, ...]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def _kind(before: Stored | None, value: float | None, note: str, source: str) -> ChangeKind:
    old = before.value if before else None
    if old is None and value is not None:
        return ChangeKind.NEW
    if old is not None and value is None:
        return ChangeKind.TO_NO_DATA
    old_text = (before.note, before.source) if before else ("", "")
    if _same(old, value) and old_text == (note, source):
        return ChangeKind.UNCHANGED
    return ChangeKind.CHANGED


def _source_to_store(before: Stored | None, row: ScoreRow) -> str:
    """The row's source, except the illustrative marker the template carried onto a new value.

    The marker stays only on an unchanged illustrative value: a changed value or note, or a
    value someone else has set since the template was made, is no longer illustrative.
    """
    if row.source != ILLUSTRATIVE_SOURCE:
        return row.source
    old_value, old_note, old_source = _parts(before)
    unchanged = _same(old_value, row.value) and old_note == row.note
    return row.source if unchanged and old_source == ILLUSTRATIVE_SOURCE else ""


def _published_values(
    session: Session,
    keys: Iterable[Key],
    *,
    before: Revision | None = None,
    as_of: datetime | None = None,
) -> dict[Key, Stored]:
    """The current value of each key, or the value just before `before` or at moment `as_of`."""
    wanted = set(keys)
    pairs = sorted({(year, country) for year, country, _ in wanted})
    if not pairs:
        return {}
    rows = session.exec(
        select(Score, Revision)
        .join(Revision, col(Score.revision_id) == col(Revision.id))
        .where(Revision.status == RevisionStatus.PUBLISHED)
        .where(tuple_(col(Score.round_year), col(Score.country_code)).in_(pairs))
    ).all()
    limit = current_order(before) if before is not None else None
    values: dict[Key, Stored] = {}
    for score, revision in by_current_order(rows):
        if limit is not None and current_order(revision) >= limit:
            break
        published_at = as_utc(revision.published_at)
        if as_of is not None and published_at is not None and published_at > as_of:
            continue
        key = (score.round_year, score.country_code, score.indicator_code)
        if key in wanted:
            assert score.id is not None
            illustrative = revision.kind == RevisionKind.ILLUSTRATIVE
            values[key] = Stored(
                score.value, score.note, score.source, score.revision_id, score.id, illustrative
            )
    return values


def preview_changes(session: Session, rows: Sequence[ScoreRow]) -> Preview:
    """What each row would change: new, changed, unchanged or to no data, and conflicts.

    A changed row whose source is still the template's illustrative marker will be stored
    without a source, and the preview shows it so.
    """
    current = _published_values(session, (_key(r) for r in rows))
    preview = []
    for row in rows:
        before = current.get(_key(row))
        source = _source_to_store(before, row)
        preview.append(
            PreviewRow(
                row=row.row,
                round_year=row.round_year,
                country=row.country,
                indicator=row.indicator,
                kind=_kind(before, row.value, row.note, source),
                before=before.value if before else None,
                after=row.value,
                before_note=before.note if before else "",
                after_note=row.note,
                before_source=before.source if before else "",
                after_source=source,
                current_revision=before.revision_id if before else None,
                based_on_revision=row.based_on_revision,
            )
        )
    return Preview(preview)


def _key(row: ScoreRow) -> Key:
    return (row.round_year, row.country, row.indicator)


def describe_scores(keys: Sequence[Key]) -> str:
    """'2021 LV BRI-I-01, 2021 LV BRI-I-02 and 3 more', for messages."""
    shown = ", ".join(
        f"{year} {country} {code}" for year, country, code in keys[:SHOWN_IN_MESSAGES]
    )
    more = len(keys) - SHOWN_IN_MESSAGES
    return shown + (f" and {more} more" if more > 0 else "")


def _check_rows(session: Session, rows: Sequence[ScoreRow]) -> None:
    """Refuse rows the upload validation would have refused, whichever path they came by."""
    seen: dict[Key, int] = {}
    for row in rows:
        if _key(row) in seen:
            raise NiemError(
                f"row {row.row} repeats {describe_scores([_key(row)])} of row {seen[_key(row)]}; "
                "keep one row per round, country and indicator"
            )
        seen[_key(row)] = row.row
        if row.value is not None and not 0 <= row.value <= 100:
            raise NiemError(f"row {row.row}: score {row.value:g} is outside 0–100")
    members = set(session.exec(select(RoundCountry.round_year, RoundCountry.country_code)).all())
    unknown_pairs = sorted({k for k in seen if (k[0], k[1]) not in members})
    if unknown_pairs:
        raise UnknownChoice(
            f"these countries are not in these rounds: {describe_scores(unknown_pairs)}"
        )
    scored = set(session.exec(select(Indicator.code).where(Indicator.scored)).all())
    unknown_codes = sorted(k for k in seen if k[2] not in scored)
    if unknown_codes:
        raise UnknownChoice(f"these are not scored indicators: {describe_scores(unknown_codes)}")


def file_hash(data: bytes) -> str:
    """The SHA-256 of an uploaded file, stored with its revision."""
    return hashlib.sha256(data).hexdigest()


def submit(
    session: Session,
    rows: Sequence[ScoreRow],
    *,
    user: Account | None,
    comment: str,
    file_name: str | None = None,
    file_bytes: bytes | None = None,
    kind: RevisionKind = RevisionKind.UPLOAD,
    confirm_conflicts: bool = False,
    now: datetime | None = None,
) -> Revision:
    """Store the rows that change something as one revision, pending or (coordinator) published.

    Conflicting rows are refused unless confirmed; on any error nothing is written.
    """
    comment = comment.strip()

    def write() -> Revision:
        account = current_account(session, user)
        authorize(account, Action.SUBMIT)
        for country in sorted({r.country for r in rows}):
            authorize(account, Action.SUBMIT, country=country)
        assert account is not None
        if not rows:
            raise NothingToSubmit("nothing to submit: there are no rows")
        _check_rows(session, rows)
        preview = preview_changes(session, rows)
        if preview.conflicts and not confirm_conflicts:
            keys = [(r.round_year, r.country, r.indicator) for r in preview.conflicts]
            raise ConflictingChanges(
                "another revision changed these scores after your template was made: "
                f"{describe_scores(keys)}; check them and confirm to overwrite them"
            )
        if not preview.changes:
            raise NothingToSubmit("nothing to submit: every value equals the current one")
        if account.role == Role.PARTNER and not comment:
            raise CommentRequired(
                "add a comment saying why these scores change; the coordinator reads it"
            )
        direct = account.is_coordinator
        moment = now or utc_now()
        revision = Revision(
            author=account.name,
            created_at=moment,
            comment=comment,
            kind=kind,
            status=RevisionStatus.PUBLISHED if direct else RevisionStatus.PENDING,
            file_name=file_name,
            file_hash=file_hash(file_bytes) if file_bytes is not None else None,
            reviewed_by=account.name if direct else None,
            reviewed_at=moment if direct else None,
            published_at=moment if direct else None,
        )
        values = [
            ((r.round_year, r.country, r.indicator), r.after, r.after_note, r.after_source, None)
            for r in preview.changes
        ]
        _add(session, revision, values)
        return revision

    return write_transaction(session, write)


def _add(
    session: Session,
    revision: Revision,
    values: Sequence[tuple[Key, float | None, str, str, int | None]],
) -> None:
    """Store the revision with its values: (key, value, note, source, restored score id)."""
    session.add(revision)
    session.flush()
    assert revision.id is not None
    session.add_all(
        Score(
            revision_id=revision.id,
            round_year=year,
            country_code=country,
            indicator_code=code,
            value=value,
            note=note,
            source=source,
            restored_from_id=restored_from_id,
        )
        for (year, country, code), value, note, source, restored_from_id in values
    )
    session.flush()


def _revision(session: Session, revision_id: int) -> Revision:
    revision = session.get(Revision, revision_id)
    if revision is None:
        raise UnknownChoice(f"there is no revision {revision_id}")
    session.refresh(revision)
    return revision


def _require_status(revision: Revision, wanted: RevisionStatus, verb: str) -> None:
    if revision.status != wanted:
        raise WrongStatus(
            f"revision {revision.id} is {revision.status}; only {wanted} revisions can be {verb}"
        )


def _move(session: Session, revision: Revision, **values: object) -> None:
    """Change a pending revision's status, refusing if someone else moved it first."""
    moved = session.execute(
        update(Revision)
        .where(col(Revision.id) == revision.id, col(Revision.status) == RevisionStatus.PENDING)
        .values(**values)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise WrongStatus(f"revision {revision.id} is no longer pending")
    session.refresh(revision)


def approve(
    session: Session,
    revision_id: int,
    *,
    user: Account | None,
    confirm_conflicts: bool = False,
    now: datetime | None = None,
) -> Revision:
    """Publish a pending revision: its values become current.

    Values published after it was submitted are replaced only when `confirm_conflicts`.
    """

    def write() -> Revision:
        authorize(current_account(session, user), Action.APPROVE)
        assert user is not None
        revision = _revision(session, revision_id)
        _require_status(revision, RevisionStatus.PENDING, "approved")
        newer = conflicting(_diff(session, revision))
        if newer and not confirm_conflicts:
            raise ConflictingChanges(conflicts_message(revision_id, newer))
        moment = now or utc_now()
        _move(
            session,
            revision,
            status=RevisionStatus.PUBLISHED,
            published_at=moment,
            reviewed_by=user.name,
            reviewed_at=moment,
        )
        return revision

    return write_transaction(session, write)


def reject(
    session: Session,
    revision_id: int,
    *,
    user: Account | None,
    reason: str,
    now: datetime | None = None,
) -> Revision:
    """Refuse a pending revision, with a reason the partner will read."""
    reason = reason.strip()

    def write() -> Revision:
        authorize(current_account(session, user), Action.REJECT)
        assert user is not None
        revision = _revision(session, revision_id)
        _require_status(revision, RevisionStatus.PENDING, "rejected")
        if not reason:
            raise NiemError("give a reason for rejecting; the partner reads it")
        _move(
            session,
            revision,
            status=RevisionStatus.REJECTED,
            reviewed_by=user.name,
            reviewed_at=now or utc_now(),
            review_reason=reason,
        )
        return revision

    return write_transaction(session, write)


def withdraw(
    session: Session, revision_id: int, *, user: Account | None, now: datetime | None = None
) -> Revision:
    """Take back one's own pending revision; a coordinator rejects others' with a reason."""

    def write() -> Revision:
        revision = _revision(session, revision_id)
        authorize(current_account(session, user), Action.WITHDRAW, author=revision.author)
        assert user is not None
        _require_status(revision, RevisionStatus.PENDING, "withdrawn")
        _move(
            session,
            revision,
            status=RevisionStatus.WITHDRAWN,
            reviewed_by=user.name,
            reviewed_at=now or utc_now(),
        )
        return revision

    return write_transaction(session, write)


def _scores_of(session: Session, revision_id: int) -> list[Score]:
    return list(
        session.exec(
            select(Score).where(Score.revision_id == revision_id).order_by(col(Score.id))
        ).all()
    )


def _keys(scores: Iterable[Score]) -> list[Key]:
    return [(s.round_year, s.country_code, s.indicator_code) for s in scores]


def rollback(
    session: Session, revision_id: int, *, user: Account | None, now: datetime | None = None
) -> Revision:
    """Publish a new revision restoring, for every score the revision set, the value before it."""

    def write() -> Revision:
        authorize(current_account(session, user), Action.ROLLBACK)
        assert user is not None
        target = _revision(session, revision_id)
        if target.status != RevisionStatus.PUBLISHED:
            raise WrongStatus(
                f"revision {revision_id} is {target.status}; only published revisions can be "
                "rolled back (a pending one can be rejected or withdrawn)"
            )
        keys = _keys(_scores_of(session, revision_id))
        restored = _published_values(session, keys, before=target)
        current = _published_values(session, keys)
        if all(_equal(restored.get(k), current.get(k)) for k in keys):
            raise NothingToSubmit(
                f"nothing to roll back: the scores of revision {revision_id} already have the "
                "values they had before it"
            )
        moment = now or utc_now()
        revision = Revision(
            author=user.name,
            created_at=moment,
            comment=f"Rollback of revision {revision_id}",
            kind=RevisionKind.ROLLBACK,
            status=RevisionStatus.PUBLISHED,
            reviewed_by=user.name,
            reviewed_at=moment,
            published_at=moment,
            rolls_back_id=revision_id,
        )
        _add(
            session,
            revision,
            [(k, *_parts(restored.get(k)), _score_id(restored.get(k))) for k in keys],
        )
        return revision

    return write_transaction(session, write)


def _parts(stored: Stored | None) -> tuple[float | None, str, str]:
    """Value, note and source; a score no revision had set is no data."""
    return (stored.value, stored.note, stored.source) if stored else (None, "", "")


def _score_id(stored: Stored | None) -> int | None:
    return stored.score_id if stored else None


def _equal(a: Stored | None, b: Stored | None) -> bool:
    (value_a, *text_a), (value_b, *text_b) = _parts(a), _parts(b)
    return _same(value_a, value_b) and text_a == text_b


def _check_filters(
    session: Session, round_year: int | None, country: str | None, indicator: str | None
) -> None:
    if round_year is not None and session.get(Round, round_year) is None:
        years = session.exec(select(Round.year).order_by(col(Round.year))).all()
        choices = ", ".join(str(y) for y in years)
        raise UnknownChoice(f"unknown round {round_year}; choose one of {choices}")
    if country is not None and session.get(Country, country) is None:
        raise UnknownChoice(f"unknown country {country!r}; use an ISO code such as LV")
    if indicator is not None and session.get(Indicator, indicator) is None:
        raise UnknownChoice(f"unknown indicator {indicator!r}; the template lists the codes")


def score_history(
    session: Session,
    *,
    round_year: int | None = None,
    country: str | None = None,
    indicator: str | None = None,
) -> list[HistoryEntry]:
    """Every value any revision gave the matching scores, newest first, the current one marked."""
    _check_filters(session, round_year, country, indicator)
    query = select(Score, Revision).join(Revision, col(Score.revision_id) == col(Revision.id))
    if round_year is not None:
        query = query.where(Score.round_year == round_year)
    if country is not None:
        query = query.where(Score.country_code == country)
    if indicator is not None:
        query = query.where(Score.indicator_code == indicator)
    rows = session.exec(query).all()
    published = [(s, r) for s, r in rows if r.status == RevisionStatus.PUBLISHED]
    current_revision = {
        (score.round_year, score.country_code, score.indicator_code): revision.id
        for score, revision in by_current_order(published)
    }
    entries = [
        HistoryEntry(
            round_year=score.round_year,
            country=score.country_code,
            indicator=score.indicator_code,
            value=score.value,
            note=score.note,
            source=score.source,
            revision_id=revision.id or 0,
            kind=revision.kind,
            status=revision.status,
            author=revision.author,
            created_at=as_utc(revision.created_at) or revision.created_at,
            published_at=as_utc(revision.published_at),
            comment=revision.comment,
            reviewed_by=revision.reviewed_by,
            reviewed_at=as_utc(revision.reviewed_at),
            review_reason=revision.review_reason,
            current=current_revision.get(
                (score.round_year, score.country_code, score.indicator_code)
            )
            == revision.id,
        )
        for score, revision in rows
    ]
    entries.sort(
        key=lambda e: (e.when, e.revision_id, e.round_year, e.country, e.indicator), reverse=True
    )
    return entries


def revision_diff(session: Session, revision_id: int) -> list[Change]:
    """Each score the revision sets, before and after.

    "Before" is the value current just before the revision was published, or the value current
    now for a revision that is not published. For a pending revision, each change whose current
    value was published after the revision was submitted names that newer revision.
    """
    return _diff(session, _revision(session, revision_id))


def _diff(session: Session, revision: Revision) -> list[Change]:
    assert revision.id is not None
    scores = _scores_of(session, revision.id)
    keys = _keys(scores)
    published = revision.status == RevisionStatus.PUBLISHED
    before = _published_values(session, keys, before=revision if published else None)
    based_on: dict[Key, Stored] = {}
    if revision.status == RevisionStatus.PENDING:
        based_on = _published_values(session, keys, as_of=as_utc(revision.created_at))
    changes = []
    for score in scores:
        key = (score.round_year, score.country_code, score.indicator_code)
        old = before.get(key)
        own = Stored(score.value, score.note, score.source, revision.id, score.id or 0)
        # A newer value differs from the one seen when submitting and from the one submitted;
        # illustrative values rank below every revision, so they are never newer.
        newer = (
            old is not None
            and not old.illustrative
            and not _equal(old, based_on.get(key))
            and not _equal(old, own)
        )
        changes.append(
            Change(
                round_year=score.round_year,
                country=score.country_code,
                indicator=score.indicator_code,
                before=old.value if old else None,
                after=score.value,
                before_note=old.note if old else "",
                after_note=score.note,
                before_source=old.source if old else "",
                after_source=score.source,
                newer_revision=old.revision_id if newer and old else None,
            )
        )
    return sorted(changes, key=lambda c: (c.round_year, c.country, c.indicator))


def conflicting(changes: Iterable[Change]) -> list[Change]:
    """The changes of a pending revision that would replace a value published since."""
    return [c for c in changes if c.newer_revision is not None]


def _value(value: float | None) -> str:
    return "no data" if value is None else f"{value:g}"


def conflicts_message(revision_id: int, conflicts: Sequence[Change]) -> str:
    """Why approving the revision needs confirmation, naming the scores it would replace."""
    shown = ", ".join(
        f"{c.round_year} {c.country} {c.indicator} ({_value(c.before)} from revision "
        f"{c.newer_revision}, would become {_value(c.after)})"
        for c in conflicts[:SHOWN_IN_MESSAGES]
    )
    more = len(conflicts) - SHOWN_IN_MESSAGES
    return (
        f"approving revision {revision_id} would replace values published after it was "
        f"submitted: {shown}{f' and {more} more' if more > 0 else ''}; check them and confirm "
        "to replace them"
    )


def list_revisions(session: Session, status: str | None = None) -> list[RevisionSummary]:
    """Revisions, newest first, optionally only those with one status."""
    if status is not None and status not in set(RevisionStatus):
        choices = ", ".join(RevisionStatus)
        raise UnknownChoice(f"unknown status {status!r}; choose one of {choices}")
    query = select(Revision).order_by(col(Revision.id).desc())
    if status is not None:
        query = query.where(Revision.status == status)
    revisions = session.exec(query).all()
    counts = session.exec(
        select(Score.revision_id, Score.round_year, Score.country_code, func.count()).group_by(
            col(Score.revision_id), col(Score.round_year), col(Score.country_code)
        )
    ).all()
    scores: dict[int, int] = {}
    countries: dict[int, set[str]] = {}
    rounds: dict[int, set[int]] = {}
    for revision_id, year, country, count in counts:
        scores[revision_id] = scores.get(revision_id, 0) + count
        countries.setdefault(revision_id, set()).add(country)
        rounds.setdefault(revision_id, set()).add(year)
    return [
        RevisionSummary(
            r,
            scores.get(r.id or 0, 0),
            tuple(sorted(countries.get(r.id or 0, ()))),
            tuple(sorted(rounds.get(r.id or 0, ()))),
        )
        for r in revisions
    ]


def visible_to(summaries: Iterable[RevisionSummary], user: Account | None) -> list[RevisionSummary]:
    """The revisions this user may see: published ones, plus unpublished ones it may review."""
    visible = []
    for summary in summaries:
        revision = summary.revision
        if revision.status != RevisionStatus.PUBLISHED:
            try:
                authorize(user, Action.VIEW_PENDING, author=revision.author)
            except NiemError:
                continue
        visible.append(summary)
    return visible
