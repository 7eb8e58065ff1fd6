"""The figures table: one row per figure (indicator value or aggregate) per round and country.

Everything the explorer shows and `niem export` writes comes from this table. `figures_of`
computes one round and country from a mapping of indicator values with the pure scoring
functions (the what-if and the tests use it); `frame_results` computes the same table over
arrays, a whole round at a time (the pages and the export use it), and the tests hold the
two equal. Aggregates are rounded to one decimal by the one rounding rule
(`niem.methodology.round_score`), as published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlmodel import Session

from niem import runtime
from niem.aggregation import Aggregates, Layout, aggregate_arrays, layout_of, round_scores
from niem.methodology import Framework, aggregate, indicators_beneath, round_score
from niem.models import PublishedFigure, as_utc
from niem.store import (
    ILLUSTRATIVE,
    WITH_CARRIED,
    PublishedValue,
    RoundInfo,
    carried_year,
    load_framework,
    load_published_figures,
    load_rounds,
    original_provenance,
)
from niem.value_columns import CurrentColumns, current_columns

PUBLISHED = "published"
COMPUTED = "computed"

COLUMNS = [
    "round",
    "country",
    "level",
    "code",
    "dimension",
    "step",
    "score",
    "computed",
    "coverage",
    "covered",
    "total",
    "provenance",
    "source",
    "note",
    "revised",
]


def build_results(
    framework: Framework,
    rounds: Sequence[RoundInfo],
    scores: Iterable[PublishedValue],
    published: Iterable[PublishedFigure],
) -> pd.DataFrame:
    """Every indicator value and aggregate for every participating country of every round."""
    by_key: dict[tuple[int, str], dict[str, PublishedValue]] = {}
    for score in scores:
        by_key.setdefault((score.round_year, score.country), {})[score.indicator] = score
    published_by_key = published_index(published)
    rows: list[dict[str, Any]] = []
    for round_info in rounds:
        for country in round_info.countries:
            current = by_key.get((round_info.year, country), {})
            rows.extend(figures_of(framework, round_info.year, country, current, published_by_key))
    return pd.DataFrame(rows, columns=COLUMNS)


def published_index(
    published: Iterable[PublishedFigure],
) -> dict[tuple[int, str, str, str], PublishedFigure]:
    """Published figures by round, country, level and code."""
    return {(f.round_year, f.country_code, f.level, f.code): f for f in published}


def figures_of(
    framework: Framework,
    year: int,
    country: str,
    current: Mapping[str, PublishedValue],
    published_by_key: Mapping[tuple[int, str, str, str], PublishedFigure],
) -> list[dict[str, Any]]:
    """The figures table's rows for one round and country, from its indicator values."""
    return [
        *_indicator_rows(framework, year, country, current),
        *_aggregate_rows(framework, year, country, current, published_by_key),
    ]


def _indicator_rows(
    framework: Framework, year: int, country: str, current: Mapping[str, PublishedValue]
) -> Iterable[dict[str, Any]]:
    for indicator in framework.indicators:
        score = current.get(indicator.code)
        value = score.value if score else None
        yield {
            "round": year,
            "country": country,
            "level": "indicator",
            "code": indicator.code,
            "dimension": indicator.dimension,
            "step": indicator.step,
            "score": value,
            "coverage": 1.0 if value is not None else 0.0,
            "covered": int(value is not None),
            "total": 1,
            "provenance": score.provenance if score else "",
            "source": score.source if score else "",
            "computed": None,
            "note": score.note if score else "",
            # The day the revision that set the value was published, for its provenance.
            "revised": _day(score.published_at) if score else "",
        }


