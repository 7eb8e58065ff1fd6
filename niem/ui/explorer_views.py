"""Drawing the explorer: headline numbers, rankings, matrices, changes and the method."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from niem import charts, store, tables
from niem.explorer import CountryProfile, Headline, RoundChange, provenance_label
from niem.models import PublishedFigure
from niem.store import Catalogue, RoundInfo
from niem.ui.downloads import st_download, st_table
from niem.wording import names_text, score_text

ILLUSTRATIVE_BANNER = (
    "Illustrative data: indicator-level and dimension scores here are generated for "
    "demonstration, not expert scores. Figures marked **published** are real NIEM results "
    "with their sources."
)
PRINT_STYLES = """
<style>
@media print {
  header, [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stBaseButton-secondary"], [data-testid="stDownloadButton"],
  [data-testid="stSelectbox"], [data-testid="stExpander"], [data-testid="stDataFrame"],
  [class*="st-key-screen-only"] { display: none !important; }
  @page { size: A4; margin: 10mm; }
  .block-container { padding-top: 0 !important; zoom: 0.7; }
  h1 { font-size: 26pt !important; }
}
</style>
"""
ONE_DECIMAL = st.column_config.NumberColumn(format="%.1f")
SOURCE_LINK = st.column_config.LinkColumn(display_text="source ↗")


def st_illustrative_notice(frame: pd.DataFrame) -> None:
    """A visible label whenever any figure shown is illustrative."""
    if (frame["provenance"] == store.ILLUSTRATIVE).any():
        st.caption(f"⚠️ {ILLUSTRATIVE_BANNER}")


def st_headline(summary: Headline, catalogue: Catalogue) -> None:
    """Countries, average, highest and lowest, large."""
    count, average, highest, lowest = st.columns(4)
    count.metric(
        "Countries",
        f"{summary.with_score} of {summary.countries}",
        help="Countries with a score / countries in this round",
    )
    average.metric("Average", "n/a" if summary.average is None else f"{summary.average:.1f}")
    for column, label, pick in (
        (highest, "Highest", summary.highest),
        (lowest, "Lowest", summary.lowest),
    ):
        if pick is None:
            column.metric(label, "n/a")
        else:
            column.metric(
                label,
                f"{pick[1]:.1f}",
                catalogue.countries.get(pick[0], pick[0]),
                delta_color="off",
                delta_arrow="off",
            )


def st_figures_table(figures: pd.DataFrame, catalogue: Catalogue, key: str) -> None:
    """A ranking table (the accessible alternative to a chart) with its CSV download."""
    table = tables.ranking_table(figures, catalogue)
    st_table(
        table,
        key,
        column_config={"Score": ONE_DECIMAL, "Source": SOURCE_LINK},
        height=min(38 * (len(table) + 1) + 4, 640),
    )


def st_print_styles() -> None:
    """A fixed print stylesheet (no data inside): printing gives a one-page summary.

    Wrap what only belongs on screen in `st.container(key="screen-only-...")`.
    """
    st.markdown(PRINT_STYLES, unsafe_allow_html=True)


def st_origin(row: pd.Series) -> None:
    """One line under a figure saying where it comes from, with the source link if published."""
    if row["provenance"] == "published":
        st.caption(f"Published figure · [source]({row['source']})")
    else:
        st.caption(provenance_label(str(row["provenance"]), int(row["covered"]), int(row["total"])))


def st_profile_headline(profile: CountryProfile, catalogue: Catalogue) -> None:
    """The overall score, its change and the three steps, large."""
    columns = st.columns(4)
    with columns[0]:
        change = profile.overall_change
        st.metric(
            "Overall",
            score_text(profile.overall["score"]),
            None if change is None else f"{change:+.1f} since {profile.previous}",
        )
        st_origin(profile.overall)
    for column, (_, step) in zip(columns[1:], profile.steps.iterrows(), strict=False):
        with column:
            st.metric(catalogue.steps.get(step["code"], step["code"]), score_text(step["score"]))
            st_origin(step)


def st_dimension_list(dimensions: pd.DataFrame, catalogue: Catalogue) -> None:
    """A short list of dimensions with their scores."""
    if dimensions.empty:
        st.write("No dimension has enough data.")
        return
    for row in dimensions.itertuples():
        st.markdown(f"**{row.score:.1f}** · {catalogue.dimensions.get(row.code, row.code)}")


def st_profile_table(profile: CountryProfile, catalogue: Catalogue, key: str) -> None:
    """The dimension chart's table alternative, with the change since the previous round."""
    st_table(
        tables.profile_table(profile, catalogue),
        key,
        column_config={"Score": ONE_DECIMAL, "Average of others": ONE_DECIMAL},
    )


def st_indicator_table(indicators: pd.DataFrame, key: str) -> None:
    """Indicators with score, the expert's note and the source; sortable; with CSV download."""
    st_table(
        tables.indicators_shown(indicators),
        key,
        column_config={"Score": st.column_config.NumberColumn(format="%.0f")},
    )


def st_matrix(
    matrix: pd.DataFrame, row_names: dict[str, str], catalogue: Catalogue, key: str
) -> None:
    """A heatmap of codes by country with its table alternative and CSV download."""
    if matrix["score"].notna().any():
        st.altair_chart(charts.heatmap(matrix, row_names, catalogue.countries), width="stretch")
    else:
        st.info("No scores at this level for these countries in this round.")
    with st.expander("Table and download"):
        st_table(tables.matrix_table(matrix, row_names), key)


def st_change_table(changes: pd.DataFrame, catalogue: Catalogue, key: str) -> None:
    """The slope chart's table alternative: before, after, change and an arrow."""
    st_table(
        tables.change_table(changes, catalogue),
        key,
        column_config={c: ONE_DECIMAL for c in ("Before", "After", "Change")},
    )


def st_joined_and_left(change: RoundChange, before: int, after: int, catalogue: Catalogue) -> None:
    """Which countries joined or left between the two rounds, so no one looks for them."""
    if change.joined:
        joined = names_text(catalogue.countries, change.joined)
        st.info(f"Joined in {after}: {joined} (no earlier score to compare).")
    if change.left:
        left = names_text(catalogue.countries, change.left)
        st.info(f"Took part in {before} but not in {after}: {left}.")


def st_movers(change: RoundChange, catalogue: Catalogue) -> None:
    """The biggest movers, each with the indicators that changed most."""
    if not change.movers:
        st.write("No country's score moved.")
        return
    for column, mover in zip(st.columns(len(change.movers)), change.movers, strict=True):
        with column:
            st.metric(
                catalogue.countries.get(mover.country, mover.country),
                f"{mover.change:+.1f}",
            )
            if mover.drivers.empty:
                st.caption("No indicator-level data to explain the change.")
                continue
            whole = st.column_config.NumberColumn(width="small", format="%.0f")
            st.dataframe(
                tables.drivers_table(mover.drivers, catalogue),
                hide_index=True,
                key=f"movers_{mover.country}",
                column_config={
                    "Indicator": st.column_config.TextColumn(width="medium"),
                    **{c: whole for c in ("Before", "After", "Change")},
                },
            )


def st_published_figures(
    figures: Sequence[PublishedFigure], catalogue: Catalogue, key: str
) -> None:
    """Every published figure with its source link."""
    table = tables.published_table(figures, catalogue)
    st.write(
        f"{len(table)} figures are real published NIEM results, each with its source. "
        "Everything else in this app is computed from indicator scores, and those are "
        "illustrative until partners upload expert data."
    )
    st_table(table, key, column_config={"Source": SOURCE_LINK, "Score": ONE_DECIMAL})


def st_rounds(rounds: list[RoundInfo], catalogue: Catalogue) -> None:
    """The rounds and who took part."""
    st_table(tables.rounds_table(rounds, catalogue), "rounds", download=None)


def st_framework(catalogue: Catalogue, key: str) -> None:
    """Areas, dimensions, steps and the indicators with their descriptions."""
    st.subheader("Areas and dimensions")
    st.dataframe(tables.dimensions_table(catalogue), hide_index=True, key=f"{key}_dimensions")
    st.subheader("Steps of the policy cycle")
    st.dataframe(tables.steps_table(catalogue), hide_index=True, key=f"{key}_steps")
    indicators = list(catalogue.indicators.values())
    scored = sum(1 for i in indicators if i.scored)
    st.subheader(f"Indicators: {scored} scored, {len(indicators) - scored} statistical")
    st.caption(
        "This indicator set is illustrative: the official NIEM indicator list is not public. "
        "Titles and descriptions show the kind of evidence each dimension and step collects."
    )
    table = tables.framework_indicators_table(catalogue)
    st.dataframe(table, hide_index=True, key=f"{key}_indicators")
    st_download(table, "indicators.csv", key=f"{key}_download")
