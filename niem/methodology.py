"""The scoring method: pure functions from indicator values to published-style averages.

The rule, stated once (the methodology page prints `method_text()`):
unweighted means upward. A cell (dimension x step) is the mean of its scored indicators
that have a value; a dimension is the mean of its cells; a step is the mean of its cells
across dimensions; an area is the mean of its dimensions; overall is the mean of the
dimensions (not of the areas, so that a one-dimension area does not weigh a quarter).
Unscored (statistical) indicators never count. An aggregate whose coverage, the share of
the scored indicators beneath it that have a value, is below `COVERAGE_THRESHOLD` is
"insufficient data", not a number, and is left out of the means above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean

from niem.i18n import N_, _

COVERAGE_THRESHOLD = 0.5
# A computed figure that strays further than this from its published value is reported by
# `niem check` and shown beside the published one on every page and in the export.
PUBLISHED_TOLERANCE = 0.5
SCORE_DECIMALS = 1
LEVELS = ("indicator", "cell", "dimension", "step", "area", "overall")


METHOD_TEXT = N_(
    "Every scored indicator is 0-100, from least to most favourable for integration; "
    "no data is not zero. Scores are unweighted means taken upward: a cell (one dimension "
    "in one step) is the mean of its indicators that have a value; a dimension is the mean "
    "of its three cells; a step is the mean of its cells across the dimensions; an area is "
    "the mean of its dimensions; the overall score is the mean of the dimensions, not of the "
    "areas, so that a one-dimension area does not weigh a quarter. Statistical indicators "
    "are not scored and never count. Each figure carries its coverage, the share of the "
    "scored indicators beneath it that have a value; below "
    "{threshold} it is reported as insufficient data, not as a number, and is "
    "left out of the means above it (its indicators still count in their coverage)."
)


def method_text() -> str:
    """The rule in words, in the reader's language."""
    return _(METHOD_TEXT).format(threshold=f"{COVERAGE_THRESHOLD:.0%}")


@dataclass(frozen=True)
class Measure:
    """A figure the user can pick: overall, or one area, dimension, step or cell."""

    level: str
    code: str = ""

    @property
    def key(self) -> str:
        return self.level if self.level == "overall" else f"{self.level}:{self.code}"

    @classmethod
    def from_key(cls, key: str) -> Measure:
        level, _, code = key.partition(":")
        return cls(level, code)


@dataclass(frozen=True)
class IndicatorRef:
    code: str
    dimension: str
    step: str
    scored: bool = True


@dataclass(frozen=True)
class Framework:
    """The shape scores are aggregated over: areas, dimensions, steps and indicators."""

    dimension_area: Mapping[str, str]
    steps: tuple[str, ...]
    indicators: tuple[IndicatorRef, ...]

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.dimension_area)

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.dimension_area.values()))

    def scored(self) -> tuple[IndicatorRef, ...]:
        return tuple(ind for ind in self.indicators if ind.scored)


@dataclass(frozen=True)
class Aggregate:
    """One computed figure for one round and country."""

    level: str
    code: str
    score: float | None
    covered: int
    total: int
    dimension: str = ""
    step: str = ""

    @property
    def coverage(self) -> float:
        return self.covered / self.total if self.total else 0.0

    @property
    def sufficient(self) -> bool:
        return self.score is not None


def cell_code(dimension: str, step: str) -> str:
    """The code of one dimension x step cell, as exported."""
    return f"{dimension}.{step}"


def mean_or_none(values: Iterable[float | None]) -> float | None:
    """The unweighted mean of the values present, or None when there are none."""
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


def _aggregate(
    level: str,
    code: str,
    child_scores: Iterable[float | None],
    indicators: Iterable[IndicatorRef],
    values: Mapping[str, float | None],
    **where: str,
) -> Aggregate:
    members = list(indicators)
    covered = sum(1 for ind in members if values.get(ind.code) is not None)
    total = len(members)
    sufficient = total > 0 and covered / total >= COVERAGE_THRESHOLD
    score = mean_or_none(child_scores) if sufficient else None
    return Aggregate(level, code, score, covered, total, **where)


def aggregate(framework: Framework, values: Mapping[str, float | None]) -> list[Aggregate]:
    """Every cell, dimension, step, area and overall figure for one round and country.

    `values` maps indicator codes to scores (None or absent: no data).
    """
    scored = framework.scored()
    by_cell: dict[tuple[str, str], list[IndicatorRef]] = {}
    for ind in scored:
        by_cell.setdefault((ind.dimension, ind.step), []).append(ind)

    cells: dict[tuple[str, str], Aggregate] = {}
    for dimension in framework.dimensions:
        for step in framework.steps:
            members = by_cell.get((dimension, step), [])
            if not members:
                continue
            member_values = [values.get(ind.code) for ind in members]
            cells[(dimension, step)] = _aggregate(
                "cell",
                cell_code(dimension, step),
                member_values,
                members,
                values,
                dimension=dimension,
                step=step,
            )

    def cell_scores(keep: Iterable[tuple[str, str]]) -> list[float | None]:
        return [cells[key].score for key in keep if key in cells]

    dimensions = {
        dimension: _aggregate(
            "dimension",
            dimension,
            cell_scores((dimension, step) for step in framework.steps),
            (ind for ind in scored if ind.dimension == dimension),
            values,
            dimension=dimension,
        )
        for dimension in framework.dimensions
    }
    steps = [
        _aggregate(
            "step",
            step,
            cell_scores((dimension, step) for dimension in framework.dimensions),
            (ind for ind in scored if ind.step == step),
            values,
            step=step,
        )
        for step in framework.steps
    ]
    areas = []
    for area in framework.areas:
        area_dimensions = [d for d, a in framework.dimension_area.items() if a == area]
        areas.append(
            _aggregate(
                "area",
                area,
                (dimensions[d].score for d in area_dimensions),
                (ind for ind in scored if ind.dimension in area_dimensions),
                values,
            )
        )
    overall = _aggregate(
        "overall", "", (dimensions[d].score for d in framework.dimensions), scored, values
    )
    return [*cells.values(), *dimensions.values(), *steps, *areas, overall]


def rounding_text() -> str:
    """The rounding rule in words, for the methodology page."""
    return _(
        "Figures are shown and exported to one decimal, rounded half up on the decimal value "
        "(39.55 becomes 39.6, 40.75 becomes 40.8), as published. Indicator scores are shown "
        "as they were entered (62.5 stays 62.5)."
    )


def round_score(value: float | None, decimals: int = SCORE_DECIMALS) -> float | None:
    """A figure rounded half up on its decimal value (39.55 -> 39.6), the one rounding rule.

    Python's `round` works on the binary value, which turns 39.55 into 39.5.
    """
    if value is None:
        return None
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))


def differs_from_published(computed: float | None, published: float) -> bool:
    """Whether a computed figure strays from its published value by more than the tolerance."""
    if computed is None:
        return True
    gap = abs(Decimal(str(computed)) - Decimal(str(published)))
    return gap > Decimal(str(PUBLISHED_TOLERANCE))


def indicators_beneath(framework: Framework, level: str, code: str) -> list[IndicatorRef]:
    """The scored indicators an aggregate is computed from."""
    scored = framework.scored()
    if level == "cell":
        dimension, step = code.split(".")
        return [i for i in scored if i.dimension == dimension and i.step == step]
    if level == "dimension":
        return [i for i in scored if i.dimension == code]
    if level == "step":
        return [i for i in scored if i.step == code]
    if level == "area":
        return [i for i in scored if framework.dimension_area[i.dimension] == code]
    return list(scored)