def _aggregate_rows(
    framework: Framework,
    year: int,
    country: str,
    current: Mapping[str, PublishedValue],
    published_by_key: Mapping[tuple[int, str, str, str], PublishedFigure],
) -> Iterable[dict[str, Any]]:
    values = {code: score.value for code, score in current.items()}
    for figure in aggregate(framework, values):
        computed = round_score(figure.score)
        beneath = indicators_beneath(framework, figure.level, figure.code)
        illustrative = any(
            original_provenance(current[i.code].provenance) == ILLUSTRATIVE
            for i in beneath
            if i.code in current and current[i.code].value is not None
        )
        carried = max(
            (
                carried_year(current[i.code].provenance) or 0
                for i in beneath
                if i.code in current and current[i.code].value is not None
            ),
            default=0,
        )
        published = published_by_key.get((year, country, figure.level, figure.code))
        score: float | None
        if published is not None:
            score, provenance, source = published.value, PUBLISHED, published.source_url
        else:
            provenance = ILLUSTRATIVE if illustrative else COMPUTED
            if carried:
                # Resting on values carried over from an earlier round, it says so.
                provenance = f"{WITH_CARRIED}:{carried}:{provenance}"
            score, source = computed, ""
        yield {
            "round": year,
            "country": country,
            "level": figure.level,
            "code": figure.code,
            "dimension": figure.dimension,
            "step": figure.step,
            "score": score,
            "coverage": round(figure.coverage, 3),
            "covered": figure.covered,
            "total": figure.total,
            "provenance": provenance,
            "source": source,
            "computed": computed,
            "note": published.note if published else "",
            "revised": "",
        }


def _day(moment: datetime | None) -> str:
    moment = as_utc(moment)
    return "" if moment is None else moment.date().isoformat()


def load_results(
    session: Session, years: Sequence[int] | None = None, *, indicators: bool = True
) -> pd.DataFrame:
    """The figures table for everything currently in the store, or for the rounds `years`;
    without `indicators`, only its aggregate rows (read without the values' notes and
    sources: half the reading)."""
    with runtime.collector_paused():
        rounds = load_rounds(session)
        if years is not None:
            rounds = [r for r in rounds if r.year in years]
        return frame_results(
            load_framework(session),
            rounds,
            current_columns(session, years, text=indicators),
            load_published_figures(session),
            indicators=indicators,
        )


def frame_results(
    framework: Framework,
    rounds: Sequence[RoundInfo],
    current: CurrentColumns,
    published: Iterable[PublishedFigure],
    *,
    indicators: bool = True,
) -> pd.DataFrame:
    """The figures table computed over arrays, a round at a time: the same rows as
    `build_results` (`niem.aggregation` computes the aggregates as the pure rule does);
    without `indicators`, only its aggregate rows."""
    rounds = [r for r in rounds if r.countries]
    if not framework.indicators or not rounds:
        return pd.DataFrame(columns=COLUMNS)
    layout = layout_of(framework)
    published_by_key = published_index(published)
    texts = {name: _Texts() for name in TEXT_COLUMNS}
    parts = [
        _round_columns(
            layout, r, current.of_round(r.year), published_by_key, texts, indicators=indicators
        )
        for r in rounds
    ]
    columns: dict[str, Any] = {
        name: texts[name].column([part[name] for part in parts])
        if name in texts
        else np.concatenate([part[name] for part in parts])
        for name in COLUMNS
    }
    # Every column was made for this table alone: nothing to copy.
    return pd.DataFrame(columns, copy=False)


TEXT_COLUMNS = (
    "country", "level", "code", "dimension", "step", "provenance", "source", "note", "revised"
)
# The column type pandas gives text: Arrow strings, NaN for a missing value.
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


class _Texts:
    """A text column kept as positions in a pool of its distinct texts, made into one Arrow
    string array at the end: a round's 13,000 rows repeat a few hundred texts."""

    def __init__(self) -> None:
        self.pool: dict[str, int] = {}

    def positions(self, texts: Iterable[str]) -> np.ndarray:
        """Where each text sits in the pool (added if new)."""
        return np.array(
            [self.pool.setdefault(text, len(self.pool)) for text in texts], dtype=np.int32
        )

    def column(self, parts: Sequence[np.ndarray]) -> pd.api.extensions.ExtensionArray:
        """The column of these positions, as pandas' text type."""
        pool = pa.array(list(self.pool), type=pa.large_string())
        taken = pool.take(pa.array(np.concatenate(parts)))
        return pd.arrays.ArrowStringArray(taken, dtype=TEXT)


