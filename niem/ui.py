"""The one Streamlit adapter: cached engine and queries, URL state and shared drawing helpers."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from niem import charts, exporting, store
from niem.config import load_settings
from niem.database import make_engine as _make_engine
from niem.database import open_session
from niem.explorer import CountryProfile, Headline, RoundChange, provenance_label
from niem.results import load_results
from niem.store import Catalogue, RoundInfo

T = TypeVar("T")

ILLUSTRATIVE_BANNER = (
    "Illustrative data: indicator-level and dimension scores here are generated for "
    "demonstration, not expert scores. Figures marked **published** are real NIEM results "
    "with their sources."
)


@st.cache_resource
def engine() -> Engine:
    """The app's one engine (sessions are short and never cached)."""
    return _make_engine(load_settings().database_url)


def data_version() -> tuple[int, int, str]:
    """The store's fingerprint; caches keyed on it refresh when published data change."""
    with open_session(engine()) as session:
        return store.data_version(session)


@st.cache_data(show_spinner=False)
def _results(version: tuple[int, int, str]) -> pd.DataFrame:
    with open_session(engine()) as session:
        return load_results(session)


@st.cache_data(show_spinner=False)
def _catalogue(version: tuple[int, int, str]) -> Catalogue:
    with open_session(engine()) as session:
        return store.load_catalogue(session)


@st.cache_data(show_spinner=False)
def _rounds(version: tuple[int, int, str]) -> list[RoundInfo]:
    with open_session(engine()) as session:
        return store.load_rounds(session)


def results() -> pd.DataFrame:
    """The figures table, cached per data version."""
    return _results(data_version())


def catalogue() -> Catalogue:
    """Names of everything, cached per data version."""
    return _catalogue(data_version())


def rounds() -> list[RoundInfo]:
    """The rounds, cached per data version."""
    return _rounds(data_version())


def clear_caches() -> None:
    """Drop every cached query after a write, so all pages show the new values."""
    st.cache_data.clear()


def require_database() -> None:
    """Stop the page with a message when the database has not been built yet."""
    if not inspect(engine()).has_table("indicator") or not rounds():
        st.info("The database is empty. Build it with `niem init` (or `make run`), then reload.")
        st.stop()


def url_choice(key: str, options: Sequence[T], default: T, label: str) -> T:
    """The URL's value for `key` if it is one of the options, else the default with a notice."""
    raw = st.query_params.get(key)
    if raw is None:
        return default
    for option in options:
        if str(option) == raw:
            return option
    st.warning(f"The link asked for {label} “{raw}”, which does not exist here; showing {default}.")
    return default


def url_choices(key: str, options: Sequence[str], default: Sequence[str], label: str) -> list[str]:
    """Several values from a comma-separated URL parameter, dropping unknown ones with a notice."""
    raw = st.query_params.get(key)
    if not raw:
        return list(default)
    wanted = [v for v in raw.split(",") if v]
    unknown = [v for v in wanted if v not in options]
    if unknown:
        st.warning(f"The link named unknown {label}: {', '.join(unknown)}; they are left out.")
    chosen = [v for v in wanted if v in options]
    return chosen or list(default)


def keep_in_url(**values: object) -> None:
    """Write the view's state into the URL so a copied link reopens the same view."""
    for key, value in values.items():
        if value is None or value == "" or value == []:
            if key in st.query_params:
                del st.query_params[key]
            continue
        text = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def st_download(frame: pd.DataFrame, file_name: str, key: str, label: str = "Download CSV") -> None:
    """A CSV download of exactly the table shown."""
    st.download_button(
        label,
        exporting.to_csv_bytes(frame, for_excel=True),
        file_name=file_name,
        mime="text/csv",
        key=key,
    )


def st_illustrative_notice(frame: pd.DataFrame) -> None:
    """A visible label whenever any figure shown is illustrative."""
    if (frame["provenance"] == store.ILLUSTRATIVE).any():
        st.caption(f"⚠️ {ILLUSTRATIVE_BANNER}")


