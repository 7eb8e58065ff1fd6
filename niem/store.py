"""Reading the store: the framework, rounds, published figures and current score values.

A score's current value is the value in the published revision that set it and ranks last in
`current_order`: illustrative revisions first, then by publication time. Pending, rejected
and withdrawn revisions never count. The table `CurrentValue` keeps it (`niem.current`), so
reads take one row per score however long its history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sql
from sqlmodel import Session, col, select

from niem.database import driver_rows
from niem.facts import Fact, make_fact
from niem.methodology import Framework, IndicatorRef
from niem.models import (
    Area,
    Country,
    CurrentValue,
    Dimension,
    Indicator,
    LocalName,
    PublishedFact,
    PublishedFigure,
    Revision,
    RevisionKind,
    RevisionStatus,
    Round,
    RoundCountry,
    Score,
    Step,
    as_utc,
)

ILLUSTRATIVE = "illustrative"
# The source of every illustrative score, and the template's placeholder beside one.
ILLUSTRATIVE_SOURCE = "illustrative (generated, not an expert score)"
# A carried-over value's provenance: `carried:<year it came from>:<the original provenance>`.
CARRIED = "carried"
# A figure computed over values of which some were carried over: `with-carried:<year>:<kind>`.
WITH_CARRIED = "with-carried"
# A score is one indicator of one country in one round.
Key = tuple[int, str, str]


@dataclass(frozen=True)
class RoundInfo:
    year: int
    situation: str
    label: str
    published: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class ScoreValue:
    """One value of one score (an indicator of a country in a round), with note and source."""

    round_year: int
    country: str
    indicator: str
    value: float | None
    note: str
    source: str

    @property
    def key(self) -> Key:
        return (self.round_year, self.country, self.indicator)


def score_key(score: Score) -> Key:
    """The score a stored row gives a value to."""
    return (score.round_year, score.country_code, score.indicator_code)


def value_fields(score: Score) -> dict[str, Any]:
    """A stored row's score and value, named as `ScoreValue` names them."""
    year, country, indicator = score_key(score)
    return {
        "round_year": year,
        "country": country,
        "indicator": indicator,
        "value": score.value,
        "note": score.note,
        "source": score.source,
    }


@dataclass(frozen=True)
class PublishedValue(ScoreValue):
    """The value a published revision gave one score: the current one, or one from before."""

    revision_id: int
    provenance: str
    author: str
    published_at: datetime | None
    score_id: int = 0
    # Set by an illustrative revision, so it ranks below every other (see `current_order`).
    ranks_as_illustrative: bool = False


@dataclass(frozen=True)
class Catalogue:
    """Names and descriptions of everything the framework contains, for display."""

    countries: dict[str, str]
    areas: dict[str, str]
    dimensions: dict[str, str]
    dimension_area: dict[str, str]
    dimension_descriptions: dict[str, str]
    steps: dict[str, str]
    step_descriptions: dict[str, str]
    indicators: dict[str, Indicator]  # in framework order: dimension, step, code


def revision_provenance(revision_id: int, kind: str) -> str:
    """How a value from this revision is labelled: illustrative, or the partner revision."""
    return ILLUSTRATIVE if kind == RevisionKind.ILLUSTRATIVE else f"revision:{revision_id}"


def carried_provenance(from_year: int, origin: str) -> str:
    """How a value carried over from round `from_year` is labelled: 'carried:2021:illustrative'.

    A value carried twice names the round it came from and keeps the original provenance."""
    return f"{CARRIED}:{from_year}:{original_provenance(origin)}"


def original_provenance(code: str) -> str:
    """The provenance a value had before it was carried over ('illustrative', 'revision:3')."""
    if code.startswith(f"{CARRIED}:"):
        return code.split(":", 2)[2]
    return code


def carried_year(code: str) -> int | None:
    """The round a value was carried over from, if it was."""
    if code.startswith(f"{CARRIED}:"):
        return int(code.split(":", 2)[1])
    return None


def current_order(revision: Revision) -> tuple[bool, datetime, int]:
    """A published revision's rank among those setting a score; the highest gives the value.

    Illustrative revisions rank below every other, so generated scores never hide a partner's
    or the coordinator's value, even when `niem init` loads them after real ones.
    """
    published_at = as_utc(revision.published_at)
    assert published_at is not None and revision.id is not None
    return revision.kind != RevisionKind.ILLUSTRATIVE, published_at, revision.id