def _round_columns(
    layout: Layout,
    round_info: RoundInfo,
    current: CurrentColumns,
    published_by_key: Mapping[tuple[int, str, str, str], PublishedFigure],
    texts: Mapping[str, _Texts],
    *,
    indicators: bool,
) -> dict[str, np.ndarray]:
    """The figures table's columns for one round: per country, its indicators (unless not
    wanted), then its aggregates, in the layout's order (text as positions in their pools)."""
    countries = round_info.countries
    grid = _Grid.of(layout, countries, current)
    aggregates = aggregate_arrays(layout, grid.values, grid.illustrative, grid.carried)
    computed = round_scores(aggregates.score)
    score = computed.copy()
    aggregate_text = _aggregate_text(aggregates, texts)
    _publish(score, aggregate_text, layout, round_info, published_by_key, texts)

    count, width = grid.values.shape
    shown = width if indicators else 0
    own_text = _indicator_text(grid, current, texts) if indicators else {}
    columns: dict[str, np.ndarray] = {}
    for name in ("provenance", "source", "note", "revised"):
        beside = aggregate_text.get(name)
        if beside is None:
            beside = np.full(computed.shape, texts[name].positions([""])[0], dtype=np.int32)
        columns[name] = _joined(own_text.get(name), beside)
    template = {
        "level": ("indicator",) * shown + layout.levels,
        "code": layout.indicators[:shown] + layout.codes,
        "dimension": layout.indicator_dimensions[:shown] + layout.dimensions,
        "step": layout.indicator_steps[:shown] + layout.steps,
    }
    for name, row_texts in template.items():
        columns[name] = np.tile(texts[name].positions(row_texts), count)
    rows = shown + len(layout.levels)

    def own(matrix: np.ndarray) -> np.ndarray | None:
        return matrix if indicators else None

    present = ~np.isnan(grid.values)
    totals = np.broadcast_to(layout.totals, aggregates.covered.shape)
    columns.update(
        country=np.repeat(texts["country"].positions(countries), rows),
        round=np.full(count * rows, round_info.year, dtype=np.int64),
        score=_joined(own(grid.values), score),
        computed=_joined(own(np.full((count, width), np.nan)), computed),
        coverage=_joined(own(present.astype(float)), _coverage(aggregates.covered, totals)),
        covered=_joined(own(present.astype(np.int64)), aggregates.covered),
        total=_joined(own(np.ones((count, width), dtype=np.int64)), totals),
    )
    return columns


@dataclass(frozen=True)
class _Grid:
    """One round's current values laid out as countries x indicators (NaN: no data), with
    which are illustrative and from which round each was carried over."""

    values: np.ndarray
    illustrative: np.ndarray
    carried: np.ndarray
    kept: np.ndarray  # the current values of the round's countries and the framework's indicators
    at: tuple[np.ndarray, np.ndarray]  # where each of those sits
    provenance_codes: np.ndarray  # each one's place among `provenances`
    provenances: list[str]

    @classmethod
    def of(cls, layout: Layout, countries: Sequence[str], current: CurrentColumns) -> _Grid:
        shape = (len(countries), len(layout.indicators))
        country_at = _positions_in(current.country, countries)
        indicator_at = _positions_in(current.indicator, layout.indicators)
        kept = (country_at >= 0) & (indicator_at >= 0)
        at = (country_at[kept], indicator_at[kept])
        values = np.full(shape, np.nan)
        values[at] = current.value[kept]
        # Provenance is worked out once per different code: a round has a few hundred.
        codes, distinct = pd.factorize(current.provenance[kept])
        provenances = distinct.tolist()
        illustrative = np.zeros(shape, dtype=bool)
        illustrative[at] = np.array(
            [original_provenance(p) == ILLUSTRATIVE for p in provenances], dtype=bool
        )[codes]
        carried = np.full(shape, np.nan)
        carried[at] = np.array([carried_year(p) or np.nan for p in provenances], dtype=float)[
            codes
        ]
        return cls(values, illustrative, carried, kept, at, codes, provenances)


