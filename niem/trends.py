"""What changed between rounds, as pure functions over the figures table (no Streamlit).

A change is derived from two figures, so it is as strong as the weaker of them
(`niem.provenance.weakest`): a published 2021 score minus an illustrative 2019 one is an
illustrative change, and every table, chart and card says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from niem.figures import Stat, describe, rank_of
from niem.methodology import Measure, round_score
from niem.provenance import weakest
from niem.store import RoundInfo

# A change smaller than this many points counts as flat between two rounds.
FLAT_THRESHOLD = 2.0
CHANGE_COLUMNS = [
    "country", "before", "after", "change", "direction", "origin", "kind", "strength", "origin_of",
]


def direction(delta: float | None) -> str:
    """Up, down or flat, by `FLAT_THRESHOLD`."""
    if delta is None or pd.isna(delta):
        return "no comparison"
    if delta >= FLAT_THRESHOLD:
        return "up"
    if delta <= -FLAT_THRESHOLD:
        return "down"
    return "flat"


def _measure_rows(results: pd.DataFrame, year: int, measure: Measure) -> pd.DataFrame:
    mask = (
        (results["round"] == year)
        & (results["level"] == measure.level)
        & (results["code"] == measure.code)
    )
    return describe(results.loc[mask])


def _rows_by(frame: pd.DataFrame, key: str) -> dict[Any, dict[str, Any]]:
    """The score and provenance of each described row, by `key` (read as lists: quicker than
    records)."""
    return {
        name: {"score": score, "origin_of": origin}
        for name, score, origin in zip(
            frame[key].tolist(), frame["score"].tolist(), frame["origin_of"].tolist(),
            strict=True,
        )
    }


def _paired(then: pd.DataFrame, now: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows of two rounds paired on `key`: before, after, change, direction, provenance."""
    old, new = _rows_by(then, key), _rows_by(now, key)
    rows = []
    for name in sorted(old.keys() & new.keys()):
        before, after = old[name], new[name]
        change, origin = None, None
        if pd.notna(before["score"]) and pd.notna(after["score"]):
            change = round_score(float(after["score"]) - float(before["score"]))
            origin = weakest([before["origin_of"], after["origin_of"]])
        rows.append(
            {
                key: name,
                "before": before["score"],
                "after": after["score"],
                "change": change,
                "direction": direction(change),
                "origin": origin.words if origin else "",
                "kind": origin.kind if origin else "",
                "strength": int(origin.strength) if origin else -1,
                "origin_of": origin,
            }
        )
    columns = [key, *CHANGE_COLUMNS[1:]]
    frame = pd.DataFrame(rows, columns=columns)
    frame["change"] = frame["change"].astype(float)
    return frame.sort_values("change", ascending=False, na_position="last").reset_index(drop=True)


def round_changes(results: pd.DataFrame, before: int, after: int, measure: Measure) -> pd.DataFrame:
    """Per country in both rounds: the figure before and after, the change, its direction
    and its provenance (the weaker of the two figures')."""
    then, now = _measure_rows(results, before, measure), _measure_rows(results, after, measure)
    return _paired(then, now, "country")


def country_changes(
    results: pd.DataFrame, before: int, after: int, country: str, level: str
) -> pd.DataFrame:
    """Per code of a level, one country's change between two rounds, as `round_changes`."""
    mask = (results["country"] == country) & (results["level"] == level)
    rows = results.loc[mask]
    then = describe(rows[rows["round"] == before])
    now = describe(rows[rows["round"] == after])
    return _paired(then, now, "code")


def joined_and_left(
    rounds: list[RoundInfo], before: int, after: int
) -> tuple[list[str], list[str]]:
    """Countries that joined and that left between two rounds."""
    by_year = {r.year: set(r.countries) for r in rounds}
    return sorted(by_year[after] - by_year[before]), sorted(by_year[before] - by_year[after])


def change_drivers(
    results: pd.DataFrame,
    before: int,
    after: int,
    country: str,
    dimension: str | None = None,
    limit: int = 5,
) -> pd.DataFrame:
    """The indicators whose change moved a country's score most between two rounds."""
    mask = (results["level"] == "indicator") & (results["country"] == country)
    if dimension:
        mask &= results["dimension"] == dimension
    rows = results.loc[mask & results["round"].isin([before, after])]
    wide = rows.pivot_table(index="code", columns="round", values="score", aggfunc="first")
    if before not in wide or after not in wide:
        return pd.DataFrame(columns=["code", "before", "after", "change"])
    frame = pd.DataFrame(
        {"code": wide.index, "before": wide[before].values, "after": wide[after].values}
    )
    pairs = zip(frame["after"], frame["before"], strict=True)
    frame["change"] = [round_score(a - b) for a, b in pairs]
    frame = frame.dropna(subset=["change"])
    frame = frame[frame["change"] != 0]
    order = frame["change"].abs().sort_values(ascending=False).index
    return frame.loc[order].head(limit).reset_index(drop=True)


def previous_round(rounds: list[RoundInfo], year: int, country: str) -> int | None:
    """The latest earlier round the country took part in."""
    earlier = [r.year for r in rounds if r.year < year and country in r.countries]
    return max(earlier) if earlier else None


def trend(
    results: pd.DataFrame, rounds: list[RoundInfo], country: str, measure: Measure
) -> pd.DataFrame:
    """A country's figure in every round it took part in, oldest first, with its rank."""
    chosen = results[(results["level"] == measure.level) & (results["code"] == measure.code)]
    by_round = dict(tuple(chosen.groupby("round", sort=False)))
    rows = []
    for round_info in rounds:
        if country not in round_info.countries:
            continue
        figures = by_round.get(round_info.year, chosen.iloc[:0])
        mine = describe(figures[figures["country"] == country]).iloc[0]
        rows.append(
            {
                "round": round_info.year,
                "label": round_info.label,
                "score": mine["score"],
                "shown": mine["shown"],
                "origin": mine["origin"],
                "kind": mine["kind"],
                "strength": mine["strength"],
                "rank_text": rank_of(figures["score"], mine["score"]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["round", "label", "score", "shown", "origin", "kind", "strength", "rank_text"],
    )


@dataclass(frozen=True)
class Mover:
    country: str
    change: Stat
    drivers: pd.DataFrame


@dataclass(frozen=True)
class RoundChange:
    """What changed on one measure between two rounds."""

    changes: pd.DataFrame
    joined: list[str]
    left: list[str]
    figures: pd.DataFrame
    movers: list[Mover]


def compare_rounds(
    results: pd.DataFrame,
    rounds: list[RoundInfo],
    before: int,
    after: int,
    measure: Measure,
    movers: int = 3,
) -> RoundChange:
    """Per-country change, who joined or left, and the biggest movers with their drivers."""
    changes = round_changes(results, before, after, measure)
    joined, left = joined_and_left(rounds, before, after)
    figures = results[
        results["round"].isin([before, after])
        & (results["level"] == measure.level)
        & (results["code"] == measure.code)
    ]
    moved = changes.dropna(subset=["change"])
    moved = moved[moved["change"] != 0]
    moved = moved.reindex(moved["change"].abs().sort_values(ascending=False).index).head(movers)
    dimension = measure.code if measure.level == "dimension" else None
    return RoundChange(
        changes=changes,
        joined=joined,
        left=left,
        figures=figures,
        movers=[
            Mover(
                row.country,
                Stat(float(row.change), row.origin_of, row.country),
                change_drivers(results, before, after, row.country, dimension),
            )
            for row in moved.itertuples()
        ],
    )
