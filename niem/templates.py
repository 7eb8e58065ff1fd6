"""Upload templates: one country and round, prefilled with the current values."""

from __future__ import annotations

import pandas as pd

from niem.errors import UnknownChoice
from niem.exporting import to_csv_bytes
from niem.store import Catalogue, PublishedValue, RoundInfo

TEMPLATE_COLUMNS = ["round", "country", "indicator", "score", "note", "source"]
# Read back but never stored: titles orient the expert; `revision` (where the prefilled value
# came from) lets an upload notice that someone else changed the value in the meantime.
ORIENTATION_COLUMNS = ["title", "dimension", "step", "revision"]


def check_round_country(rounds: list[RoundInfo], round_year: int, country: str) -> RoundInfo:
    """The round, if it exists and the country took part in it."""
    by_year = {r.year: r for r in rounds}
    if round_year not in by_year:
        choices = ", ".join(str(y) for y in by_year)
        raise UnknownChoice(f"unknown round {round_year}; choose one of {choices}")
    round_info = by_year[round_year]
    if country not in round_info.countries:
        raise UnknownChoice(
            f"country {country} is not in round {round_year}; "
            f"its countries are {' '.join(round_info.countries)}"
        )
    return round_info


def build_template(
    catalogue: Catalogue,
    scores: list[PublishedValue],
    round_year: int,
    country: str,
) -> pd.DataFrame:
    """One row per scored indicator, with current values and titles for orientation."""
    current = {
        s.indicator: s for s in scores if s.round_year == round_year and s.country == country
    }
    rows = []
    for code, indicator in catalogue.indicators.items():
        if not indicator.scored:
            continue
        score = current.get(code)
        rows.append(
            {
                "round": round_year,
                "country": country,
                "indicator": code,
                "score": score.value if score else None,
                "note": score.note if score else "",
                "source": score.source if score else "",
                "title": indicator.title,
                "dimension": catalogue.dimensions[indicator.dimension_code],
                "step": catalogue.steps[indicator.step_code],
                "revision": score.revision_id if score else None,
            }
        )
    frame = pd.DataFrame(rows, columns=TEMPLATE_COLUMNS + ORIENTATION_COLUMNS)
    return frame.astype({"revision": "Int64"})


def template_as_upload(frame: pd.DataFrame) -> bytes:
    """A template edited in the app as the CSV a partner would upload, so it takes the same
    checks as a file."""
    return to_csv_bytes(frame.reset_index(drop=True))