def _aggregate_text(aggregates: Aggregates, texts: Mapping[str, _Texts]) -> dict[str, np.ndarray]:
    """The aggregates' provenance (computed or illustrative, saying when it rests on values
    carried over from an earlier round), source and note, as positions in their pools."""
    shape = aggregates.covered.shape
    kind = texts["provenance"].positions([COMPUTED, ILLUSTRATIVE])
    provenance = np.where(aggregates.illustrative, kind[1], kind[0]).astype(np.int32)
    for row, place in zip(*np.nonzero(~np.isnan(aggregates.carried)), strict=True):
        named = COMPUTED if provenance[row, place] == kind[0] else ILLUSTRATIVE
        marked = f"{WITH_CARRIED}:{int(aggregates.carried[row, place])}:{named}"
        provenance[row, place] = texts["provenance"].positions([marked])[0]
    return {
        "provenance": provenance,
        "source": np.full(shape, texts["source"].positions([""])[0], dtype=np.int32),
        "note": np.full(shape, texts["note"].positions([""])[0], dtype=np.int32),
    }


def _publish(
    score: np.ndarray,
    aggregate_text: Mapping[str, np.ndarray],
    layout: Layout,
    round_info: RoundInfo,
    published_by_key: Mapping[tuple[int, str, str, str], PublishedFigure],
    texts: Mapping[str, _Texts],
) -> None:
    """Put the round's published figures over the computed ones, with their source and note."""
    country_row = {country: row for row, country in enumerate(round_info.countries)}
    position = layout.position
    for (year, country, level, code), figure in published_by_key.items():
        row, place = country_row.get(country), position.get((level, code))
        if year != round_info.year or row is None or place is None:
            continue
        score[row, place] = figure.value
        for name, text in (
            ("provenance", PUBLISHED), ("source", figure.source_url), ("note", figure.note)
        ):
            aggregate_text[name][row, place] = texts[name].positions([text])[0]


def _indicator_text(
    grid: _Grid, current: CurrentColumns, texts: Mapping[str, _Texts]
) -> dict[str, np.ndarray]:
    """Each indicator value's provenance, source, note and the day it was published, as
    positions in their pools (empty where a score has no value set)."""
    moment_codes, revisions = pd.factorize(current.revision[grid.kept])
    moments = [current.published.get(r) for r in revisions.tolist()]
    found = {
        "provenance": (grid.provenance_codes, grid.provenances),
        "source": pd.factorize(current.source[grid.kept]),
        "note": pd.factorize(current.note[grid.kept]),
        # The day the revision that set the value was published, for its provenance.
        "revised": (moment_codes, [_day(m) for m in _moments(moments)]),
    }
    cells = {}
    for name, (codes, distinct) in found.items():
        own = np.full(grid.values.shape, texts[name].positions([""])[0], dtype=np.int32)
        own[grid.at] = texts[name].positions(distinct)[codes] if len(codes) else []
        cells[name] = own
    return cells


def _joined(indicator_part: np.ndarray | None, aggregate_part: np.ndarray) -> np.ndarray:
    """One column: per country, its indicators' cells (when shown), then its aggregates'."""
    if indicator_part is None:
        return np.ascontiguousarray(aggregate_part).ravel()
    return np.hstack([indicator_part, aggregate_part]).ravel()


def _positions_in(texts: np.ndarray, known: Sequence[str]) -> np.ndarray:
    """Where each text sits in `known`, -1 where it is not there."""
    codes, distinct = pd.factorize(texts)
    place = {text: n for n, text in enumerate(known)}
    found = np.array([place.get(text, -1) for text in distinct.tolist()], dtype=np.int64)
    return found[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def _moments(stored: Sequence[Any]) -> list[datetime | None]:
    """Publication moments as stored (SQLite gives text, PostgreSQL datetimes), in UTC."""
    moments: list[datetime | None] = []
    for moment in stored:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        if isinstance(moment, datetime):
            zone = moment.tzinfo
            moment = moment.replace(tzinfo=UTC) if zone is None else moment.astimezone(UTC)
        moments.append(moment)
    return moments


def _coverage(covered: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Each aggregate's coverage to three decimals, as `round` gives it for one figure."""
    largest = int(totals.max(initial=0)) + 1
    keys, where = np.unique(covered * largest + totals, return_inverse=True)
    shares = [round(k // largest / (k % largest), 3) if k % largest else 0.0 for k in keys.tolist()]
    return np.array(shares, dtype=float)[where].reshape(covered.shape)
