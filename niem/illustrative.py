"""Illustrative indicator scores: generated from a fixed seed, calibrated to the published figures.

No indicator-level NIEM data is public, so the shipped scores are made up, then nudged one
point at a time until the computed aggregates reproduce every published figure (within
`CALIBRATION_TOLERANCE`). Where nothing is published they only need to look plausible.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from niem.config import Settings
from niem.database import create_tables, make_engine, open_session
from niem.loading import load_published_figures, load_reference_data
from niem.methodology import Framework, IndicatorRef, aggregate
from niem.store import load_framework, load_rounds
from niem.store import load_published_figures as store_published_figures

SEED = 2022
CALIBRATION_TOLERANCE = 0.02
MISSING_SHARE = 0.02
SOURCE = "illustrative (generated, not an expert score)"

# Starting levels for countries with no published overall score; illustrative guesses.
UNPUBLISHED_LEVELS = {"CZ": 43.0, "NL": 61.0, "ES": 55.0, "PT": 58.0}
STEP_OFFSETS = {"legal": 17.0, "policy": -3.0, "implementation": -14.0}
# 2019 -> 2021 saw backsliding in these dimensions, so 2019 starts higher on them.
BACKSLIDING_2021 = ("residency", "housing", "social_security")


@dataclass(frozen=True)
class Target:
    """A published figure the generated scores must reproduce."""

    round_year: int
    country: str
    level: str
    code: str
    value: float


def _clip(value: float) -> float:
    return float(min(100, max(0, round(value))))


def _error(framework: Framework, values: Mapping[str, float | None], target: Target) -> float:
    for figure in aggregate(framework, values):
        if figure.level == target.level and figure.code == target.code:
            assert figure.score is not None
            return figure.score - target.value
    raise ValueError(f"no {target.level} figure {target.code!r} in the framework")


def calibrate(
    framework: Framework,
    values: dict[str, float | None],
    targets: Sequence[Target],
    rng: random.Random,
) -> dict[str, float | None]:
    """Nudge values one point at a time until every target is met within the tolerance."""
    scored = framework.scored()
    for _ in range(20_000):
        errors = [(_error(framework, values, t), t) for t in targets]
        worst_error, worst = max(errors, key=lambda pair: abs(pair[0]))
        if abs(worst_error) <= CALIBRATION_TOLERANCE:
            return values
        direction = -1.0 if worst_error > 0 else 1.0
        movable = [
            ind.code
            for ind in _affecting(scored, worst)
            if (v := values.get(ind.code)) is not None and 0 <= v + direction <= 100
        ]
        code = rng.choice(movable)
        current = values[code]
        assert current is not None
        values[code] = current + direction
    raise RuntimeError(f"calibration did not converge for {targets}")


def _affecting(scored: Sequence[IndicatorRef], target: Target) -> list[IndicatorRef]:
    if target.level == "step":
        return [ind for ind in scored if ind.step == target.code]
    return list(scored)


def generate(
    framework: Framework,
    participants: Mapping[int, Sequence[str]],
    targets: Sequence[Target],
    seed: int = SEED,
) -> list[dict[str, str]]:
    """Rows of (round, country, indicator, score, note, source) for every participant."""
    rng = random.Random(seed)
    latest = max(participants)
    levels = {
        t.country: t.value for t in targets if t.level == "overall" and t.round_year == latest
    }
    levels = {**UNPUBLISHED_LEVELS, **levels}
    dimension_effects = {
        (country, d): rng.gauss(0, 11)
        for country in sorted({c for cs in participants.values() for c in cs})
        for d in framework.dimensions
    }
    rows: list[dict[str, str]] = []
    for year in sorted(participants, reverse=True):
        drift = {c: rng.uniform(-4, 3) * (latest - year) / 2 for c in participants[year]}
        for country in participants[year]:
            base = levels.get(country, 50.0) + drift[country]
            values: dict[str, float | None] = {}
            for ind in framework.indicators:
                if not ind.scored:
                    continue
                backslide = 5.0 if year < latest and ind.dimension in BACKSLIDING_2021 else 0.0
                raw = (
                    base
                    + STEP_OFFSETS.get(ind.step, 0.0)
                    + backslide
                    + dimension_effects[(country, ind.dimension)]
                    + rng.gauss(0, 12)
                )
                values[ind.code] = None if rng.random() < MISSING_SHARE else _clip(raw)
            own_targets = [t for t in targets if t.round_year == year and t.country == country]
            if own_targets:
                calibrate(framework, values, own_targets, rng)
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
    """The illustrative scores CSV for the shipped framework, rounds and published figures."""
    engine = make_engine("sqlite://")
    create_tables(engine)
    with open_session(engine) as session:
        load_reference_data(session, settings)
        load_published_figures(session, settings)
        session.flush()
        framework = load_framework(session)
        participants = {r.year: r.countries for r in load_rounds(session)}
        targets = [
            Target(f.round_year, f.country_code, f.level, f.code, f.value)
            for f in store_published_figures(session)
        ]
    return to_csv(generate(framework, participants, targets, seed))
