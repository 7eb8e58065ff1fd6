"""Illustrative indicator scores: generated from a fixed seed to agree with every published
figure and every published fact.

No indicator-level NIEM data is public, so the shipped scores are made up in two steps.
First a design: for every round and country a target for each dimension and step, built
around the published overall scores (and, for the countries without one, `UNPUBLISHED_LEVELS`),
with the best-to-worst dimension gaps and the average changes between rounds that the published
facts state. Then indicator values scattered around the design, nudged until the computed
figures reproduce every published figure within `CALIBRATION_TOLERANCE` and land on the design
(the extreme country of each dimension exactly, so that the published gaps hold after
rounding). `niem check` verifies every published fact on the result.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from niem.config import Settings
from niem.database import create_tables, make_engine, open_session
from niem.facts import Fact
from niem.loading import load_published_facts, load_published_figures, load_reference_data
from niem.methodology import Framework, IndicatorRef, aggregate, round_score
from niem.store import ILLUSTRATIVE_SOURCE, load_framework, load_rounds
from niem.store import load_published_facts as store_published_facts
from niem.store import load_published_figures as store_published_figures

SEED = 2022
CALIBRATION_TOLERANCE = 0.02
MISSING_SHARE = 0.02
SOURCE = ILLUSTRATIVE_SOURCE

# Overall levels of countries without a published one. In the latest round Czechia, the
# Netherlands and Spain are placed so that the published facts hold: all at or above 50
# (exactly five countries are below), two above Italy's 52.9 (Italy is 6th) and all below
# France's 67.5 (France is 2nd). Portugal took part in the baseline only.
UNPUBLISHED_LEVELS = {"NL": 63.9, "ES": 57.6, "CZ": 51.6, "PT": 58.0}
STEP_OFFSETS = {"legal": 17.0, "policy": -3.0, "implementation": -14.0}
DIMENSION_SPREAD = 11.0
INDICATOR_SPREAD = 12.0
# How much a country and each of its dimensions move between rounds, on average zero.
ROUND_DRIFT = 3.0
ROUND_NOISE = 2.5
# The average change between rounds of what a published fact says fell or rose, by level
# (a step's change is shared out among the steps, so it is set larger); others move by up
# to UNSTATED either way.
CHANGES = {
    ("dimension", "falls"): -4.0,
    ("dimension", "rises"): 1.5,
    ("step", "falls"): -3.0,
    ("step", "rises"): 3.0,
}
UNSTATED = 1.0
# The extreme country of a dimension lands within TIGHT of its one-decimal design, so that
# the published gaps hold after rounding; every other design within LOOSE, and at least
# GAP_MARGIN inside the extremes.
TIGHT, LOOSE, GAP_MARGIN = 0.04, 0.75, 2.0
LOWEST, HIGHEST = 2.0, 98.0
MAX_MOVE = 10

Design = dict[str, dict[str, float]]  # country -> dimension -> designed score


@dataclass(frozen=True)
class Target:
    """A figure the generated scores must reproduce, within a tolerance."""

    round_year: int
    country: str
    level: str
    code: str
    value: float
    tolerance: float = CALIBRATION_TOLERANCE


def _clip(value: float) -> float:
    return float(min(100, max(0, round(value))))


def _centred(values: Mapping[str, float]) -> dict[str, float]:
    mean = fmean(values.values()) if values else 0.0
    return {key: value - mean for key, value in values.items()}


def _sensitivity(framework: Framework, values: Mapping[str, float | None], code: str) -> float:
    """How far one point on an indicator moves its dimension: one over the values in its cell
    times the cells in the dimension (a step and overall divide this by their cells)."""
    own = next(i for i in framework.scored() if i.code == code)
    cell = [
        i for i in framework.scored()
        if i.dimension == own.dimension and i.step == own.step and values.get(i.code) is not None
    ]
    return 1.0 / (max(1, len(cell)) * len(framework.steps))


def calibrate(
    framework: Framework,
    values: dict[str, float | None],
    targets: Sequence[Target],
    rng: random.Random,
    fixed: frozenset[str] = frozenset(),
) -> dict[str, float | None]:
    """Move values until every target is met within its tolerance, worst target first.

    Only a dimension's own target moves the indicators of a dimension in `fixed`.
    """
    scored = framework.scored()
    for _ in range(30_000):
        figures = {(f.level, f.code): f.score for f in aggregate(framework, values)}
        misses = []
        for target in targets:
            score = figures[(target.level, target.code)]
            assert score is not None, f"{target} has insufficient data"
            if abs(score - target.value) > target.tolerance:
                misses.append((score - target.value, target))
        if not misses:
            return values
        error, worst = max(misses, key=lambda m: abs(m[0]) / m[1].tolerance)
        direction = -1.0 if error > 0 else 1.0
        movable = [
            ind.code
            for ind in _affecting(scored, worst, fixed)
            if (v := values.get(ind.code)) is not None and 0 <= v + direction / 2 <= 100
        ]
        if not movable:
            raise RuntimeError(f"cannot move {worst} (error {error:.2f}): {values}")
        code = rng.choice(movable)
        # A step is the mean of its cells across the dimensions, overall of the dimensions.
        scale = {
            "dimension": 1.0,
            "step": len(framework.dimensions) / len(framework.steps),
        }.get(worst.level, float(len(framework.dimensions)))
        per_point = _sensitivity(framework, values, code) / scale
        # A whole point can step over a tight target; then half a point lands on it.
        fine = 0.5 if worst.tolerance < per_point / 2 else 1.0
        points = min(MAX_MOVE, math.floor(abs(error) / per_point)) or fine
        current = values[code]
        assert current is not None
        values[code] = min(100.0, max(0.0, current + direction * points))
    raise RuntimeError(f"calibration did not converge for {targets[0].round_year} "
                       f"{targets[0].country}")


def _affecting(
    scored: Sequence[IndicatorRef], target: Target, fixed: frozenset[str]
) -> list[IndicatorRef]:
    if target.level == "dimension":
        return [ind for ind in scored if ind.dimension == target.code]
    free = [ind for ind in scored if ind.dimension not in fixed]
    if target.level == "step":
        return [ind for ind in free if ind.step == target.code]
    return free


def _gap_targets(
    design: Design, dimensions: Sequence[str], facts: Sequence[Fact]
) -> dict[str, float]:
    """The best-to-worst gap each dimension is given: the widest as published, the others
    scaled from the design so that their mean is the published mean gap."""
    widest = next((f for f in facts if f.check == "widest_gap"), None)
    mean = next((f for f in facts if f.check == "mean_gap"), None)
    if widest is None or mean is None:
        return {}
    natural = {
        d: max(row[d] for row in design.values()) - min(row[d] for row in design.values())
        for d in dimensions
    }
    widest_code, widest_gap = widest.arguments["code"], widest.number("gap")
    others = [d for d in dimensions if d != widest_code]
    # The gaps are one-decimal numbers whose mean is exactly the published one.
    total = round(mean.number("gap") * len(dimensions) * 10) - round(widest_gap * 10)
    scale = total / sum(natural[d] * 10 for d in others)
    tenths = {d: round(natural[d] * 10 * scale) for d in others}
    tenths[max(others, key=lambda d: tenths[d])] += total - sum(tenths.values())
    gaps = {d: tenths[d] / 10 for d in others}
    assert max(gaps.values()) < widest_gap - GAP_MARGIN, "another gap would be the widest"
    return {**gaps, widest_code: widest_gap}


def _shape_gaps(
    design: Design, levels: Mapping[str, float], gaps: Mapping[str, float]
) -> dict[str, set[str]]:
    """Stretch each dimension to its gap while keeping every country's mean at its level,
    then pin the two extremes of each dimension to one-decimal values that make the gap
    exact. Returns each country's pinned dimensions."""
    countries = sorted(design)
    for _ in range(300):
        for d, gap in gaps.items():
            column = {c: design[c][d] for c in countries}
            middle, spread = fmean(column.values()), max(column.values()) - min(column.values())
            for c in countries:
                design[c][d] = middle + (column[c] - middle) * gap / spread
        _level_rows(design, levels, set())
    pinned: dict[str, set[str]] = {c: set() for c in countries}
    bounds: dict[str, tuple[float, float]] = {}
    for d, gap in gaps.items():
        order = sorted(countries, key=lambda c: design[c][d])
        low, high = order[0], order[-1]
        middle = (design[low][d] + design[high][d]) / 2
        top = round_score(min(HIGHEST, max(LOWEST + gap, middle + gap / 2)))
        assert top is not None
        design[high][d], design[low][d] = top, round_score(top - gap) or 0.0
        bounds[d] = (top - gap + GAP_MARGIN, top - GAP_MARGIN)
        pinned[high].add(d)
        pinned[low].add(d)
    for _ in range(100):
        _level_rows(design, levels, pinned)
        for c in countries:
            for d, (lowest, highest) in bounds.items():
                if d not in pinned[c]:
                    design[c][d] = min(highest, max(lowest, design[c][d]))
    return pinned


