"""Practices beside the scores, as plain data and tables (no Streamlit): the export, the list
people read, the scores of a practice's countries, and the practices that answer a gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from niem.explorer import Measure, figures_for, strongest_and_weakest
from niem.figures import describe, rank_among
from niem.i18n import _
from niem.practices import PracticeRecord
from niem.store import Catalogue, RoundInfo
from niem.wording import moment_text, score_text

# Machine columns, English and stable: what `niem practice export` and the page download write.
EXPORT_COLUMNS = [
    "practice",
    "version",
    "title",
    "countries",
    "dimensions",
    "steps",
    "organisation",
    "year_from",
    "year_to",
    "summary",
    "evidence",
    "link",
    "status",
    "submitted_by",
    "published_by",
    "published_at",
    "illustrative",
]
LEADERS_SHOWN = 3
PRACTICES_PER_GAP = 3


def export_table(practices: Sequence[PracticeRecord]) -> pd.DataFrame:
    """Practices as a long table with codes, one row each; `illustrative` says which are."""
    return pd.DataFrame(
        {
            "practice": [p.practice_id for p in practices],
            "version": [p.version for p in practices],
            "title": [p.title for p in practices],
            "countries": [" ".join(p.countries) for p in practices],
            "dimensions": [" ".join(p.dimensions) for p in practices],
            "steps": [" ".join(p.steps) for p in practices],
            "organisation": [p.organisation for p in practices],
            "year_from": [p.year_from for p in practices],
            "year_to": pd.array([p.year_to for p in practices], dtype="Int64"),
            "summary": [p.summary for p in practices],
            "evidence": [p.evidence for p in practices],
            "link": [p.link for p in practices],
            "status": [p.status for p in practices],
            "submitted_by": [p.submitted_by for p in practices],
            "published_by": [p.published_by or "" for p in practices],
            "published_at": [moment_text(p.published_at, zone=False) for p in practices],
            "illustrative": [p.illustrative for p in practices],
        },
        columns=EXPORT_COLUMNS,
    )


def names(codes: Sequence[str], known: dict[str, str]) -> str:
    """'Latvia, Lithuania' for codes, in their order."""
    return ", ".join(known.get(code, code) for code in codes)


def years_text(practice: PracticeRecord) -> str:
    """'2019–2022', or 'since 2019' while it runs."""
    if practice.year_to is None:
        return _("since {year}").format(year=practice.year_from)
    if practice.year_to == practice.year_from:
        return str(practice.year_from)
    return f"{practice.year_from}–{practice.year_to}"


def illustrative_text(practice: PracticeRecord) -> str:
    """The label an illustrative practice carries wherever it is shown."""
    return _("illustrative example, not a real project") if practice.illustrative else ""


def practices_shown(practices: Sequence[PracticeRecord], catalogue: Catalogue) -> pd.DataFrame:
    """The list as people read it: title, where, what, when, who, and the illustrative label."""
    return pd.DataFrame(
        {
            _("Title"): [p.title for p in practices],
            _("Countries"): [names(p.countries, catalogue.countries) for p in practices],
            _("Dimensions"): [names(p.dimensions, catalogue.dimensions) for p in practices],
            _("Years"): [years_text(p) for p in practices],
            _("Organisation"): [p.organisation for p in practices],
            _("Illustrative"): [illustrative_text(p) for p in practices],
        }
    )


def review_shown(practices: Sequence[PracticeRecord], catalogue: Catalogue) -> pd.DataFrame:
    """Versions waiting for review or sent by a partner, with what became of them."""
    return pd.DataFrame(
        {
            _("Version"): [p.id for p in practices],
            _("Practice"): [p.practice_id for p in practices],
            _("Title"): [p.title for p in practices],
            _("Countries"): [" ".join(p.countries) for p in practices],
            _("Status"): [p.status for p in practices],
            _("Submitted by"): [p.submitted_by for p in practices],
            _("Submitted"): [moment_text(p.submitted_at) for p in practices],
            _("Reason given"): [p.review_reason or "" for p in practices],
        }
    )


def practice_scores(
    results: pd.DataFrame, rounds: Sequence[RoundInfo], practice: PracticeRecord
) -> pd.DataFrame:
    """The scores of the practice's countries on its dimensions, in each country's latest round."""
    rows = []
    for country in practice.countries:
        taking_part = [r.year for r in rounds if country in r.countries]
        if not taking_part:
            continue
        year = max(taking_part)
        for dimension in practice.dimensions:
            figures = figures_for(results, year, Measure("dimension", dimension))
            match = figures[figures["country"] == country]
            if match.empty:
                continue
            figure = match.iloc[0]
            rows.append(
                {
                    "country": country,
                    "dimension": dimension,
                    "round": year,
                    "score": figure["score"],
                    "rank": figure["rank"],
                    "of": len(figures),
                    "provenance": figure["provenance"],
                    "origin": figure["origin"],
                    "source": figure["source"],
                }
            )
    columns = ["country", "dimension", "round", "score", "rank", "of", "provenance", "origin"]
    return pd.DataFrame(rows, columns=[*columns, "source"])


def scores_shown(scores: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """`practice_scores` with headings, names and where each number comes from."""
    return pd.DataFrame(
        {
            _("Country"): [catalogue.countries.get(c, c) for c in scores["country"]],
            _("Dimension"): [catalogue.dimensions.get(d, d) for d in scores["dimension"]],
            _("Round"): scores["round"],
            _("Score"): scores["score"],
            _("Rank"): [
                "" if pd.isna(rank) else f"{rank} / {of}"
                for rank, of in zip(scores["rank"], scores["of"], strict=True)
            ],
            _("Where it comes from"): scores["origin"],
            _("Source"): scores["source"],
        }
    )


@dataclass(frozen=True)
class Leader:
    """A country that scores better on a dimension, with where its score comes from."""

    country: str
    score: float
    origin: str

    @property
    def text(self) -> str:
        return f"{score_text(self.score)} ({self.origin})"


@dataclass(frozen=True)
class GapLink:
    """One of a country's weakest dimensions, who does better there, and their practices."""

    dimension: str
    score: float
    origin: str
    leaders: list[Leader]
    practices: list[tuple[PracticeRecord, Leader]]