def country_label(catalogue_: Catalogue, code: str) -> str:
    """'Latvia (LV)'."""
    return f"{catalogue_.countries.get(code, code)} ({code})"


def st_headline(summary: Headline, catalogue_: Catalogue) -> None:
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
                catalogue_.countries.get(pick[0], pick[0]),
                delta_color="off",
                delta_arrow="off",
            )


def ranking_table(figures: pd.DataFrame, catalogue_: Catalogue) -> pd.DataFrame:
    """The ranking as shown: rank, country, score, coverage, origin and source link."""
    return pd.DataFrame(
        {
            "Rank": figures["rank"],
            "Country": [catalogue_.countries.get(c, c) for c in figures["country"]],
            "Code": figures["country"],
            "Score": figures["score"],
            "Coverage": [
                f"{c} of {t}" for c, t in zip(figures["covered"], figures["total"], strict=True)
            ],
            "Where it comes from": [o.split(": http")[0] for o in figures["origin"]],
            "Source": figures["source"],
        }
    )


def st_figures_table(figures: pd.DataFrame, catalogue_: Catalogue, key: str) -> None:
    """A ranking table (the accessible alternative to a chart) with its CSV download."""
    table = ranking_table(figures, catalogue_)
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Score": st.column_config.NumberColumn(format="%.1f"),
            "Source": st.column_config.LinkColumn(display_text="source ↗"),
        },
        height=min(38 * (len(table) + 1) + 4, 640),
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


PRINT_STYLES = """
<style>
@media print {
  header, [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stBaseButton-secondary"], [data-testid="stDownloadButton"],
  [data-testid="stSelectbox"], [data-testid="stExpander"] { display: none !important; }
  .block-container { padding-top: 0 !important; }
  h1 { font-size: 26pt !important; }
}
</style>
"""


def st_print_styles() -> None:
    """A fixed print stylesheet: the browser's print gives a clean summary (no data inside)."""
    st.markdown(PRINT_STYLES, unsafe_allow_html=True)


def score_text(score: object) -> str:
    """A score to one decimal, or 'insufficient data'."""
    return "insufficient data" if score is None or pd.isna(score) else f"{float(score):.1f}"  # type: ignore[arg-type]


def st_origin(row: pd.Series) -> None:
    """One line under a figure saying where it comes from, with the source link if published."""
    if row["provenance"] == "published":
        st.caption(f"Published figure · [source]({row['source']})")
    else:
        st.caption(provenance_label(str(row["provenance"]), int(row["covered"]), int(row["total"])))


def st_profile_headline(profile: CountryProfile, catalogue_: Catalogue) -> None:
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
            st.metric(catalogue_.steps.get(step["code"], step["code"]), score_text(step["score"]))
            st_origin(step)


def st_dimension_list(dimensions: pd.DataFrame, catalogue_: Catalogue) -> None:
    """A short list of dimensions with their scores."""
    if dimensions.empty:
        st.write("No dimension has enough data.")
        return
    for row in dimensions.itertuples():
        st.markdown(f"**{row.score:.1f}** · {catalogue_.dimensions.get(row.code, row.code)}")


def st_profile_table(profile: CountryProfile, catalogue_: Catalogue, key: str) -> None:
    """The dimension chart's table alternative, with the change since the previous round."""
    table = pd.DataFrame(
        {
            "Dimension": [catalogue_.dimensions.get(c, c) for c in profile.dimensions["code"]],
            "Score": profile.dimensions["score"],
            "Average of others": profile.dimensions["code"].map(
                profile.others.set_index("code")["average of others"]
            ),
            "Coverage": [
                f"{c} of {t}"
                for c, t in zip(
                    profile.dimensions["covered"], profile.dimensions["total"], strict=True
                )
            ],
            "Where it comes from": [
                provenance_label(p, c, t)
                for p, c, t in zip(
                    profile.dimensions["provenance"],
                    profile.dimensions["covered"],
                    profile.dimensions["total"],
                    strict=True,
                )
            ],
        }
    )
    if profile.previous is not None and not profile.dimension_changes.empty:
        changes = profile.dimension_changes.set_index("code")
        table[f"Change since {profile.previous}"] = profile.dimensions["code"].map(
            changes["change"]
        )
        table["Direction"] = profile.dimensions["code"].map(changes["direction"]).map(ARROWS)
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Score": st.column_config.NumberColumn(format="%.1f"),
            "Average of others": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