def _level_rows(
    design: Design, levels: Mapping[str, float], pinned: Mapping[str, set[str]] | set[str]
) -> None:
    """Shift each country's unpinned dimensions so that their mean with the pinned ones is
    the country's level."""
    for c, row in design.items():
        fixed = pinned.get(c, set()) if isinstance(pinned, Mapping) else pinned
        free = [d for d in row if d not in fixed]
        shift = (levels[c] - fmean(row.values())) * len(row) / len(free)
        for d in free:
            row[d] += shift


def _changes(
    framework: Framework, facts: Sequence[Fact], before: int, after: int, rng: random.Random
) -> dict[str, float]:
    """The designed average change of each dimension and step from one round to the next."""
    changes = {d: rng.uniform(-UNSTATED, UNSTATED) for d in framework.dimensions}
    changes.update({s: 0.0 for s in framework.steps})
    for fact in facts:
        if fact.check == "averages_change" and fact.round_year == after:
            if int(fact.number("since")) == before:
                for way in ("falls", "rises"):
                    changes.update({m.code: CHANGES[(m.level, way)] for m in fact.measures(way)})
    return changes


def _earlier_design(
    later: Design, countries: Sequence[str], changes: Mapping[str, float],
    fresh: Mapping[str, dict[str, float]], rng: random.Random,
) -> Design:
    """An earlier round: the later design less its changes, each country drifting a little
    (on average not at all, so the average changes stay as designed)."""
    common = [c for c in countries if c in later]
    drift = _centred({c: rng.uniform(-ROUND_DRIFT, ROUND_DRIFT) for c in common})
    dimensions = list(next(iter(later.values())))
    noise = {c: {d: rng.gauss(0, ROUND_NOISE) for d in dimensions} for c in common}
    for d in dimensions:
        centred = _centred({c: noise[c][d] for c in common})
        for c in common:
            noise[c][d] = centred[c]
    design = {
        c: {
            d: min(HIGHEST, max(LOWEST, later[c][d] - changes[d] + drift[c] + noise[c][d]))
            for d in dimensions
        }
        for c in common
    }
    design.update({c: dict(fresh[c]) for c in countries if c not in later})
    return design


