"""What an explorer page shows for one round and one choice, built in one go: the described
figures, every table as the page shows and downloads it, and each chart's Vega-Lite spec.

The app keeps each view per data version and language (`niem.ui.data`), so a visitor's page
run only draws what is already built: a room of people opening one link builds it once, and
the next visitor's run costs the drawing alone. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from niem import charts, explorer, tables, trends
from niem.explorer import Comparison, CountryProfile, Measure, PolicyArea
from niem.i18n import _
from niem.store import Catalogue, RoundInfo
from niem.trends import RoundChange

Spec = dict[str, Any]


@dataclass(frozen=True)
class Shown:
    """A table as a page shows and downloads it (headings in the reader's language), and the
    Arrow table it is drawn from, made once with its view."""

    frame: pd.DataFrame
    arrow: pa.Table


def shown(frame: pd.DataFrame) -> Shown:
    """A table with its Arrow form."""
    return Shown(frame, pa.Table.from_pandas(frame, preserve_index=False))


@dataclass(frozen=True)
class Chart:
    """A chart's Vega-Lite spec, and the same spec with each data set as an Arrow IPC stream:
    the form the app draws it from, made once with its view."""

    spec: Spec
    drawn: Spec


def chart_of(built: Any) -> Chart:
    """The spec of an Altair chart, and its drawing form."""
    spec = charts.spec(built)
    datasets = {name: _ipc(records) for name, records in spec.get("datasets", {}).items()}
    return Chart(spec, {**spec, "datasets": datasets} if datasets else spec)


def _ipc(records: list[dict[str, Any]]) -> bytes:
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pylist(records)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


@dataclass(frozen=True)
class RankingView:
    """A ranking: its described figures, its bar chart (None when no country has a figure)
    and its table."""

    figures: pd.DataFrame
    chart: Chart | None
    table: Shown


@dataclass(frozen=True)
class MatrixView:
    """Figures of codes by country: the heat map (None when there is no figure) and the
    table."""

    matrix: pd.DataFrame
    chart: Chart | None
    table: Shown


def ranking_view(
    figures: pd.DataFrame,
    catalogue: Catalogue,
    what: str,
    *,
    focus: str | None = None,
    reference: float | None = None,
    reference_label: str = "",
) -> RankingView:
    """A ranking as the pages show it."""
    chart = None
    if figures["score"].notna().any():
        chart = chart_of(
            charts.ranking_chart(
                figures,
                catalogue.countries,
                what,
                focus=focus,
                reference=reference,
                reference_label=reference_label,
            )
        )
    return RankingView(figures, chart, shown(tables.ranking_table(figures, catalogue)))


def matrix_view(
    matrix: pd.DataFrame,
    row_names: Mapping[str, str],
    catalogue: Catalogue,
    what: str,
    focus: str | None = None,
) -> MatrixView:
    """A heat map of codes by country and its table."""
    chart = None
    if matrix["score"].notna().any():
        chart = chart_of(
            charts.heatmap(matrix, row_names, catalogue.countries, what, focus=focus)
        )
    return MatrixView(matrix, chart, shown(tables.matrix_table(matrix, row_names)))


@dataclass(frozen=True)
class OverviewView:
    """The overview of one round and measure: the ranked figures, the headline numbers, what
    the map shows of each country, and the ranking's table."""

    figures: pd.DataFrame
    headline: explorer.Headline
    map_values: dict[str, dict[str, object]]
    table: Shown


def overview_view(
    figures: pd.DataFrame, round_info: RoundInfo, catalogue: Catalogue, focus: str | None
) -> OverviewView:
    """The overview of ranked figures (as `explorer.figures_for` ranks them)."""
    return OverviewView(
        figures=figures,
        headline=explorer.headline(figures),
        map_values=explorer.map_values(figures, round_info, catalogue, focus),
        table=shown(tables.ranking_table(figures, catalogue)),
    )


@dataclass(frozen=True)
class CompareView:
    """The chosen countries side by side: their ranking, dimensions and steps."""

    comparison: Comparison
    ranking: RankingView
    dimensions: MatrixView
    steps: MatrixView


def reference_label() -> str:
    """What the dashed line of the comparison's ranking marks."""
    return _("the average of the other chosen countries")


def compare_view(
    results: pd.DataFrame,
    catalogue: Catalogue,
    round_year: int,
    countries: list[str],
    focus: str | None,
) -> CompareView:
    """The comparison of the chosen countries in a round, with its charts and tables."""
    comparison = explorer.compare_countries(results, round_year, countries, focus)
    reference = comparison.reference
    return CompareView(
        comparison=comparison,
        ranking=ranking_view(
            comparison.overall,
            catalogue,
            _("the overall score of the chosen countries"),
            focus=focus,
            reference=reference.value if reference else None,
            reference_label=reference_label(),
        ),
        dimensions=matrix_view(
            comparison.dimensions, catalogue.dimensions, catalogue, _("dimension scores"), focus
        ),
        steps=matrix_view(
            comparison.steps, catalogue.steps, catalogue, _("step scores"), focus
        ),
    )


@dataclass(frozen=True)
class PolicyView:
    """One policy area: its leaders, the indicators by country and every indicator."""

    area: PolicyArea
    what: str
    leaders: RankingView
    matrix: MatrixView | None  # None when the area has no indicator score in the round
    indicator_table: Shown
    score_choices: dict[str, str]  # the scores the "Is this right?" form offers


def policy_view(
    results: pd.DataFrame,
    catalogue: Catalogue,
    round_year: int,
    measure: Measure,
    what: str,
    step: str = "",
    focus: str | None = None,
) -> PolicyView:
    """A policy area (optionally one step) in a round, with its charts and tables."""
    area = explorer.policy_area(results, catalogue, round_year, measure, step, focus)
    matrix = None
    if not area.matrix.empty:
        titles = explorer.indicator_titles(area.matrix, catalogue)
        matrix = matrix_view(area.matrix, titles, catalogue, _("indicator scores"), focus)
    return PolicyView(
        area=area,
        what=what,
        leaders=ranking_view(area.leaders, catalogue, what, focus=focus),
        matrix=matrix,
        indicator_table=shown(tables.indicators_shown(area.indicators)),
        score_choices=tables.score_choices(area.indicators, with_country=True, focus=focus),
    )


@dataclass(frozen=True)
class RoundsView:
    """What changed on one measure between two rounds: the slope chart and its table."""

    change: RoundChange
    chart: Chart | None  # None when no country has a figure in both rounds
    table: Shown


def rounds_view(
    results: pd.DataFrame,
    rounds: list[RoundInfo],
    catalogue: Catalogue,
    before: int,
    after: int,
    measure: Measure,
    what: str,
    focus: str | None,
) -> RoundsView:
    """The change between two rounds, with its chart and table."""
    change = trends.compare_rounds(results, rounds, before, after, measure)
    chart = None
    if change.changes["change"].notna().any():
        chart = chart_of(
            charts.slope_chart(change.changes, catalogue.countries, before, after, what, focus)
        )
    return RoundsView(change, chart, shown(tables.change_table(change.changes, catalogue)))


@dataclass(frozen=True)
class ProfileView:
    """A country's profile with its charts and tables."""

    profile: CountryProfile
    trend_chart: Chart | None  # None with a figure in fewer than two rounds
    trend_table: Shown
    dimensions_chart: Chart | None  # None when no dimension has a figure
    dimensions_table: Shown
    indicators: pd.DataFrame  # described, as `explorer.indicator_table` gives them
    indicator_table: Shown
    score_choices: dict[str, str]  # the scores the "Is this right?" form offers
    indicator_values: dict[str, float | None]  # the country's values, for the what-if


def profile_view(
    profile: CountryProfile, indicators: pd.DataFrame, catalogue: Catalogue, name: str
) -> ProfileView:
    """The charts and tables of a country's profile and of its indicators."""
    trend_chart = None
    if profile.trend["score"].notna().sum() > 1:
        trend_chart = chart_of(charts.trend_chart(profile.trend, name))
    dimensions_chart = None
    if not profile.dimensions["score"].isna().all():
        dimensions_chart = chart_of(
            charts.profile_chart(profile.dimensions, profile.others, catalogue.dimensions, name)
        )
    return ProfileView(
        profile=profile,
        trend_chart=trend_chart,
        trend_table=shown(tables.trend_table(profile.trend)),
        dimensions_chart=dimensions_chart,
        dimensions_table=shown(tables.profile_table(profile, catalogue)),
        indicators=indicators,
        indicator_table=shown(tables.indicators_shown(indicators)),
        score_choices=tables.score_choices(indicators, with_country=False),
        indicator_values={
            code: None if pd.isna(score) else float(score)
            for code, score in zip(indicators["code"], indicators["score"], strict=True)
        },
    )