ARROWS = {"up": "▲ up", "down": "▼ down", "flat": "▶ flat", "no comparison": "–"}


def st_indicator_table(table: pd.DataFrame, key: str) -> None:
    """Indicators with score, the expert's note and the source; sortable; with CSV download."""
    shown = table.rename(
        columns={
            "code": "Code",
            "indicator": "Indicator",
            "step name": "Step",
            "country name": "Country",
            "score": "Score",
            "note": "Note",
            "source": "Source",
            "provenance": "Provenance",
        }
    ).drop(columns=["country", "scored"])
    st.dataframe(
        shown,
        hide_index=True,
        key=f"{key}_table",
        column_config={"Score": st.column_config.NumberColumn(format="%.0f")},
    )
    st_download(shown, f"{key}.csv", key=f"{key}_download")


def st_matrix(
    matrix: pd.DataFrame, row_names: dict[str, str], catalogue_: Catalogue, key: str
) -> None:
    """A heatmap of codes by country with its table alternative and CSV download."""
    if matrix["score"].notna().any():
        st.altair_chart(charts.heatmap(matrix, row_names, catalogue_.countries), width="stretch")
    else:
        st.info("No scores at this level for these countries in this round.")
    wide = matrix.pivot_table(index="code", columns="country", values="score", sort=False)
    wide.index = [row_names.get(c, c) for c in wide.index]
    table = wide.reset_index(names="")
    with st.expander("Table and download"):
        st.dataframe(table, hide_index=True, key=f"{key}_table")
        st_download(table, f"{key}.csv", key=f"{key}_download")