# The reads every figures table starts from: kept statements, compiled once (`driver_rows`).
_DIMENSIONS = sql.select(col(Dimension.code), col(Dimension.area_code)).order_by(
    col(Dimension.position)
)
_STEPS = sql.select(col(Step.code)).order_by(col(Step.position))
_INDICATORS = sql.select(
    col(Indicator.code), col(Indicator.dimension_code), col(Indicator.step_code),
    col(Indicator.scored),
).order_by(col(Indicator.code))
_ROUNDS = sql.select(
    col(Round.year), col(Round.situation), col(Round.label), col(Round.published)
).order_by(col(Round.year))
_MEMBERS = sql.select(col(RoundCountry.round_year), col(RoundCountry.country_code))


def load_framework(session: Session) -> Framework:
    """The framework as plain data for the scoring method."""
    dimensions = driver_rows(session, _DIMENSIONS, {})
    steps = driver_rows(session, _STEPS, {})
    indicators = driver_rows(session, _INDICATORS, {})
    return Framework(
        dimension_area=dict(dimensions),  # type: ignore[arg-type]
        steps=tuple(code for code, in steps),
        indicators=tuple(
            IndicatorRef(code, dimension, step, bool(scored))
            for code, dimension, step, scored in indicators
        ),
    )


def load_catalogue(session: Session) -> Catalogue:
    """Every display name, in framework order."""
    areas = session.exec(select(Area).order_by(col(Area.position))).all()
    dimensions = session.exec(select(Dimension).order_by(col(Dimension.position))).all()
    steps = session.exec(select(Step).order_by(col(Step.position))).all()
    dimension_order = {d.code: d.position for d in dimensions}
    step_order = {s.code: s.position for s in steps}
    indicators = sorted(
        session.exec(select(Indicator)).all(),
        key=lambda i: (dimension_order[i.dimension_code], step_order[i.step_code], i.code),
    )
    countries = session.exec(select(Country).order_by(col(Country.name))).all()
    return Catalogue(
        countries={c.code: c.name for c in countries},
        areas={a.code: a.name for a in areas},
        dimensions={d.code: d.name for d in dimensions},
        dimension_area={d.code: d.area_code for d in dimensions},
        dimension_descriptions={d.code: d.description for d in dimensions},
        steps={s.code: s.name for s in steps},
        step_descriptions={s.code: s.description for s in steps},
        indicators={i.code: i for i in indicators},
    )


def load_local_names(session: Session) -> dict[tuple[str, str, str, str], str]:
    """Every translated name and description, by (language, kind, code, field)."""
    return {
        (n.language, n.kind, n.code, n.field): n.text for n in session.exec(select(LocalName))
    }


def load_rounds(session: Session) -> list[RoundInfo]:
    """Every round, oldest first, with its participating countries."""
    by_round: dict[int, list[str]] = {}
    for year, country in driver_rows(session, _MEMBERS, {}):
        by_round.setdefault(year, []).append(country)
    return [
        RoundInfo(year, situation, label, published, tuple(sorted(by_round.get(year, []))))
        for year, situation, label, published in driver_rows(session, _ROUNDS, {})
    ]


_PUBLISHED_FIGURES = sql.select(
    *(col(getattr(PublishedFigure, name)) for name in PublishedFigure.model_fields)
)


def load_published_figures(session: Session) -> list[PublishedFigure]:
    """Every published aggregate figure (read as rows, not through the session: every
    figures table starts here)."""
    names = list(PublishedFigure.model_fields)
    return [
        PublishedFigure.model_construct(**dict(zip(names, row, strict=True)))
        for row in driver_rows(session, _PUBLISHED_FIGURES, {})
    ]


def load_published_facts(session: Session) -> list[Fact]:
    """Every published fact, oldest round first, in the order of their keys."""
    stored = session.exec(
        select(PublishedFact).order_by(col(PublishedFact.round_year), col(PublishedFact.key))
    ).all()
    return [
        make_fact(f.key, f.round_year, f.statement, f.source_url, f.check, f.arguments)
        for f in stored
    ]


def published_values(
    session: Session,
    keys: Iterable[Key] | None = None,
    *,
    before: Revision | None = None,
    as_of: datetime | None = None,
) -> dict[Key, PublishedValue]:
    """The current value of each score (of `keys`, or all), or its value just before the
    revision `before` or at the moment `as_of`; pending and refused revisions never count."""
    if before is None and as_of is None:
        return current_values(session, keys)
    return derive_published_values(session, keys, before=before, as_of=as_of)


