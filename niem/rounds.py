"""Evaluation rounds and their countries as data the coordinator manages: open a round, add a
country to it. A new round starts empty; every page shows it with the empty-data wording."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from niem.accounts import Action, Actor, check, known_countries
from niem.database import write_transaction
from niem.errors import NiemError
from niem.i18n import _
from niem.models import Round, RoundCountry
from niem.store import RoundInfo, load_rounds
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
) -> RoundInfo:
    """Open a new, empty round with its countries (any European country), if `by` may."""
    check(session, by, Action.MANAGE_ROUNDS)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NiemError(
            _("the round's year must be from {first} to {last}").format(
                first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    if session.get(Round, year) is not None:
        raise NiemError(
            _("round {year} exists already; add countries with `niem round add-country`").format(
                year=year
            )
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

    def write() -> None:
        session.add(Round(year=year, label=label, situation=situation, published=""))
        session.flush()
        session.add_all(RoundCountry(round_year=year, country_code=c) for c in codes)

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
