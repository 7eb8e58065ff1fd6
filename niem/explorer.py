"""What the explorer pages show for a round, as pure functions over the figures table.

Every row comes described (`niem.figures`): the figure as text, where it comes from and, in
rankings, the rank and where the rank comes from. Changes between rounds are in
`niem.trends`. The PDF reports call the same functions, so they show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from niem.facts import Fact, rank_statements
from niem.figures import Stat, average, average_of, derived, describe, rank_among
from niem.i18n import _
from niem.methodology import Measure
from niem.provenance import Provenance
from niem.store import Catalogue, RoundInfo
from niem.trends import country_changes, previous_round, trend
from niem.wording import empty_text

__all__ = ["Measure", "Stat"]


@dataclass(frozen=True)
class Headline:
    """The numbers above the map: how many countries, the average, highest and lowest."""

    countries: int
    with_score: int
    average: Stat | None
    highest: Stat | None
    lowest: Stat | None


def measure_options(catalogue: Catalogue) -> dict[str, str]:
    """Every measure's key and its label, in framework order."""
    options = {"overall": _("Overall score")}
    for level, names, label in (
        ("area", catalogue.areas, _("Area: {name}")),
        ("dimension", catalogue.dimensions, _("Dimension: {name}")),
        ("step", catalogue.steps, _("Step: {name}")),
    ):
        options.update({f"{level}:{code}": label.format(name=n) for code, n in names.items()})
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


def _rows(results: pd.DataFrame, round_year: int, measure: Measure) -> pd.DataFrame:
    mask = (
        (results["round"] == round_year)
        & (results["level"] == measure.level)
        & (results["code"] == measure.code)
    )
    return results.loc[mask]


def figures_for(
    results: pd.DataFrame, round_year: int, measure: Measure, facts: Sequence[Fact] = ()
) -> pd.DataFrame:
    """One described row per participating country for a measure in a round, ranked; a rank
    a published fact states is shown as published, with its source."""
    statements = rank_statements(facts, round_year, measure)
    return rank_among(describe(_rows(results, round_year, measure)), statements)


def headline(figures: pd.DataFrame) -> Headline:
    """Countries, average, highest and lowest of a ranked `figures_for` table; each derived
    number carries the provenance of the weakest figure (or rank) it rests on."""
    scored = figures.dropna(subset=["score"])
    if scored.empty:
        return Headline(len(figures), 0, None, None, None)
    top, bottom = scored.iloc[0], scored.iloc[-1]
    return Headline(
        countries=len(figures),
        with_score=len(scored),
        average=average(scored),
        highest=derived(float(top["score"]), [top["origin_of"], top["rank_of"]], top["country"]),
        lowest=derived(
            float(bottom["score"]), [bottom["origin_of"], bottom["rank_of"]], bottom["country"]
        ),
    )


def map_values(
    figures: pd.DataFrame, round_info: RoundInfo, catalogue: Catalogue, focus: str | None = None
) -> dict[str, dict[str, object]]:
    """Per participating country, what the map draws and its tooltip says."""
    by_country = {row["country"]: row for row in figures.to_dict("records")}
    values: dict[str, dict[str, object]] = {}
    for code in round_info.countries:
        row = by_country.get(code)
        values[code] = {
            "name": catalogue.countries.get(code, code),
            "score": None,
            "shown": empty_text(0, 0),
            "origin": "",
            "rank": "",
            "coverage": "",
            "illustrative": False,
            "focus": code == focus,
        }
        if row is None:
            continue
        values[code]["shown"] = row["shown"]
        values[code]["coverage"] = _("{covered} of {total} indicators have a value").format(
            covered=int(row["covered"]), total=int(row["total"])
        )
        if pd.notna(row["score"]):
            values[code].update(
                score=float(row["score"]),
                origin=row["origin"],
                rank=f"{row['rank_text']} ({row['rank_origin']})",
                illustrative=row["origin_of"].illustrative,
            )
    return values


