"""The figures a page shows, each with its words: the figure as text, where it comes from,
and, in a ranking, its rank and where the rank comes from.

`describe` and `rank_among` take rows of the figures table (`niem.results`) and add columns
that every page, table, chart and report reads, so that a figure, an empty figure, a rank
and a derived number are worded the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

import pandas as pd

from niem.facts import Fact, stated_rank
from niem.i18n import _
from niem.methodology import differs_from_published, round_score
from niem.provenance import Provenance, of_figure, published_rank, weakest
from niem.wording import figure_text, rank_text, score_text

PUBLISHED = "published"


@dataclass(frozen=True)
class Stat:
    """A derived number (an average, a highest, a change, a gap) with its provenance."""

    value: float
    provenance: Provenance
    country: str = ""

    @property
    def text(self) -> str:
        return score_text(self.value)


Row = Mapping[str, Any]


def _provenance(row: Row) -> Provenance | None:
    if pd.isna(row["score"]):
        return None
    return of_figure(
        str(row["provenance"]),
        int(row["covered"]),
        int(row["total"]),
        country=str(row["country"]),
        source=str(row["source"]),
        revised=str(row.get("revised", "") or ""),
    )


def shown_text(row: Row) -> str:
    """A figure as every page shows it; a published one that the current data contradict
    beyond the tolerance says both: '50.7 published · 80.0 from current data'."""
    stored = row["level"] == "indicator"
    text = figure_text(row["score"], int(row["covered"]), int(row["total"]), stored=stored)
    if _differs(row):
        computed = figure_text(row["computed"], int(row["covered"]), int(row["total"]))
        return _("{published} published · {computed} from current data").format(
            published=text, computed=computed
        )
    return text


def _differs(row: Row) -> bool:
    if row["provenance"] != PUBLISHED or int(row["covered"]) == 0:
        return False
    computed = None if pd.isna(row["computed"]) else float(row["computed"])
    return differs_from_published(computed, float(row["score"]))


def describe(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with their words: `shown`, `origin` (and the `origin_of` provenance, its
    `kind` and `strength`, -1 when there is no value) and `differs` from the current data.

    Words are worked out once for each different figure: a round's rows repeat a few hundred.
    """
    described = frame.copy()
    rows = _records(frame)
    origin_of: dict[tuple[Any, ...], Provenance | None] = {}
    shown: dict[tuple[Any, ...], str] = {}
    origins, texts, differs = [], [], []
    for row in rows:
        key = (row["score"] != row["score"], row["provenance"], row["covered"], row["total"],
               row["country"], row["source"], row["revised"])
        if key not in origin_of:
            origin_of[key] = _provenance(row)
        origins.append(origin_of[key])
        different = _differs(row)
        differs.append(different)
        text_key = (row["level"] == "indicator", row["score"], row["covered"], row["total"])
        if different:
            texts.append(shown_text(row))
        else:
            if text_key not in shown:
                shown[text_key] = shown_text(row)
            texts.append(shown[text_key])
    described["origin_of"] = origins
    described["origin"] = [p.words if p else "" for p in origins]
    described["kind"] = [p.kind if p else "" for p in origins]
    described["strength"] = [int(p.strength) if p else -1 for p in origins]
    described["differs"] = differs
    described["shown"] = texts
    return described


DESCRIBED_COLUMNS = (
    "level", "score", "computed", "covered", "total", "provenance", "country", "source"
)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The columns `describe` reads, row by row (read as lists: far quicker than records)."""
    columns = {name: frame[name].tolist() for name in DESCRIBED_COLUMNS}
    columns["revised"] = (
        frame["revised"].fillna("").tolist() if "revised" in frame else [""] * len(frame)
    )
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def rank_scores(scores: pd.Series) -> pd.Series:
    """Competition ranks, highest first: equal scores share a rank (1, 2, 2, 4)."""
    return scores.rank(method="min", ascending=False).astype("Int64")


def rank_of(scores: pd.Series, score: float) -> str:
    """The rank one figure has among `scores` (its own included), worded as `rank_among`
    words it: '6th of 14', 'joint 13th of 14', or 'not ranked' without a figure."""
    if pd.isna(score):
        return _("not ranked")
    scored = scores.dropna()
    position = int((scored > score).sum()) + 1
    return rank_text(position, len(scored), joint=int((scored == score).sum()) > 1)


def rank_among(
    frame: pd.DataFrame, statements: Mapping[str, Fact] | None = None
) -> pd.DataFrame:
    """Described rows ranked highest first, each with `rank_text` ('6th of 14', 'joint 13th
    of 14') and `rank_origin`: a rank depends on every figure ranked, so it is as strong as
    the weakest of them, unless a published fact states it (then it is the published rank,
    with its source). `statements` are such facts by country; pass them only when the rows
    are every country of the round."""
    ranked = frame if "origin_of" in frame else describe(frame)
    ranked = ranked.copy()
    ranked["rank"] = rank_scores(ranked["score"])
    scored = ranked.dropna(subset=["score"])
    counts = scored["score"].value_counts().to_dict()
    everyone = weakest(scored["origin_of"]) if not scored.empty else None
    texts, origins, sources = [], [], []
    rows = (
        {"score": score, "rank": rank, "country": country}
        for score, rank, country in zip(
            ranked["score"].tolist(), ranked["rank"].tolist(), ranked["country"].tolist(),
            strict=True,
        )
    )
    for row in rows:
        text, origin = _rank_words(row, len(scored), counts, everyone, statements or {})
        texts.append(text)
        origins.append(origin)
        sources.append(origin.source if origin else "")
    ranked["rank_text"] = texts
    ranked["rank_of"] = origins
    ranked["rank_origin"] = [o.words if o else "" for o in origins]
    ranked["rank_source"] = sources
    return ranked.sort_values(["rank", "country"], na_position="last").reset_index(drop=True)


def _rank_words(
    row: Row,
    count: int,
    counts: Mapping[float, int],
    everyone: Provenance | None,
    statements: Mapping[str, Fact],
) -> tuple[str, Provenance | None]:
    if pd.isna(row["score"]):
        return _("not ranked"), None
    position = int(row["rank"])
    fact = statements.get(str(row["country"]))
    stated = stated_rank(fact, count) if fact else None
    if fact is None or stated is None:
        return rank_text(position, count, joint=counts[row["score"]] > 1), everyone
    origin = published_rank(fact.source_url)
    if stated != position:
        current = rank_text(position, count, joint=counts[row["score"]] > 1)
        origin = Provenance(
            origin.strength,
            _("{words}; current data give {rank}").format(words=origin.words, rank=current),
            origin.source,
        )
    return rank_text(stated, count), origin


def average(frame: pd.DataFrame) -> Stat | None:
    """The mean of the figures that have one, as strong as the weakest of them."""
    return average_of(frame["score"].tolist(), frame["origin_of"].tolist())


def average_of(scores: Sequence[float], origins: Sequence[Provenance | None]) -> Stat | None:
    """`average` of described figures given as their scores (NaN: none) and provenances."""
    scored = [(s, o) for s, o in zip(scores, origins, strict=True) if s == s and o is not None]
    if not scored:
        return None
    value = round_score(fmean(float(s) for s, _ in scored))
    assert value is not None
    return Stat(value, weakest(o for _, o in scored))


def derived(value: float, inputs: Iterable[Provenance | None], country: str = "") -> Stat:
    """A number computed from figures, with the provenance of the weakest of them."""
    rounded = round_score(value)
    assert rounded is not None
    return Stat(rounded, weakest(p for p in inputs if p is not None), country)
