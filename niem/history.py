"""The history of scores and the list of revisions, as each reader may see them.

Published values and revisions are visible to everyone; unpublished ones only to their
author, the coordinator and the operator (`niem.accounts.may_see`). The reads below apply
that rule themselves, so a page or command cannot show more than its reader may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from niem.accounts import Actor, may_see
from niem.errors import UnknownChoice
from niem.models import (
    Country,
    CurrentValue,
    Indicator,
    Revision,
    RevisionStatus,
    Round,
    Score,
    as_utc,
)
from niem.store import ScoreValue, value_fields


@dataclass(frozen=True)
class HistoryEntry(ScoreValue):
    """One value a revision gave one score, with who, when and why.

    Unlike `niem.store.PublishedValue`, it may come from a revision of any status and carries
    that revision's story, which the history shows.
    """

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
class RevisionSummary:
    """A revision with how many scores it sets and for which countries and rounds."""

    revision: Revision
    scores: int
    countries: tuple[str, ...]
    rounds: tuple[int, ...]


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
    viewer: Actor,
    limit: int | None = None,
) -> list[HistoryEntry]:
    """Every value of the matching scores that the viewer may see, newest first, the current
    one marked; with `limit`, only the values most recently written."""
    _check_filters(session, round_year, country, indicator)
    query = select(Score, Revision).join(Revision, col(Score.revision_id) == col(Revision.id))
    if limit is not None:
        query = query.order_by(col(Score.id).desc()).limit(limit)
    if round_year is not None:
        query = query.where(Score.round_year == round_year)
    if country is not None:
        query = query.where(Score.country_code == country)
    if indicator is not None:
        query = query.where(Score.indicator_code == indicator)
    rows = session.exec(query).all()
    current = set(
        session.exec(
            select(CurrentValue.score_id).where(
                col(CurrentValue.score_id).in_([score.id for score, _ in rows])
            )
        ).all()
    )
    entries = [
        HistoryEntry(
            **value_fields(score),
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
            current=score.id in current,
        )
        for score, revision in rows
        if may_see(viewer, revision.status, revision.author)
    ]
    entries.sort(
        key=lambda e: (e.when, e.revision_id, e.round_year, e.country, e.indicator), reverse=True
    )
    return entries


def list_revisions(
    session: Session,
    status: str | None = None,
    *,
    author: str | None = None,
    viewer: Actor,
    ids: Iterable[int] | None = None,
) -> list[RevisionSummary]:
    """The revisions the viewer may see, newest first; optionally of one status or author, or
    only those of `ids`."""
    if status is not None and status not in set(RevisionStatus):
        choices = ", ".join(RevisionStatus)
        raise UnknownChoice(f"unknown status {status!r}; choose one of {choices}")
    query = select(Revision).order_by(col(Revision.id).desc())
    if status is not None:
        query = query.where(Revision.status == status)
    if author is not None:
        query = query.where(Revision.author == author)
    if ids is not None:
        query = query.where(col(Revision.id).in_(list(ids)))
    revisions = [r for r in session.exec(query).all() if may_see(viewer, r.status, r.author)]
    # Counted for the listed revisions only, through the index on Score.revision_id.
    counts = session.exec(
        select(Score.revision_id, Score.round_year, Score.country_code, func.count())
        .where(col(Score.revision_id).in_([r.id for r in revisions]))
        .group_by(col(Score.revision_id), col(Score.round_year), col(Score.country_code))
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


def visible_to(summaries: Iterable[RevisionSummary], viewer: Actor) -> list[RevisionSummary]:
    """The revisions the viewer may see: published ones, plus unpublished ones it may review."""
    return [s for s in summaries if may_see(viewer, s.revision.status, s.revision.author)]
