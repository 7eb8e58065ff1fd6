"""The figures table: one row per figure (indicator value or aggregate) per round and country.

Everything the explorer shows and `niem export` writes comes from `build_results`, so a
figure is computed in one place only. Aggregates are rounded to one decimal by the one
rounding rule (`niem.methodology.round_score`), as published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from niem.methodology import Framework, aggregate, indicators_beneath, round_score
from niem.models import PublishedFigure, as_utc
from niem.store import (
    ILLUSTRATIVE,
    PublishedValue,
    RoundInfo,
    load_current_scores,
    load_framework,
    load_published_figures,
    load_rounds,
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
    published_by_key = {(f.round_year, f.country_code, f.level, f.code): f for f in published}
    rows: list[dict[str, Any]] = []
    for round_info in rounds:
        for country in round_info.countries:
            current = by_key.get((round_info.year, country), {})
            rows.extend(_indicator_rows(framework, round_info.year, country, current))
            rows.extend(
                _aggregate_rows(framework, round_info.year, country, current, published_by_key)
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _indicator_rows(
    framework: Framework, year: int, country: str, current: dict[str, PublishedValue]
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
    current: dict[str, PublishedValue],
    published_by_key: dict[tuple[int, str, str, str], PublishedFigure],
) -> Iterable[dict[str, Any]]:
    values = {code: score.value for code, score in current.items()}
    for figure in aggregate(framework, values):
        computed = round_score(figure.score)
        beneath = indicators_beneath(framework, figure.level, figure.code)
        illustrative = any(
            current[i.code].provenance == ILLUSTRATIVE
            for i in beneath
            if i.code in current and current[i.code].value is not None
        )
        published = published_by_key.get((year, country, figure.level, figure.code))
        score: float | None
        if published is not None:
            score, provenance, source = published.value, PUBLISHED, published.source_url
        else:
            score, provenance, source = computed, ILLUSTRATIVE if illustrative else COMPUTED, ""
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


def load_results(session: Session) -> pd.DataFrame:
    """The figures table for everything currently in the store."""
    return build_results(
        load_framework(session),
        load_rounds(session),
        load_current_scores(session),
        load_published_figures(session),
    )
