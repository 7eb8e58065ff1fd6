"""Evaluation rounds and their countries as data the coordinator manages: open a round, add a
country to it. A new round starts empty, or on request with the previous round's current values
carried over as its starting point: one published revision of its own, each value marked
carried over (see `niem.store.carried_provenance`); every page shows an empty round with the
empty-data wording."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sql
from sqlmodel import Session, col, func, select

from niem.accounts import Action, Actor, actor_name, check, known_countries
from niem.current import record_publication
from niem.database import write_transaction
from niem.errors import NiemError
from niem.i18n import _
from niem.models import (
    CurrentValue,
    Revision,
    RevisionKind,
    RevisionStatus,
    Round,
    RoundCountry,
    Score,
    utc_now,
)
from niem.store import CARRIED, RoundInfo, load_rounds
from niem.text import check_plain

FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_LABEL = 80


def add_round(
    session: Session,
    year: int,
    *,
    label: str,
    situation: str,
    countries: Iterable[str],
    by: Actor,
    carry_over: bool = False,
) -> RoundInfo:
    """Open a new round with its countries (any European country), if `by` may: empty, or
    with `carry_over` starting from the previous round's current values, marked carried over."""
    by = check(session, by, Action.MANAGE_ROUNDS)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NiemError(
            _("the round's year must be from {first} to {last}").format(
                first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    if session.get(Round, year) is not None:
        raise NiemError(
            _(
                "round {year} exists already; add countries to it on the Manage rounds page or "
                "with `niem round add-country`"
            ).format(year=year)
        )
    label, situation = label.strip(), situation.strip()
    for text, what in ((label, _("the label")), (situation, _("the situation date"))):
        if not text or len(text) > MAX_LABEL:
            raise NiemError(
                _("{what} must be 1 to {most} characters").format(what=what, most=MAX_LABEL)
            )
        check_plain(text, what, multiline=False)
    codes = known_countries(session, countries)
    if not codes:
        raise NiemError(_("a round needs at least one country"))
    previous = _previous_round(session, year) if carry_over else None
    if carry_over and previous is None:
        raise NiemError(
            _("there is no round before {year} to carry values over from").format(year=year)
        )

    def write() -> None:
        session.add(Round(year=year, label=label, situation=situation, published=""))
        session.flush()
        session.add_all(RoundCountry(round_year=year, country_code=c) for c in codes)
        if previous is not None:
            session.flush()
            _carry_over(session, previous, year, codes, by)

    write_transaction(session, write)
    return next(r for r in load_rounds(session) if r.year == year)


def add_country(session: Session, year: int, country: str, *, by: Actor) -> RoundInfo:
    """Add a country to a round, if `by` may; its scores start empty."""
    check(session, by, Action.MANAGE_ROUNDS)
    if session.get(Round, year) is None:
        raise NiemError(
            _("there is no round {year}; `niem round list` shows the rounds").format(year=year)
        )
    [code] = known_countries(session, [country])
    if session.get(RoundCountry, (year, code)) is not None:
        raise NiemError(_("{code} is in round {year} already").format(code=code, year=year))
    write_transaction(
        session, lambda: session.add(RoundCountry(round_year=year, country_code=code))
    )
    return next(r for r in load_rounds(session) if r.year == year)


@dataclass(frozen=True)
class RoundSummary:
    """A round as the coordinator's list shows it: its countries and how many current values
    it holds, of which how many were carried over from the previous round."""

    round: RoundInfo
    values: int
    carried: int


def round_summaries(session: Session) -> list[RoundSummary]:
    """Every round, oldest first, with its count of current and carried-over values."""
    counted = session.execute(
        sql.select(
            col(CurrentValue.round_year),
            func.count(),
            func.count().filter(col(CurrentValue.provenance).startswith(f"{CARRIED}:")),
        ).group_by(col(CurrentValue.round_year))
    ).all()
    counts = {year: (values, carried) for year, values, carried in counted}
    return [
        RoundSummary(r, *counts.get(r.year, (0, 0)))
        for r in load_rounds(session)
    ]


def _previous_round(session: Session, year: int) -> int | None:
    return session.exec(select(func.max(Round.year)).where(Round.year < year)).one()


def _carry_over(
    session: Session, previous: int, year: int, countries: list[str], by: Actor
) -> None:
    """Copy the previous round's current values of these countries into the new round as one
    published revision, each row pointing at the row it was carried over from."""
    kept = (
        col(CurrentValue.round_year) == previous,
        col(CurrentValue.country_code).in_(list(countries)),
    )
    if not session.exec(select(func.count()).select_from(CurrentValue).where(*kept)).one():
        return
    moment = utc_now()
    revision = Revision(
        author=actor_name(by),
        created_at=moment,
        comment=f"Carried over from round {previous} as the starting point of round {year}.",
        kind=RevisionKind.CARRY_OVER,
        status=RevisionStatus.PUBLISHED,
        reviewed_by=actor_name(by),
        reviewed_at=moment,
        published_at=moment,
    )
    session.add(revision)
    session.flush()
    # One INSERT ... SELECT: the copy costs one statement however many values there are.
    copied = sql.select(  # type: ignore[var-annotated]
        sql.literal(revision.id).label("revision_id"),
        sql.literal(year).label("round_year"),
        col(CurrentValue.country_code),
        col(CurrentValue.indicator_code),
        col(CurrentValue.value),
        col(CurrentValue.note),
        col(CurrentValue.source),
        col(CurrentValue.score_id).label("carried_from_id"),
    ).where(*kept)
    columns = [
        "revision_id",
        "round_year",
        "country_code",
        "indicator_code",
        "value",
        "note",
        "source",
        "carried_from_id",
    ]
    session.execute(sql.insert(Score).from_select(columns, copied))
    session.flush()
    record_publication(session, revision)
