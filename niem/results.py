"""The figures table: one row per figure (indicator value or aggregate) per round and country.

Everything the explorer shows and `niem export` writes comes from this table. `figures_of`
computes one round and country from a mapping of indicator values with the pure scoring
functions (the what-if and the tests use it); `frame_results` computes the same table over
columns for many rounds and countries at once (the pages and the export use it), and the
tests hold the two equal. Aggregates are rounded to one decimal by the one rounding rule
(`niem.methodology.round_score`), as published.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session

from niem.methodology import (
    COVERAGE_THRESHOLD,
    Framework,
    aggregate,
    indicators_beneath,
    round_score,
)
from niem.models import PublishedFigure, as_utc
from niem.store import (
    ILLUSTRATIVE,
    WITH_CARRIED,
    PublishedValue,
    RoundInfo,
    carried_year,
    carried_years,
    current_frame,
    illustrative_codes,
    load_framework,
    load_published_figures,
    load_rounds,
    original_provenance,
)

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


def load_results(session: Session, years: Sequence[int] | None = None) -> pd.DataFrame:
    """The figures table for everything currently in the store, or for the rounds `years`."""
    rounds = load_rounds(session)
    if years is not None:
        rounds = [r for r in rounds if r.year in years]
    return frame_results(
        load_framework(session),
        rounds,
        current_frame(session, years),
        load_published_figures(session),
    )


def frame_results(
    framework: Framework,
    rounds: Sequence[RoundInfo],
    current: pd.DataFrame,
    published: Iterable[PublishedFigure],
) -> pd.DataFrame:
    """The figures table computed over columns: the same rows as `build_results`.

    `current` holds one row per current value: round, country, indicator, value,
    provenance, source, note, published_at (as `niem.store.current_frame` reads them).
    """
    pairs = pd.DataFrame(
        [(r.year, c) for r in rounds for c in r.countries], columns=["round", "country"]
    )
    pairs["pair"] = range(len(pairs))
    if pairs.empty or not framework.indicators:
        return pd.DataFrame(columns=COLUMNS)
    indicators = pd.DataFrame(
        [(i.code, i.dimension, i.step, i.scored) for i in framework.indicators],
        columns=["code", "dimension", "step", "scored"],
    )
    indicators["position"] = range(len(indicators))
    values = current.rename(columns={"indicator": "code", "value": "score"})
    grid = pairs.merge(indicators, how="cross").merge(
        values, on=["round", "country", "code"], how="left"
    )
    grid["has"] = grid["score"].notna()
    grid["illustrative"] = grid["has"] & illustrative_codes(grid["provenance"])
    grid["carried"] = carried_years(grid["provenance"]).where(grid["has"])
    scored = grid[grid["scored"]]
    framed = pd.concat(
        [_indicator_frame(grid), _aggregate_frame(framework, pairs, scored)], ignore_index=True
    )
    framed = framed.sort_values(["pair", "block", "position"], kind="stable")
    framed = _with_published(framed, published)[COLUMNS].reset_index(drop=True)
    # The same column types as the rows `build_results` makes.
    return framed.astype(
        {"computed": float, "provenance": "str", "source": "str", "note": "str", "revised": "str"}
    )


def _indicator_frame(grid: pd.DataFrame) -> pd.DataFrame:
    frame = grid[["pair", "round", "country", "code", "dimension", "step", "score"]].copy()
    frame["block"] = 0
    frame["position"] = grid["position"]
    frame["level"] = "indicator"
    frame["coverage"] = grid["has"].astype(float)
    frame["covered"] = grid["has"].astype(int)
    frame["total"] = 1
    for column in ("provenance", "source", "note"):
        # As objects first: a round without values reads these columns as all-missing floats.
        frame[column] = grid[column].astype(object).where(grid[column].notna(), "")
    frame["computed"] = None
    # The day in UTC; numpy writes 100,000 dates in a twentieth of pandas' strftime time.
    days = grid["published_at"].dt.tz_convert(None).to_numpy().astype("datetime64[D]")
    frame["revised"] = np.where(np.isnat(days), "", np.datetime_as_string(days))
    return frame


def _aggregate_frame(
    framework: Framework, pairs: pd.DataFrame, scored: pd.DataFrame
) -> pd.DataFrame:
    """Cells, dimensions, steps, areas and overall for every pair, as `aggregate` does."""
    area_of = dict(framework.dimension_area)
    scored = scored.assign(area=scored["dimension"].map(area_of), overall="")
    cells = _level(scored, scored, ["dimension", "step"])
    cells = cells.assign(level="cell", code=cells["dimension"] + "." + cells["step"])
    cell_scores = cells[["pair", "dimension", "step", "score"]]
    dimension_scores = _named(_level(scored, cell_scores, ["dimension"]), "dimension")
    dimension_only = dimension_scores[["pair", "dimension", "score"]].assign(
        area=dimension_scores["dimension"].map(area_of), overall=""
    )
    levels = [
        cells,
        dimension_scores,
        _named(_level(scored, cell_scores, ["step"]), "step"),
        _named(_level(scored, dimension_only, ["area"]), "area"),
        _named(_level(scored, dimension_only, ["overall"]), "overall"),
    ]
    order = {
        "cell": {
            f"{d}.{s}": n
            for n, (d, s) in enumerate(
                (d, s) for d in framework.dimensions for s in framework.steps
            )
        },
        "dimension": {d: n for n, d in enumerate(framework.dimensions)},
        "step": {s: n for n, s in enumerate(framework.steps)},
        "area": {a: n for n, a in enumerate(framework.areas)},
        "overall": {"": 0},
    }
    blocks = {level: n + 1 for n, level in enumerate(order)}
    frames = []
    for frame in levels:
        level = frame["level"].iloc[0] if len(frame) else None
        if level is None:
            continue
        frame = frame.assign(
            block=blocks[level],
            position=frame["code"].map(order[level]),
            computed=frame["score"].map(round_score, na_action="ignore"),
            coverage=[
                round(c / t, 3) if t else 0.0
                for c, t in zip(frame["covered"], frame["total"], strict=True)
            ],
            provenance=_carried_marked(
                frame["illustrative"].map({True: ILLUSTRATIVE, False: COMPUTED}), frame["carried"]
            ),
            source="",
            note="",
            revised="",
        )
        frames.append(frame.merge(pairs, on="pair"))
    framed = pd.concat(frames, ignore_index=True)
    framed["score"] = framed["computed"]
    return framed


def _carried_marked(provenance: pd.Series, carried: pd.Series) -> pd.Series:
    """Figures resting on values carried over from an earlier round say so."""
    marked = WITH_CARRIED + ":" + carried.astype("Int64").astype(str) + ":" + provenance
    return provenance.where(carried.isna(), marked)


def _group_ids(
    frame: pd.DataFrame, by: list[str], labels: list[pd.Index] | None = None
) -> tuple[np.ndarray, list[pd.Index]]:
    """A group number per row for (pair, *by), from the columns' own codes; rows whose value
    is not among `labels` (when given) get -1."""
    number = frame["pair"].to_numpy(dtype=np.int64)
    found = np.ones(len(frame), dtype=bool)
    seen = []
    for index, column in enumerate(by):
        if labels is None:
            codes, uniques = pd.factorize(frame[column], sort=False)
        else:
            uniques = labels[index]
            codes = uniques.get_indexer(frame[column])
        found &= codes >= 0
        number = number * len(uniques) + codes
        seen.append(pd.Index(uniques))
    return np.where(found, number, -1), seen


def exact_means(groups: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The mean of each group's present scores, as `statistics.fmean` computes it (NaN for a
    group with none).

    Summing with `math.fsum` (exactly rounded) keeps every figure identical to the pure
    path's, which decides rounding ties such as 36.25: a plain float sum can land either side.
    """
    present = ~np.isnan(scores) & (groups >= 0)
    groups, scores = groups[present], scores[present]
    order = np.argsort(groups, kind="stable")
    groups, values = groups[order], scores[order].tolist()
    means = np.full(count, np.nan)
    if not len(groups):
        return means
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]).tolist()
    ends = [*starts[1:], len(groups)]
    for start, end in zip(starts, ends, strict=True):
        means[groups[start]] = math.fsum(values[start:end]) / (end - start)
    return means


