"""What the explorer pages show, as pure functions over the figures table (no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from niem.methodology import Measure
from niem.results import COMPUTED, PUBLISHED
from niem.store import ILLUSTRATIVE, Catalogue, RoundInfo

# A change smaller than this many points counts as flat between two rounds.
FLAT_THRESHOLD = 2.0
NOT_IN_ROUND = "not in this round"
NO_DATA = "insufficient data"


@dataclass(frozen=True)
class Headline:
    countries: int
    with_score: int
    average: float | None
    highest: tuple[str, float] | None
    lowest: tuple[str, float] | None


def measure_options(catalogue: Catalogue) -> dict[str, str]:
    """Every measure's key and its label, in framework order."""
    options = {"overall": "Overall score"}
    options.update({f"area:{c}": f"Area: {n}" for c, n in catalogue.areas.items()})
    options.update({f"dimension:{c}": f"Dimension: {n}" for c, n in catalogue.dimensions.items()})
    options.update({f"step:{c}": f"Step: {n}" for c, n in catalogue.steps.items()})
    return options


def area_options(catalogue: Catalogue) -> dict[str, str]:
    """The areas and dimensions among the measures, for views of one policy area."""
    return {
        key: label
        for key, label in measure_options(catalogue).items()
        if key.startswith(("dimension:", "area:"))
    }


def indicator_titles(frame: pd.DataFrame, catalogue: Catalogue) -> dict[str, str]:
    """'FAM-L-01 Access to family reunification' for each indicator code in the frame."""
    return {c: f"{c} {catalogue.indicators[c].title}" for c in frame["code"].unique()}


def provenance_label(
    provenance: str, covered: int, total: int, *, shown: float | None = None,
    computed: float | None = None,
) -> str:
    """Where a figure comes from, in words a stakeholder understands.

    A published figure whose indicator data now give a different value says so, so that
    new partner data are never hidden behind an older published number.
    """
    if provenance == PUBLISHED:
        if shown is not None and computed is not None and abs(computed - shown) >= 0.1:
            return f"published; current indicator data give {computed:.1f}"
        return "published"
    if provenance == ILLUSTRATIVE:
        return f"illustrative data, from {covered} of {total} indicators"
    if provenance == COMPUTED:
        return f"computed from {covered} of {total} indicators"
    if provenance.startswith("revision:"):
        return f"partner data, {provenance.replace(':', ' ')}"
    return "no data"


def rank_scores(scores: pd.Series) -> pd.Series:
    """Competition ranks, highest first: equal scores share a rank (1, 2, 2, 4)."""
    return scores.rank(method="min", ascending=False).astype("Int64")


def figures_for(results: pd.DataFrame, round_year: int, measure: Measure) -> pd.DataFrame:
    """One row per participating country for a measure in a round, ranked."""
    mask = (
        (results["round"] == round_year)
        & (results["level"] == measure.level)
        & (results["code"] == measure.code)
    )
    frame = results.loc[mask].copy()
    frame["rank"] = rank_scores(frame["score"])
    frame["origin"] = [
        provenance_label(
            p, c, t, shown=None if pd.isna(v) else v, computed=None if pd.isna(k) else k
        )
        for p, c, t, v, k in zip(
            frame["provenance"], frame["covered"], frame["total"], frame["score"],
            frame["computed"], strict=True,
        )
    ]
    return frame.sort_values(["rank", "country"], na_position="last").reset_index(drop=True)


def headline(figures: pd.DataFrame) -> Headline:
    """Countries, average, highest and lowest of a figures_for table."""
    scored = figures.dropna(subset=["score"])
    if scored.empty:
        return Headline(len(figures), 0, None, None, None)
    top = scored.loc[scored["score"].idxmax()]
    bottom = scored.loc[scored["score"].idxmin()]
    return Headline(
        countries=len(figures),
        with_score=len(scored),
        average=round(float(scored["score"].mean()), 1),
        highest=(str(top["country"]), float(top["score"])),
        lowest=(str(bottom["country"]), float(bottom["score"])),
    )


def map_values(
    figures: pd.DataFrame, round_info: RoundInfo, catalogue: Catalogue
) -> dict[str, dict[str, object]]:
    """Per country code, what the map shows: score, status and the tooltip text."""
    by_country = {row.country: row for row in figures.itertuples()}
    values: dict[str, dict[str, object]] = {}
    for code in round_info.countries:
        row = by_country.get(code)
        name = catalogue.countries.get(code, code)
        if row is None or pd.isna(row.score):
            covered = 0 if row is None else int(row.covered)
            total = 0 if row is None else int(row.total)
            values[code] = {
                "name": name,
                "score": None,
                "status": NO_DATA,
                "tooltip": f"{name}: {NO_DATA} ({covered} of {total} indicators have a value)",
            }
            continue
        values[code] = {
            "name": name,
            "score": float(row.score),
            "status": str(row.provenance),
            "tooltip": (
                f"{name}: {row.score:.1f} (rank {row.rank})\n{row.origin}\n"
                f"coverage: {row.covered} of {row.total} indicators have a value"
            ),
        }
    return values