def _level_with_published(
    row: dict[str, float], published: Sequence[Target], steps: Sequence[str]
) -> None:
    """Move a design to the overall level its published overall or steps give, if any."""
    overall = [t.value for t in published if t.level == "overall"]
    by_step = [t.value for t in published if t.level == "step"]
    level = overall[0] if overall else fmean(by_step) if len(by_step) == len(steps) else None
    if level is not None:
        shift = level - fmean(row.values())
        row.update({d: v + shift for d, v in row.items()})


def _step_design(
    row: Mapping[str, float], steps: Sequence[str], shifts: Mapping[str, float]
) -> dict[str, float]:
    level = fmean(row.values())
    return {s: level + STEP_OFFSETS.get(s, 0.0) + shifts[s] for s in steps}


def generate(
    framework: Framework,
    participants: Mapping[int, Sequence[str]],
    targets: Sequence[Target],
    facts: Sequence[Fact] = (),
    seed: int = SEED,
) -> list[dict[str, str]]:
    """Rows of (round, country, indicator, score, note, source) for every participant."""
    rng = random.Random(seed)
    years = sorted(participants, reverse=True)
    latest = years[0]
    everyone = sorted({c for cs in participants.values() for c in cs})
    dimensions, steps = list(framework.dimensions), list(framework.steps)
    effects = {
        c: _centred({d: rng.gauss(0, DIMENSION_SPREAD) for d in dimensions}) for c in everyone
    }
    published_overall = {
        (t.round_year, t.country): t.value for t in targets if t.level == "overall"
    }
    levels = {
        c: published_overall.get((latest, c), UNPUBLISHED_LEVELS.get(c, 50.0)) for c in everyone
    }
    fresh = {c: {d: levels[c] + effects[c][d] for d in dimensions} for c in everyone}

    designs: dict[int, Design] = {latest: {c: dict(fresh[c]) for c in participants[latest]}}
    pinned: dict[str, set[str]] = {c: set() for c in everyone}
    gaps = _gap_targets(designs[latest], dimensions, [f for f in facts if f.round_year == latest])
    if gaps:
        pinned.update(_shape_gaps(designs[latest], levels, gaps))
    shifts: dict[int, dict[str, float]] = {latest: {s: 0.0 for s in steps}}
    for newer, year in zip(years, years[1:], strict=False):
        changes = _changes(framework, facts, year, newer, rng)
        designs[year] = _earlier_design(designs[newer], participants[year], changes, fresh, rng)
        shifts[year] = _centred({s: shifts[newer][s] - changes[s] for s in steps})
        for country, row in designs[year].items():
            own = [t for t in targets if (t.round_year, t.country) == (year, country)]
            _level_with_published(row, own, steps)

    rows: list[dict[str, str]] = []
    later_values: dict[str, dict[str, float | None]] = {}
    for later, year in zip([None, *years], years, strict=False):
        current: dict[str, dict[str, float | None]] = {}
        for country in participants[year]:
            row = designs[year][country]
            own = [t for t in targets if t.round_year == year and t.country == country]
            published = {(t.level, t.code) for t in own}
            if year == latest and ("overall", "") not in published:
                own.append(Target(year, country, "overall", "", levels[country]))
            fixed = pinned[country] if year == latest else set()
            own += [
                Target(year, country, "dimension", d, row[d], TIGHT if d in fixed else LOOSE)
                for d in dimensions
            ]
            own += [
                Target(year, country, "step", s, value, LOOSE)
                for s, value in _step_design(row, steps, shifts[year]).items()
                if ("step", s) not in published
            ]
            values: dict[str, float | None] = {}
            missing: set[tuple[str, str]] = set()
            before = later_values.get(country, {})
            for ind in framework.scored():
                offset = STEP_OFFSETS.get(ind.step, 0.0)
                centre = row[ind.dimension] + offset + shifts[year][ind.step]
                if (known := before.get(ind.code)) is not None and later is not None:
                    # An indicator moves with its design between rounds, give or take a little.
                    earlier = designs[later][country][ind.dimension] + shifts[later][ind.step]
                    raw = known + centre - offset - earlier
                    raw += rng.gauss(0, ROUND_NOISE * 2)
                else:
                    raw = centre + rng.gauss(0, INDICATOR_SPREAD)
                # At most one value is missing per cell, so that every figure has enough data.
                gap = rng.random() < MISSING_SHARE and (ind.dimension, ind.step) not in missing
                values[ind.code] = None if gap else _clip(raw)
                if gap:
                    missing.add((ind.dimension, ind.step))
            calibrate(framework, values, own, rng, frozenset(fixed))
            current[country] = values
            rows.extend(
                {
                    "round": str(year),
                    "country": country,
                    "indicator": code,
                    "score": "" if value is None else f"{value:g}",
                    "note": "",
                    "source": SOURCE,
                }
                for code, value in sorted(values.items())
            )
        later_values = current
    rows.sort(key=lambda r: (r["round"], r["country"], r["indicator"]))
    return rows


def to_csv(rows: Sequence[Mapping[str, str]]) -> str:
    """The generated rows as the shipped CSV file's text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=["round", "country", "indicator", "score", "note", "source"],
        lineterminator="\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def generate_from_shipped_files(settings: Settings, seed: int = SEED) -> str:
    """The illustrative scores CSV for the shipped framework, rounds, figures and facts."""
    engine = make_engine("sqlite://")
    create_tables(engine)
    with open_session(engine) as session:
        load_reference_data(session, settings)
        load_published_figures(session, settings)
        load_published_facts(session, settings)
        session.flush()
        framework = load_framework(session)
        participants = {r.year: r.countries for r in load_rounds(session)}
        targets = [
            Target(f.round_year, f.country_code, f.level, f.code, f.value)
            for f in store_published_figures(session)
        ]
        facts = store_published_facts(session)
    return to_csv(generate(framework, participants, targets, facts, seed))