def _level(scored: pd.DataFrame, children: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One level's figures per (pair, *by): coverage over the indicators beneath, and the mean
    of the child scores (the indicators' for cells), where enough indicators are present."""
    numbers, labels = _group_ids(scored, by)
    # A row without a key (such as a dimension in no area) belongs to no group.
    keyed = numbers >= 0
    groups, inverse = np.unique(numbers[keyed], return_inverse=True)
    count = len(groups)
    has = scored["has"].to_numpy(dtype=float)[keyed]
    carried = scored["carried"].to_numpy(dtype=float)[keyed]
    illustrative = scored["illustrative"].to_numpy(dtype=float)[keyed]
    highest = np.full(count, -np.inf)
    np.maximum.at(highest, inverse, np.where(np.isnan(carried), -np.inf, carried))
    child_numbers, _labels = _group_ids(children, by, labels)
    child_groups = np.searchsorted(groups, child_numbers)
    child_groups = np.where(
        (child_numbers >= 0) & (child_groups < count)
        & (groups[np.minimum(child_groups, count - 1)] == child_numbers),
        child_groups,
        -1,
    )
    mean = exact_means(child_groups, children["score"].to_numpy(dtype=float), count)
    covered = np.bincount(inverse, weights=has, minlength=count).astype(np.int64)
    total = np.bincount(inverse, minlength=count).astype(np.int64)
    frame = pd.DataFrame({"pair": groups // math.prod(len(values) for values in labels)})
    rest = groups.copy()
    for column, values in reversed(list(zip(by, labels, strict=True))):
        frame[column] = values.take(rest % len(values))
        rest //= len(values)
    frame = frame[["pair", *by]]
    frame["covered"] = covered
    frame["total"] = total
    frame["illustrative"] = np.bincount(inverse, weights=illustrative, minlength=count) > 0
    frame["carried"] = np.where(np.isinf(highest), np.nan, highest)
    frame["mean"] = mean
    frame["score"] = np.where(covered / total >= COVERAGE_THRESHOLD, mean, np.nan)
    return frame


def _named(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """A level's rows with the columns every level has: level, code, dimension and step."""
    code = frame[level]
    return frame.assign(
        level=level,
        code=code,
        dimension=code if level == "dimension" else "",
        step=code if level == "step" else "",
    )


def _with_published(framed: pd.DataFrame, published: Iterable[PublishedFigure]) -> pd.DataFrame:
    """A published figure is shown as published, with its source and note."""
    figures = pd.DataFrame(
        [
            (f.round_year, f.country_code, f.level, f.code, f.value, f.source_url, f.note)
            for f in published_index(published).values()
        ],
        columns=["round", "country", "level", "code", "published", "published_source", "pnote"],
    )
    merged = framed.merge(figures, on=["round", "country", "level", "code"], how="left")
    hit = merged["published"].notna()
    merged.loc[hit, "score"] = merged.loc[hit, "published"]
    merged.loc[hit, "provenance"] = PUBLISHED
    merged.loc[hit, "source"] = merged.loc[hit, "published_source"]
    merged.loc[hit, "note"] = merged.loc[hit, "pnote"]
    return merged