def comparison_matrix(
    results: pd.DataFrame, round_year: int, countries: list[str], level: str = "dimension"
) -> pd.DataFrame:
    """Scores of one level (rows: codes) by country (columns), for the chosen countries."""
    mask = (
        (results["round"] == round_year)
        & (results["level"] == level)
        & results["country"].isin(countries)
    )
    return results.loc[mask, ["code", "country", "score", "provenance", "covered", "total"]]


def average_of_others(
    results: pd.DataFrame, round_year: int, focus: str, level: str, countries: list[str]
) -> pd.DataFrame:
    """Per code, the mean score of the chosen countries other than the focus country."""
    mask = (
        (results["round"] == round_year)
        & (results["level"] == level)
        & results["country"].isin([c for c in countries if c != focus])
    )
    others = results.loc[mask].groupby("code", sort=False)["score"].mean().round(1)
    return others.rename("average of others").reset_index()


def direction(delta: float | None) -> str:
    """Up, down or flat, by `FLAT_THRESHOLD`."""
    if delta is None or pd.isna(delta):
        return "no comparison"
    if delta >= FLAT_THRESHOLD:
        return "up"
    if delta <= -FLAT_THRESHOLD:
        return "down"
    return "flat"


def round_changes(results: pd.DataFrame, before: int, after: int, measure: Measure) -> pd.DataFrame:
    """Per country in both rounds: the score before and after, the change and its direction."""

    def scores(year: int) -> pd.Series:
        mask = (
            (results["round"] == year)
            & (results["level"] == measure.level)
            & (results["code"] == measure.code)
        )
        return results.loc[mask].set_index("country")["score"]

    then, now = scores(before), scores(after)
    both = sorted(set(then.index) & set(now.index))
    frame = pd.DataFrame(
        {"country": both, "before": then.reindex(both).values, "after": now.reindex(both).values}
    )
    frame["change"] = (frame["after"] - frame["before"]).round(1)
    frame["direction"] = [direction(d) for d in frame["change"]]
    return frame.sort_values("change", ascending=False, na_position="last").reset_index(drop=True)


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
    frame["change"] = frame["after"] - frame["before"]
    frame = frame.dropna(subset=["change"])
    frame = frame[frame["change"] != 0]
    order = frame["change"].abs().sort_values(ascending=False).index
    return frame.loc[order].head(limit).reset_index(drop=True)


def previous_round(rounds: list[RoundInfo], year: int, country: str) -> int | None:
    """The latest earlier round the country took part in."""
    earlier = [r.year for r in rounds if r.year < year and country in r.countries]
    return max(earlier) if earlier else None


def indicator_table(
    results: pd.DataFrame,
    catalogue: Catalogue,
    round_year: int,
    *,
    dimensions: list[str],
    step: str | None = None,
    countries: list[str] | None = None,
) -> pd.DataFrame:
    """Every indicator of the chosen dimensions (and step) per country, with note and source."""
    mask = (
        (results["round"] == round_year)
        & (results["level"] == "indicator")
        & results["dimension"].isin(dimensions)
    )
    if step:
        mask &= results["step"] == step
    if countries is not None:
        mask &= results["country"].isin(countries)
    order = {code: position for position, code in enumerate(catalogue.indicators)}
    frame = (
        results.loc[mask]
        .assign(position=lambda f: f["code"].map(order))
        .sort_values(["position", "country"], kind="stable")
    )
    frame["indicator"] = [catalogue.indicators[c].title for c in frame["code"]]
    frame["scored"] = [catalogue.indicators[c].scored for c in frame["code"]]
    frame["country name"] = [catalogue.countries.get(c, c) for c in frame["country"]]
    frame["step name"] = [catalogue.steps[s] for s in frame["step"]]
    return frame[
        [
            "code",
            "indicator",
            "step name",
            "country",
            "country name",
            "score",
            "note",
            "source",
            "provenance",
            "scored",
        ]
    ].reset_index(drop=True)