def within(
    table: type[Score] | type[CurrentValue], pairs: Iterable[tuple[int, str]]
) -> tuple[Any, Any]:
    """Conditions that keep the rows of these rounds and countries, and perhaps a few more that
    the caller drops: two lists use the (round, country, indicator) index, while SQLite plans a
    list of pairs joined to revisions as a scan of every score."""
    years = sorted({year for year, _ in pairs})
    countries = sorted({country for _, country in pairs})
    return col(table.round_year).in_(years), col(table.country_code).in_(countries)


# The columns of a current value, in the order `_current_rows` unpacks them.
_CURRENT_COLUMNS = (
    "round_year", "country_code", "indicator_code", "value", "note", "source", "revision_id",
    "provenance", "author", "published_at", "score_id", "ranks_as_illustrative",
)


def _current_rows(session: Session, *conditions: Any) -> Iterator[PublishedValue]:
    """The current values meeting the conditions, read as columns rather than ORM objects (an
    upload of 100,000 rows reads as many), through the session's connection (the ORM's result
    handling doubles a plain select's cost)."""
    query = sql.select(*(col(getattr(CurrentValue, name)) for name in _CURRENT_COLUMNS))
    query = query.where(*conditions).execution_options(yield_per=5000)
    result = session.connection().execute(query)
    for (year, country, indicator, value, note, source, revision_id, provenance, author,
         published_at, score_id, ranks_as_illustrative) in result:
        yield PublishedValue(
            round_year=year,
            country=country,
            indicator=indicator,
            value=value,
            note=note,
            source=source,
            revision_id=revision_id,
            provenance=provenance,
            author=author,
            published_at=as_utc(published_at),
            score_id=score_id,
            ranks_as_illustrative=ranks_as_illustrative,
        )


def current_values(
    session: Session, keys: Iterable[Key] | None = None
) -> dict[Key, PublishedValue]:
    """The current value of each score (of `keys`, or all), read from `CurrentValue`."""
    if keys is None:
        return {value.key: value for value in _current_rows(session)}
    wanted = set(keys)
    pairs = sorted({(year, country) for year, country, _ in wanted})
    if not pairs:
        return {}
    return {
        value.key: value
        for value in _current_rows(session, *within(CurrentValue, pairs))
        if value.key in wanted
    }


class CurrentPart(NamedTuple):
    """What a preview compares with: a score's current value, note and source, and the
    revision they come from (named as `PublishedValue` names them)."""

    value: float | None
    note: str
    source: str
    revision_id: int


def current_parts(session: Session, keys: Iterable[Key]) -> dict[Key, CurrentPart]:
    """The current value, note, source and revision of each of these scores that has one,
    read as plain rows (an upload compares 100,000 of them)."""
    wanted = set(keys)
    pairs = sorted({(year, country) for year, country, _ in wanted})
    if not pairs:
        return {}
    query = sql.select(
        col(CurrentValue.round_year),
        col(CurrentValue.country_code),
        col(CurrentValue.indicator_code),
        col(CurrentValue.value),
        col(CurrentValue.note),
        col(CurrentValue.source),
        col(CurrentValue.revision_id),
    ).where(*within(CurrentValue, pairs))
    found = {}
    for year, country, indicator, value, note, source, revision in driver_rows(session, query):
        key = (year, country, indicator)
        if key in wanted:
            found[key] = CurrentPart(value, note, source, revision)
    return found


class WrittenScore(NamedTuple):
    """A published score row with what its revision says of it: the history's unit, read as
    columns (a diff reads thousands)."""

    id: int
    revision_id: int
    round_year: int
    country_code: str
    indicator_code: str
    value: float | None
    note: str
    source: str
    restored_from_id: int | None
    carried_from_id: int | None
    kind: str
    published_at: datetime | None
    author: str

    @property
    def order(self) -> tuple[bool, datetime, int]:
        """Its revision's `current_order`."""
        published_at = as_utc(self.published_at)
        assert published_at is not None
        return self.kind != RevisionKind.ILLUSTRATIVE, published_at, self.revision_id