def st_change_table(changes: pd.DataFrame, catalogue_: Catalogue, key: str) -> None:
    """The slope chart's table alternative: before, after, change and an arrow."""
    table = pd.DataFrame(
        {
            "Country": [catalogue_.countries.get(c, c) for c in changes["country"]],
            "Before": changes["before"],
            "After": changes["after"],
            "Change": changes["change"],
            "Direction": changes["direction"].map(ARROWS),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            c: st.column_config.NumberColumn(format="%.1f") for c in ("Before", "After", "Change")
        },
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


def st_movers(change: RoundChange, catalogue_: Catalogue) -> None:
    """The biggest movers, each with the indicators that changed most."""
    if not change.movers:
        st.write("No country's score moved.")
        return
    for column, mover in zip(st.columns(len(change.movers)), change.movers, strict=True):
        with column:
            st.metric(
                catalogue_.countries.get(mover.country, mover.country),
                f"{mover.change:+.1f}",
            )
            if mover.drivers.empty:
                st.caption("No indicator-level data to explain the change.")
                continue
            drivers = pd.DataFrame(
                {
                    "Indicator": [catalogue_.indicators[c].title for c in mover.drivers["code"]],
                    "Before": mover.drivers["before"],
                    "After": mover.drivers["after"],
                    "Change": mover.drivers["change"],
                }
            )
            st.dataframe(
                drivers,
                hide_index=True,
                key=f"movers_{mover.country}",
                column_config={
                    "Indicator": st.column_config.TextColumn(width="medium"),
                    **{
                        c: st.column_config.NumberColumn(width="small", format="%.0f")
                        for c in ("Before", "After", "Change")
                    },
                },
            )


@st.cache_data(show_spinner=False)
def _published(version: tuple[int, int, str]) -> pd.DataFrame:
    with open_session(engine()) as session:
        figures = store.load_published_figures(session)
    return pd.DataFrame(
        [
            {
                "round": f.round_year,
                "country": f.country_code,
                "level": f.level,
                "code": f.code,
                "score": f.value,
                "source": f.source_url,
                "note": f.note,
            }
            for f in figures
        ],
        columns=["round", "country", "level", "code", "score", "source", "note"],
    )


def st_published_figures(catalogue_: Catalogue, key: str) -> None:
    """Every published figure with its source link."""
    figures = _published(data_version())
    table = pd.DataFrame(
        {
            "Round": figures["round"],
            "Country": [catalogue_.countries.get(c, c) for c in figures["country"]],
            "Figure": [
                "Overall" if lv == "overall" else f"Step: {catalogue_.steps.get(c, c)}"
                for lv, c in zip(figures["level"], figures["code"], strict=True)
            ],
            "Score": figures["score"],
            "Source": figures["source"],
            "Note": figures["note"],
        }
    ).sort_values(["Round", "Score"], ascending=[False, False])
    st.write(
        f"{len(table)} figures are real published NIEM results, each with its source. "
        "Everything else in this app is computed from indicator scores, and those are "
        "illustrative until partners upload expert data."
    )
    st.dataframe(
        table,
        hide_index=True,
        key=f"{key}_table",
        column_config={
            "Source": st.column_config.LinkColumn(display_text="source ↗"),
            "Score": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st_download(table, f"{key}.csv", key=f"{key}_download")


def st_rounds(rounds_: list[RoundInfo], catalogue_: Catalogue) -> None:
    """The rounds and who took part."""
    st.dataframe(
        pd.DataFrame(
            {
                "Round": [r.label for r in rounds_],
                "Situation as of": [r.situation for r in rounds_],
                "Published": [r.published for r in rounds_],
                "Countries": [
                    ", ".join(catalogue_.countries.get(c, c) for c in r.countries) for r in rounds_
                ],
            }
        ),
        hide_index=True,
        key="rounds_table",
    )


def st_framework(catalogue_: Catalogue, key: str) -> None:
    """Areas, dimensions, steps and the indicators with their descriptions."""
    st.subheader("Areas and dimensions")
    st.dataframe(
        pd.DataFrame(
            {
                "Area": [catalogue_.areas[a] for a in catalogue_.dimension_area.values()],
                "Dimension": list(catalogue_.dimensions.values()),
                "What it covers": list(catalogue_.dimension_descriptions.values()),
            }
        ),
        hide_index=True,
        key=f"{key}_dimensions",
    )
    st.subheader("Steps of the policy cycle")
    st.dataframe(
        pd.DataFrame(
            {
                "Step": list(catalogue_.steps.values()),
                "What it covers": list(catalogue_.step_descriptions.values()),
            }
        ),
        hide_index=True,
        key=f"{key}_steps",
    )
    indicators = list(catalogue_.indicators.values())
    scored = sum(1 for i in indicators if i.scored)
    st.subheader(f"Indicators: {scored} scored, {len(indicators) - scored} statistical")
    st.caption(
        "This indicator set is illustrative: the official NIEM indicator list is not public. "
        "Titles and descriptions show the kind of evidence each dimension and step collects."
    )
    table = pd.DataFrame(
        {
            "Code": [i.code for i in indicators],
            "Dimension": [catalogue_.dimensions[i.dimension_code] for i in indicators],
            "Step": [catalogue_.steps[i.step_code] for i in indicators],
            "Indicator": [i.title for i in indicators],
            "Description": [i.description for i in indicators],
            "Scored": ["scored" if i.scored else "statistical (not scored)" for i in indicators],
        }
    )
    st.dataframe(table, hide_index=True, key=f"{key}_indicators")
    st_download(table, "indicators.csv", key=f"{key}_download")


def serve() -> None:
    """Serve the app: `streamlit run app.py` with any extra arguments given."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # app.py routes with st.navigation; without this, the first visitor after start-up who opens
    # a deep link gets Streamlit's legacy pages/ routing and a "page not found" dialog.
    PagesManager.uses_pages_directory = False
    app = Path(__file__).resolve().parent.parent / "app.py"
    cli.main(["run", str(app), *sys.argv[1:]])
