"""The scoring method over arrays: every figure of every country of a round at once.

`niem.methodology.aggregate` states the rule for one country over plain mappings; this module
computes the same figures for a whole round over numpy arrays (countries x indicators), bit
for bit: a mean is the exact sum of its values (as `math.fsum` takes it) divided by their
count, as `statistics.fmean` computes it, and a figure is rounded half up on its decimal value,
as `round_score` rounds it. The tests hold the two paths equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from niem.methodology import (
    COVERAGE_THRESHOLD,
    SCORE_DECIMALS,
    Framework,
    IndicatorRef,
    cell_code,
    round_score,
)

# How close to a rounding tie (39.55) a figure must come before it is rounded by `round_score`
# itself: far wider than the float error of a mean of 0-100 values, so that every figure
# rounded over arrays is provably rounded as `round_score` rounds it.
TIE_MARGIN = 1e-6


@dataclass(frozen=True)
class Stage:
    """One level's aggregates and the rows their means are taken over: indicators for cells,
    cells for dimensions and steps, dimensions for areas and overall."""

    rows: np.ndarray  # the aggregates' positions in the layout
    from_indicators: bool
    children: np.ndarray  # (rows, most children): positions of the children, -1 as padding


@dataclass(frozen=True)
class Layout:
    """Where every figure of one country sits: the framework's indicators, then its aggregates
    in the order the figures table lists them (cells, dimensions, steps, areas, overall)."""

    indicators: tuple[str, ...]
    indicator_dimensions: tuple[str, ...]
    indicator_steps: tuple[str, ...]
    levels: tuple[str, ...]
    codes: tuple[str, ...]
    dimensions: tuple[str, ...]
    steps: tuple[str, ...]
    # (aggregates, indicators): 1.0 where a scored indicator lies beneath the aggregate.
    beneath: np.ndarray
    totals: np.ndarray
    stages: tuple[Stage, ...]

    @property
    def position(self) -> dict[tuple[str, str], int]:
        """Each aggregate's position by level and code."""
        return {key: n for n, key in enumerate(zip(self.levels, self.codes, strict=True))}


def layout_of(framework: Framework) -> Layout:
    """The layout of a framework (built once per framework)."""
    return _layout(tuple(framework.dimension_area.items()), framework.steps, framework.indicators)


@lru_cache(maxsize=16)
def _layout(
    dimension_area: tuple[tuple[str, str], ...],
    steps: tuple[str, ...],
    indicators: tuple[IndicatorRef, ...],
) -> Layout:
    dimensions = [d for d, _ in dimension_area]
    area_of = dict(dimension_area)
    areas = list(dict.fromkeys(area_of.values()))
    members: dict[tuple[str, str], list[int]] = {}
    for position, indicator in enumerate(indicators):
        if indicator.scored:
            members.setdefault((indicator.dimension, indicator.step), []).append(position)

    rows: list[tuple[str, str, str, str, list[int]]] = []  # level, code, dimension, step, beneath
    cells = {}
    for dimension in dimensions:
        for step in steps:
            if (dimension, step) in members:
                cells[(dimension, step)] = len(rows)
                code = cell_code(dimension, step)
                rows.append(("cell", code, dimension, step, members[(dimension, step)]))

    def beneath(keep: list[tuple[str, str]]) -> list[int]:
        return sorted(i for key in keep for i in members.get(key, []))

    dimension_rows = {}
    for dimension in dimensions:
        dimension_rows[dimension] = len(rows)
        keys = [(dimension, s) for s in steps]
        rows.append(("dimension", dimension, dimension, "", beneath(keys)))
    step_rows = []
    for step in steps:
        step_rows.append(len(rows))
        rows.append(("step", step, "", step, beneath([(d, step) for d in dimensions])))
    area_rows = []
    for area in areas:
        area_rows.append(len(rows))
        keys = [(d, s) for d in dimensions if area_of[d] == area for s in steps]
        rows.append(("area", area, "", "", beneath(keys)))
    overall_row = len(rows)
    rows.append(("overall", "", "", "", beneath([(d, s) for d in dimensions for s in steps])))

    matrix = np.zeros((len(rows), len(indicators)))
    for position, row in enumerate(rows):
        matrix[position, row[4]] = 1.0
    stages = (
        _stage(list(cells.values()), [members[key] for key in cells], from_indicators=True),
        _stage(
            [dimension_rows[d] for d in dimensions],
            [[cells[(d, s)] for s in steps if (d, s) in cells] for d in dimensions],
        ),
        _stage(step_rows, [[cells[(d, s)] for d in dimensions if (d, s) in cells] for s in steps]),
        _stage(
            area_rows,
            [[dimension_rows[d] for d in dimensions if area_of[d] == a] for a in areas],
        ),
        _stage([overall_row], [[dimension_rows[d] for d in dimensions]]),
    )
    return Layout(
        indicators=tuple(i.code for i in indicators),
        indicator_dimensions=tuple(i.dimension for i in indicators),
        indicator_steps=tuple(i.step for i in indicators),
        levels=tuple(r[0] for r in rows),
        codes=tuple(r[1] for r in rows),
        dimensions=tuple(r[2] for r in rows),
        steps=tuple(r[3] for r in rows),
        beneath=matrix,
        totals=matrix.sum(axis=1).astype(np.int64),
        stages=stages,
    )