def strongest_and_weakest(
    results: pd.DataFrame, round_year: int, country: str, count: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A country's highest and lowest scoring dimensions in a round."""
    mask = (
        (results["round"] == round_year)
        & (results["country"] == country)
        & (results["level"] == "dimension")
    )
    scored = results.loc[mask].dropna(subset=["score"]).sort_values("score", ascending=False)
    return scored.head(count), scored.tail(count).iloc[::-1]


@dataclass(frozen=True)
class CountryProfile:
    """Everything the country profile shows for one country and round."""

    figures: pd.DataFrame
    overall: pd.Series
    steps: pd.DataFrame
    dimensions: pd.DataFrame
    others: pd.DataFrame
    strongest: pd.DataFrame
    weakest: pd.DataFrame
    previous: int | None
    dimension_changes: pd.DataFrame
    overall_change: float | None


def _only(frame: pd.DataFrame, country: str) -> pd.DataFrame:
    return frame[frame["country"] == country]


def _level(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    return frame[frame["level"] == level].reset_index(drop=True)


def country_profile(
    results: pd.DataFrame, rounds: list[RoundInfo], round_year: int, country: str
) -> CountryProfile:
    """A country's overall, steps and dimensions against the others, and change since before."""
    figures = results[(results["round"] == round_year) & (results["country"] == country)]
    participants = list(next(r.countries for r in rounds if r.year == round_year))
    dimensions = _level(figures, "dimension")
    others = average_of_others(results, round_year, country, "dimension", participants)
    strongest, weakest = strongest_and_weakest(results, round_year, country)
    previous = previous_round(rounds, round_year, country)
    changes = pd.DataFrame(columns=["country", "before", "after", "change", "direction"])
    overall_change = None
    if previous is not None:
        by_dimension = [
            _only(
                round_changes(results, previous, round_year, Measure("dimension", code)), country
            ).assign(code=code)
            for code in dimensions["code"]
        ]
        changes = pd.concat(by_dimension, ignore_index=True)
        overall = round_changes(results, previous, round_year, Measure("overall"))
        mine = overall[overall["country"] == country]["change"]
        overall_change = None if mine.empty or pd.isna(mine.iloc[0]) else float(mine.iloc[0])
    return CountryProfile(
        figures=figures,
        overall=_level(figures, "overall").iloc[0],
        steps=_level(figures, "step"),
        dimensions=dimensions,
        others=others,
        strongest=strongest,
        weakest=weakest,
        previous=previous,
        dimension_changes=changes,
        overall_change=overall_change,
    )


@dataclass(frozen=True)
class Comparison:
    """The chosen countries side by side in one round."""

    overall: pd.DataFrame
    reference: float | None
    dimensions: pd.DataFrame
    steps: pd.DataFrame


def compare_countries(
    results: pd.DataFrame, round_year: int, countries: list[str], focus: str
) -> Comparison:
    """Overall ranking with the others' average, and dimension and step matrices."""
    overall = figures_for(results, round_year, Measure("overall"))
    overall = overall[overall["country"].isin(countries)].copy()
    overall["rank"] = rank_scores(overall["score"])
    overall = overall.sort_values(["rank", "country"], na_position="last")
    others = overall.loc[overall["country"] != focus, "score"].dropna()
    reference = round(float(others.mean()), 1) if not others.empty else None
    return Comparison(
        overall=overall.reset_index(drop=True),
        reference=reference,
        dimensions=comparison_matrix(results, round_year, countries, "dimension"),
        steps=comparison_matrix(results, round_year, countries, "step"),
    )


@dataclass(frozen=True)
class PolicyArea:
    """One area or dimension (optionally one step): leaders and every indicator by country."""

    measure: Measure
    leaders: pd.DataFrame
    matrix: pd.DataFrame
    indicators: pd.DataFrame


def policy_area(
    results: pd.DataFrame, catalogue: Catalogue, round_year: int, measure: Measure, step: str = ""
) -> PolicyArea:
    """The ranking on a dimension (or one of its cells) or area, and its indicators."""
    if measure.level == "area":
        dimensions = [d for d, a in catalogue.dimension_area.items() if a == measure.code]
    else:
        dimensions = [measure.code]
    ranked = (
        Measure("cell", f"{measure.code}.{step}")
        if step and measure.level == "dimension"
        else measure
    )
    indicators = indicator_table(
        results, catalogue, round_year, dimensions=dimensions, step=step or None
    )
    indicators = indicators[indicators["scored"]].reset_index(drop=True)
    matrix = indicators.rename(columns={})[["code", "country", "score", "provenance"]]
    return PolicyArea(measure, figures_for(results, round_year, ranked), matrix, indicators)


@dataclass(frozen=True)
class Mover:
    country: str
    change: float
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
                float(row.change),
                change_drivers(results, before, after, row.country, dimension),
            )
            for row in moved.itertuples()
            if row.change != 0
        ],
    )