def comparison_matrix(
    results: pd.DataFrame, round_year: int, countries: list[str], level: str = "dimension"
) -> pd.DataFrame:
    """Described figures of one level (rows: codes) by country, for the chosen countries."""
    mask = (
        (results["round"] == round_year)
        & (results["level"] == level)
        & results["country"].isin(countries)
    )
    return describe(results.loc[mask])


def average_of_others(
    results: pd.DataFrame, round_year: int, focus: str, level: str, countries: list[str]
) -> pd.DataFrame:
    """Per code, the mean figure of the countries other than the focus one, with the
    provenance of the weakest figure in it."""
    others = comparison_matrix(results, round_year, [c for c in countries if c != focus], level)
    by_code: dict[str, tuple[list[float], list[Provenance | None]]] = {}
    for code, score, origin in zip(
        others["code"].tolist(), others["score"].tolist(), others["origin_of"].tolist(),
        strict=True,
    ):
        scores, origins = by_code.setdefault(code, ([], []))
        scores.append(score)
        origins.append(origin)
    rows = []
    for code, (scores, origins) in by_code.items():
        mean = average_of(scores, origins)
        rows.append(
            {
                "code": code,
                "average of others": mean.value if mean else None,
                "others origin": mean.provenance.words if mean else "",
            }
        )
    return pd.DataFrame(rows, columns=["code", "average of others", "others origin"])


def indicator_values(results: pd.DataFrame, round_year: int) -> dict[str, dict[str, float | None]]:
    """Every country's current indicator values in the round, as the figures table has them."""
    rows = results[(results["round"] == round_year) & (results["level"] == "indicator")]
    values: dict[str, dict[str, float | None]] = {}
    for country, code, score in zip(rows["country"], rows["code"], rows["score"], strict=True):
        values.setdefault(country, {})[code] = None if pd.isna(score) else float(score)
    return values


def indicator_table(
    results: pd.DataFrame,
    catalogue: Catalogue,
    round_year: int,
    *,
    dimensions: list[str],
    step: str | None = None,
    countries: list[str] | None = None,
) -> pd.DataFrame:
    """Every indicator of the chosen dimensions (and step) per country, described, with the
    expert's note and source."""
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
    frame = describe(
        results.loc[mask]
        .assign(position=lambda f: f["code"].map(order))
        .sort_values(["position", "country"], kind="stable")
    )
    frame["indicator"] = [catalogue.indicators[c].title for c in frame["code"]]
    frame["scored"] = [catalogue.indicators[c].scored for c in frame["code"]]
    frame["country name"] = [catalogue.countries.get(c, c) for c in frame["country"]]
    frame["step name"] = [catalogue.steps[s] for s in frame["step"]]
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class CountryProfile:
    """Everything the country profile shows for one country and round."""

    country: str
    figures: pd.DataFrame
    overall: pd.Series
    steps: pd.DataFrame
    dimensions: pd.DataFrame
    others: pd.DataFrame
    strongest: pd.DataFrame
    weakest: pd.DataFrame
    previous: int | None
    dimension_changes: pd.DataFrame
    overall_change: Stat | None
    trend: pd.DataFrame