def _stage(rows: list[int], children: list[list[int]], *, from_indicators: bool = False) -> Stage:
    width = max((len(c) for c in children), default=0)
    padded = np.full((len(rows), width), -1, dtype=np.int64)
    for position, found in enumerate(children):
        padded[position, : len(found)] = found
    return Stage(np.array(rows, dtype=np.int64), from_indicators, padded)


@dataclass(frozen=True)
class Aggregates:
    """Every aggregate of every country of a round: (countries, aggregates) arrays."""

    score: np.ndarray  # the unrounded mean; NaN for insufficient data
    covered: np.ndarray
    illustrative: np.ndarray  # resting on an illustrative value
    carried: np.ndarray  # the latest round a value beneath was carried over from; NaN if none


def aggregate_arrays(
    layout: Layout, values: np.ndarray, illustrative: np.ndarray, carried: np.ndarray
) -> Aggregates:
    """Every aggregate for each row of `values` (countries x indicators, NaN: no data), with
    which rest on illustrative values (`illustrative`, the same shape) and the latest round
    a value beneath was carried over from (`carried`, NaN where none)."""
    present = ~np.isnan(values)
    beneath = layout.beneath.T
    covered = np.rint(present.astype(float) @ beneath).astype(np.int64)
    resting = np.rint((present & illustrative).astype(float) @ beneath) > 0
    latest = np.full(covered.shape, np.nan)
    known = present & ~np.isnan(carried)
    for year in np.unique(carried[known]):
        hit = np.rint((known & (carried == year)).astype(float) @ beneath) > 0
        latest = np.where(hit, np.fmax(latest, year), latest)
    totals = layout.totals
    with np.errstate(divide="ignore", invalid="ignore"):
        sufficient = (totals > 0) & (covered / totals >= COVERAGE_THRESHOLD)
    score = np.full(covered.shape, np.nan)
    for stage in layout.stages:
        source = values if stage.from_indicators else score
        padded = np.concatenate([source, np.full((len(source), 1), np.nan)], axis=1)
        children = padded[:, stage.children]  # (countries, rows, children)
        width = stage.children.shape[1]
        means = exact_means(children.reshape(len(source) * len(stage.rows), width))
        means = means.reshape(len(source), len(stage.rows))
        score[:, stage.rows] = np.where(sufficient[:, stage.rows], means, np.nan)
    return Aggregates(score, covered, resting, latest)


def exact_means(values: np.ndarray) -> np.ndarray:
    """The mean of each row's values (NaN: none), as `statistics.fmean` takes it: their exact
    sum, correctly rounded, divided by their count; NaN for a row without values.

    Rows are summed over arrays, with the exact rounding error of every addition (Knuth's
    TwoSum); a sum that rounded is summed again by `math.fsum`. Exact sums decide rounding
    ties such as 36.25 as the pure path does: a plain float sum can land either side.
    """
    present = ~np.isnan(values)
    addends = np.where(present, values, 0.0)
    count = present.sum(axis=1)
    total = np.zeros(len(values))
    rounded = np.zeros(len(values), dtype=bool)
    for column in addends.T:
        summed = total + column
        back = summed - total
        rounded |= ((total - (summed - back)) + (column - back)) != 0
        total = summed
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(count > 0, total / count, np.nan)
    redo = np.flatnonzero(rounded & (count > 0))
    if len(redo):
        # Absent values are added as 0.0, which leaves an exact sum unchanged.
        sums = [math.fsum(row) for row in addends[redo].tolist()]
        means[redo] = np.array(sums) / count[redo]
    return means


def round_scores(values: np.ndarray, decimals: int = SCORE_DECIMALS) -> np.ndarray:
    """Every figure rounded half up on its decimal value, as `round_score` rounds one; NaN
    stays NaN. Figures near a tie are rounded by `round_score` itself."""
    flat = values.ravel()
    scaled = flat * 10**decimals
    with np.errstate(invalid="ignore"):
        near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < TIE_MARGIN
    rounded = np.round(flat, decimals)
    for position in np.flatnonzero(near_tie):
        rounded[position] = round_score(float(flat[position]), decimals)
    return rounded.reshape(values.shape)