def _leaders(figures: pd.DataFrame) -> list[Leader]:
    scored = figures.dropna(subset=["score"])
    return [
        Leader(str(row.country), float(row.score), str(row.origin))
        for row in scored.itertuples()
    ]


def _practices_of(
    leaders: Sequence[Leader],
    practices: Sequence[PracticeRecord],
    dimensions: Sequence[str],
    *,
    step: str | None = None,
    limit: int = PRACTICES_PER_GAP,
    besides: str | None = None,
) -> list[tuple[PracticeRecord, Leader]]:
    """Practices on these dimensions from the leaders, the best-scoring leader's first; none
    that the country `besides` already runs itself."""
    found: list[tuple[PracticeRecord, Leader]] = []
    for leader in leaders:
        for practice in practices:
            if (
                leader.country in practice.countries
                and besides not in practice.countries
                and set(dimensions) & set(practice.dimensions)
                and (step is None or step in practice.steps)
                and all(practice is not p for p, _leader in found)
            ):
                found.append((practice, leader))
    return found[:limit]


def gap_links(
    results: pd.DataFrame, practices: Sequence[PracticeRecord], round_year: int, country: str
) -> list[GapLink]:
    """For the country's three weakest dimensions: the countries scoring better there, best
    first, and their published practices on that dimension."""
    # Every country's dimensions, described once: the three rankings are made from them.
    dimensions = describe(
        results[(results["round"] == round_year) & (results["level"] == "dimension")]
    )
    _strongest, weakest = strongest_and_weakest(dimensions[dimensions["country"] == country])
    links = []
    for row in weakest.itertuples():
        figures = rank_among(dimensions[dimensions["code"] == row.code])
        mine = figures[figures["country"] == country].iloc[0]
        better = figures[(figures["score"] > mine["score"]) & (figures["country"] != country)]
        leaders = _leaders(better)
        links.append(
            GapLink(
                dimension=str(row.code),
                score=float(mine["score"]),
                origin=str(mine["origin"]),
                leaders=leaders[:LEADERS_SHOWN],
                practices=_practices_of(leaders, practices, [str(row.code)], besides=country),
            )
        )
    return links


def leader_practices(
    leaders: pd.DataFrame,
    practices: Sequence[PracticeRecord],
    dimensions: Sequence[str],
    step: str | None = None,
) -> list[tuple[PracticeRecord, Leader]]:
    """Published practices on these dimensions (and step) from the top-ranked countries."""
    top = _leaders(leaders.sort_values(["rank", "country"]))[:LEADERS_SHOWN]
    return _practices_of(top, practices, dimensions, step=step, limit=2 * LEADERS_SHOWN)