def _level(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    return frame[frame["level"] == level].reset_index(drop=True)


def country_profile(
    results: pd.DataFrame,
    rounds: list[RoundInfo],
    round_year: int,
    country: str,
    facts: Sequence[Fact] = (),
    *,
    history: pd.DataFrame | None = None,
) -> CountryProfile:
    """A country's overall (with its rank), steps and dimensions against the others, the
    change since its previous round and its overall figure in every round. `history` holds
    the figures of the other rounds (their aggregates are enough); by default, `results`."""
    history = results if history is None else history
    # Every round's figures are narrowed once: the country's, and everyone's overall.
    mine_history = history[history["country"] == country]
    overall_history = history[history["level"] == "overall"]
    mine = (results["round"] == round_year) & (results["country"] == country)
    figures = describe(results[mine])
    participants = list(next(r.countries for r in rounds if r.year == round_year))
    ranking = figures_for(results, round_year, Measure("overall"), facts)
    dimensions = _level(figures, "dimension")
    others = average_of_others(results, round_year, country, "dimension", participants)
    strongest, weakest = strongest_and_weakest(dimensions)
    previous = previous_round(rounds, round_year, country)
    changes = pd.DataFrame(columns=["code", "change", "direction", "origin"])
    overall_change = None
    if previous is not None:
        changes = country_changes(mine_history, previous, round_year, country, "dimension")
        mine = country_changes(mine_history, previous, round_year, country, "overall")
        if not mine.empty and pd.notna(mine["change"].iloc[0]):
            overall_change = Stat(float(mine["change"].iloc[0]), mine["origin_of"].iloc[0])
    return CountryProfile(
        country=country,
        figures=figures,
        overall=ranking[ranking["country"] == country].iloc[0],
        steps=_level(figures, "step"),
        dimensions=dimensions,
        others=others,
        strongest=strongest,
        weakest=weakest,
        previous=previous,
        dimension_changes=changes,
        overall_change=overall_change,
        trend=trend(overall_history, rounds, country, Measure("overall")),
    )


def strongest_and_weakest(
    dimensions: pd.DataFrame, count: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A country's highest and lowest scoring dimensions (its dimension figures of a round)."""
    scored = dimensions.dropna(subset=["score"]).sort_values("score", ascending=False)
    return scored.head(count), scored.tail(count).iloc[::-1]


@dataclass(frozen=True)
class Comparison:
    """The chosen countries side by side in one round."""

    overall: pd.DataFrame
    reference: Stat | None
    dimensions: pd.DataFrame
    steps: pd.DataFrame


def compare_countries(
    results: pd.DataFrame, round_year: int, countries: list[str], focus: str | None
) -> Comparison:
    """The chosen countries ranked among themselves with the average of the others, and
    their dimension and step figures."""
    chosen = _rows(results, round_year, Measure("overall"))
    overall = rank_among(describe(chosen[chosen["country"].isin(countries)]))
    others = overall[overall["country"] != focus] if focus else overall
    return Comparison(
        overall=overall,
        reference=average(others),
        dimensions=comparison_matrix(results, round_year, countries, "dimension"),
        steps=comparison_matrix(results, round_year, countries, "step"),
    )


@dataclass(frozen=True)
class Standing:
    """Where one country stands on a policy area: its figure, rank and gap to the best."""

    country: str
    row: pd.Series
    best: pd.Series
    gap: Stat | None


@dataclass(frozen=True)
class PolicyArea:
    """One area or dimension (optionally one step): leaders and every indicator by country."""

    measure: Measure
    leaders: pd.DataFrame
    matrix: pd.DataFrame
    indicators: pd.DataFrame
    standing: Standing | None


def policy_area(
    results: pd.DataFrame,
    catalogue: Catalogue,
    round_year: int,
    measure: Measure,
    step: str = "",
    focus: str | None = None,
) -> PolicyArea:
    """The ranking on a dimension (or one of its cells) or area, its indicators, and where
    the focus country stands against the best."""
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
    leaders = figures_for(results, round_year, ranked)
    return PolicyArea(measure, leaders, indicators, indicators, standing(leaders, focus))


def standing(leaders: pd.DataFrame, focus: str | None) -> Standing | None:
    """The focus country's row of a ranking, the leader's, and the gap between them."""
    mine = leaders[leaders["country"] == focus]
    if focus is None or mine.empty:
        return None
    row, best = mine.iloc[0], leaders.iloc[0]
    gap = None
    if pd.notna(row["score"]) and pd.notna(best["score"]):
        gap = derived(
            float(best["score"]) - float(row["score"]), [row["origin_of"], best["origin_of"]], focus
        )
    return Standing(focus, row, best, gap)