def written_scores(session: Session, *conditions: Any) -> list[WrittenScore]:
    """The published score rows meeting the conditions, with what their revisions say of
    them, read as columns."""
    query = (
        sql.select(
            col(Score.id),
            col(Score.revision_id),
            col(Score.round_year),
            col(Score.country_code),
            col(Score.indicator_code),
            col(Score.value),
            col(Score.note),
            col(Score.source),
            col(Score.restored_from_id),
            col(Score.carried_from_id),
            col(Revision.kind),
            col(Revision.published_at),
            col(Revision.author),
        )
        .join(Revision, col(Score.revision_id) == col(Revision.id))
        .where(col(Revision.status) == RevisionStatus.PUBLISHED, *conditions)
    )
    return [WrittenScore._make(row) for row in session.execute(query)]


def derive_published_values(
    session: Session,
    keys: Iterable[Key] | None = None,
    *,
    before: Revision | None = None,
    as_of: datetime | None = None,
) -> dict[Key, PublishedValue]:
    """The value of each score derived from every published revision that set it: the
    current one, or the one just before `before` or at `as_of` (the current-values table's
    definition, and its oracle in the tests)."""
    conditions = []
    wanted = None if keys is None else set(keys)
    if wanted is not None:
        pairs = sorted({(year, country) for year, country, _ in wanted})
        if not pairs:
            return {}
        conditions = list(within(Score, pairs))
    rows = sorted(written_scores(session, *conditions), key=lambda w: (w.order, w.id))
    published = {w.id: w for w in rows}
    limit = current_order(before) if before is not None else None
    values: dict[Key, PublishedValue] = {}
    for written in rows:
        if limit is not None and written.order >= limit:
            break
        published_at = as_utc(written.published_at)
        if as_of is not None and published_at is not None and published_at > as_of:
            continue
        key = (written.round_year, written.country_code, written.indicator_code)
        if wanted is None or key in wanted:
            values[key] = _published_value(written, published)
    return values


def _published_value(written: WrittenScore, published: dict[int, WrittenScore]) -> PublishedValue:
    return PublishedValue(
        round_year=written.round_year,
        country=written.country_code,
        indicator=written.indicator_code,
        value=written.value,
        note=written.note,
        source=written.source,
        revision_id=written.revision_id,
        provenance=_stored_provenance(written, published),
        author=written.author,
        published_at=written.published_at,
        score_id=written.id,
        ranks_as_illustrative=written.kind == RevisionKind.ILLUSTRATIVE,
    )


def _stored_provenance(written: WrittenScore, published: dict[int, WrittenScore]) -> str:
    origin = written
    # A rolled-back-to value keeps the provenance of the value it restores.
    while origin.restored_from_id in published:
        origin = published[origin.restored_from_id]  # type: ignore[index]
    if origin.carried_from_id in published:
        carried = published[origin.carried_from_id]  # type: ignore[index]
        return carried_provenance(carried.round_year, _stored_provenance(carried, published))
    return revision_provenance(origin.revision_id, origin.kind)


def current_scores_of(session: Session, round_year: int, country: str) -> list[PublishedValue]:
    """The current value of every score of one round and country that has one."""
    return list(
        _current_rows(
            session,
            col(CurrentValue.round_year) == round_year,
            col(CurrentValue.country_code) == country,
        )
    )


def load_current_scores(session: Session) -> list[PublishedValue]:
    """The current value of every score that has one, from published revisions only."""
    return list(published_values(session).values())


_COUNT = sql.func.count()
_DATA_VERSION = sql.select(
    sql.select(_COUNT).select_from(Revision).scalar_subquery(),
    sql.select(_COUNT).select_from(PublishedFigure).scalar_subquery(),
    sql.select(_COUNT).select_from(PublishedFact).scalar_subquery(),
    # As text: the fingerprint only has to change when they do.
    sql.select(sql.type_coerce(sql.func.max(Revision.published_at), sql.String)).scalar_subquery(),
    sql.select(sql.type_coerce(sql.func.max(Revision.reviewed_at), sql.String)).scalar_subquery(),
    # A round or a country added to one changes what pages show, though no value changed.
    sql.select(_COUNT).select_from(RoundCountry).scalar_subquery(),
)


def data_version(session: Session) -> tuple[int, int, str]:
    """A cheap fingerprint that changes whenever published data change; keys the caches.
    One query: every page run starts by reading it."""
    [(revisions, figures, facts, latest, reviewed, members)] = driver_rows(
        session, _DATA_VERSION, {}
    )
    return revisions, figures + facts, f"{latest}|{reviewed}|{members}"
