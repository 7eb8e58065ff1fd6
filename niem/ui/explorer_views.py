"""Drawing the explorer: headline numbers, the map, rankings, matrices, changes and the method.

Every number drawn here comes described from `niem` (its text by the one rounding rule, its
provenance in words); these functions only lay it out.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections.abc import Callable, Sequence
from html import escape
from typing import Any, Literal

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from niem import charts, maps, tables
from niem.explorer import CountryProfile, Headline, Standing, Stat
from niem.facts import FactCheck
from niem.i18n import _, current_language, number_text
from niem.models import PublishedFigure
from niem.provenance import Provenance, Strength
from niem.store import Catalogue, RoundInfo
from niem.trends import FLAT_THRESHOLD, RoundChange, direction
from niem.ui.downloads import st_download, st_table
from niem.views import (
    Chart,
    MatrixView,
    OverviewView,
    ProfileView,
    RankingView,
    RoundsView,
    Shown,
)
from niem.wording import names_text, score_text, signed_text

NUMBER_TEXT = st.column_config.TextColumn(alignment="right")
ROW_HEIGHT = 38


def illustrative_banner() -> str:
    """What the illustrative notice says, wherever illustrative figures are shown."""
    return _(
        "Illustrative data: the indicator scores are generated for demonstration, and so is "
        "every score, rank, average or change computed from them. Only figures marked "
        "“published” are real NIEM results, with their sources."
    )


def st_illustrative_notice(*frames: pd.DataFrame) -> None:
    """A visible warning whenever any figure shown is illustrative or rests on one."""
    if any((frame["strength"] == int(Strength.ILLUSTRATIVE)).any() for frame in frames):
        st.warning(illustrative_banner(), icon=":material/science:")


def _column_config(table: pd.DataFrame) -> dict[str, Any]:
    config: dict[str, Any] = {
        c: NUMBER_TEXT for c in table.columns if c in tables.score_columns()
    }
    if _("Source") in table.columns:
        config[_("Source")] = st.column_config.LinkColumn(display_text=_("source ↗"))
    return config


def st_shown_table(
    table: pd.DataFrame | Shown, key: str, *, focus: str | None = None, **options: Any
) -> None:
    """A table of described figures (numbers as text, right-aligned) with its download; the
    reader's own country (`focus`, by its `Code`) is named as theirs. A view's table is drawn
    from the Arrow form it was made with."""
    frame = table.frame if isinstance(table, Shown) else table
    drawn: pd.DataFrame | pa.Table = table.arrow if isinstance(table, Shown) else table
    if focus is not None and {_("Code"), _("Country")} <= set(frame.columns):
        if isinstance(drawn, pd.DataFrame):
            drawn = pa.Table.from_pandas(drawn, preserve_index=False)
        drawn = _focus_named(drawn, focus)
    st_table(drawn, key, column_config=_column_config(frame), download_frame=frame, **options)


def _focus_named(table: pa.Table, focus: str) -> pa.Table:
    """The table with "(your country)" after the focus country's name: in words, which reach
    a screen reader and a washed-out projector alike, where a row's colour reaches neither."""
    place = table.schema.get_field_index(_("Country"))
    names = [
        _("{country} (your country)").format(country=name) if code == focus else name
        for name, code in zip(
            table.column(place).to_pylist(), table.column(_("Code")).to_pylist(), strict=True
        )
    ]
    field = table.schema.field(place)
    return table.set_column(place, field, pa.array(names, type=field.type))


def st_origin(provenance: Provenance | None) -> None:
    """One line under a number saying where it comes from, with a published source's link."""
    if provenance is None:
        return
    if provenance.source:
        st.caption(f"[{provenance.words} ↗]({provenance.source})")
    else:
        st.caption(provenance.words)


def st_stat(label: str, stat: Stat | None, *, country: str = "", help: str | None = None) -> None:
    """A derived number, large, with the country it belongs to and its provenance."""
    if stat is None:
        st.metric(label, _("no data"), help=help)
        return
    st.metric(
        label,
        stat.text,
        country or None,
        delta_color="off",
        delta_arrow="off",
        help=help,
    )
    st_origin(stat.provenance)


def st_headline(summary: Headline, catalogue: Catalogue) -> None:
    """Countries, average, highest and lowest, two by two."""
    first, second = st.columns(2)
    third, fourth = st.columns(2)
    first.metric(
        _("Countries"),
        _("{scored} of {total}").format(scored=summary.with_score, total=summary.countries),
        help=_("Countries with a figure / countries in this round"),
    )
    with second:
        st_stat(_("Average"), summary.average)
    for column, label, stat in ((third, _("Highest"), summary.highest),
                                (fourth, _("Lowest"), summary.lowest)):
        with column:
            name = catalogue.countries.get(stat.country, stat.country) if stat else ""
            st_stat(label, stat, country=name)


@st.cache_resource(show_spinner=False, max_entries=64)
def _built_map(values: str, frame: tuple[str, ...], language: str) -> maps.CompactDeck:
    # Visitors of the same view share one map, built and serialised once (a room of thirty
    # opening the same link would otherwise build it thirty times). The language is in the
    # key because the map's tooltip is worded.
    return maps.build_map(json.loads(values), frame)


def st_map(
    view: OverviewView,
    rounds: Sequence[RoundInfo],
    catalogue: Catalogue,
    what: str,
    focus: str | None,
) -> str | None:
    """The map with its legend and a link to its table; returns the country clicked."""
    frame = tuple(sorted({c for r in rounds for c in r.countries}))
    values = view.map_values
    event = st.pydeck_chart(
        _built_map(json.dumps(values, sort_keys=True), frame, current_language()),
        height=maps.MAP_HEIGHT,
        selection_mode="single-object",
        on_select="rerun",
        key="map",
    )
    st.html(maps.legend_html(catalogue.countries.get(focus, focus) if focus else None))
    # The canvas cannot describe itself: its description is text beside it.
    st.html(f'<p class="niem-map-description">{escape(maps.map_description(values, what))}</p>')
    table_link = _("The map as a table: the ranking")
    st.markdown(f"[{table_link}](#ranking)")
    return maps.selected_country(event)


def st_ranking(view: RankingView, key: str, *, focus: str | None = None) -> None:
    """The ranking as bars (countries without enough data keep their row) and as a table."""
    if view.chart is not None:
        st_spec(view.chart)
    else:
        st.info(_("No country has enough data on this for this round."))
    st_figures_table(view.table, key, focus=focus)


def st_figures_table(table: Shown, key: str, *, focus: str | None = None) -> None:
    """A ranking table (`tables.ranking_table`, the accessible alternative to a chart) with
    its CSV download."""
    height = min(ROW_HEIGHT * (len(table.frame) + 1) + 4, 640)
    st_shown_table(table, key, focus=focus, height=height)


def st_profile_headline(profile: CountryProfile, catalogue: Catalogue) -> None:
    """The overall figure with its change, its rank, and the three steps, large."""
    overall, rank, *steps = st.columns(2 + len(profile.steps))
    row = profile.overall
    with overall:
        change = profile.overall_change
        since = None
        if change is not None:
            since = _("{change} since {year}").format(
                change=signed_text(change.value), year=profile.previous
            )
        value = row["shown"] if pd.isna(row["score"]) else score_text(row["score"])
        flat = change is None or direction(change.value) == "flat"
        # No arrow for no change: an unchanged (e.g. carried-over) figure must not look risen.
        st.metric(
            _("Overall"),
            value,
            since,
            delta_color="off" if flat else "normal",
            delta_arrow="off" if flat else "auto",
        )
        if row["differs"]:
            st.markdown(row["shown"])
        st_origin(row["origin_of"])
        if change is not None:
            st.caption(_("Change: {words}").format(words=change.provenance.words))
    with rank:
        st.metric(_("Rank"), row["rank_text"])
        st_origin(row["rank_of"])
    for column, (_index, step) in zip(steps, profile.steps.iterrows(), strict=True):
        with column:
            st.metric(catalogue.steps.get(step["code"], step["code"]), step["shown"])
            st_origin(step["origin_of"])


@st.cache_resource(show_spinner=False, max_entries=512)
def _spec_of(fingerprint: str, _build: Callable[[], alt.TopLevelMixin]) -> dict[str, Any]:
    return charts.spec(_build())


class _ContentPickler(pickle.Pickler):
    """Pickles a table by its columns and cells, however its arrays happen to be laid out (a
    cached copy pickles differently from the one first computed)."""

    def persistent_id(self, obj: object) -> bytes | None:
        if not isinstance(obj, pd.DataFrame):
            return None
        cells = pd.util.hash_pandas_object(obj.astype(str), index=True).to_numpy().tobytes()
        return pickle.dumps(list(obj.columns)) + cells


def st_spec(chart: Chart, width: Literal["stretch", "content"] = "stretch") -> None:
    """Draw a chart built once with its view (`niem.views`)."""
    st.vega_lite_chart(chart.drawn, width=width)


def st_chart(
    build: Callable[..., alt.TopLevelMixin],
    *inputs: Any,
    width: Literal["stretch", "content"] = "stretch",
    **options: Any,
) -> None:
    """Draw the chart `build(*inputs, **options)` makes (one with no selection). Building a
    chart costs a page more than anything else once its data are cached, so a chart is built
    once for the same inputs in the same language and shared by every visitor."""
    described = (build.__module__, build.__qualname__, current_language(), inputs, options)
    buffer = io.BytesIO()
    _ContentPickler(buffer).dump(described)
    fingerprint = hashlib.sha256(buffer.getvalue()).hexdigest()
    st.vega_lite_chart(_spec_of(fingerprint, lambda: build(*inputs, **options)), width=width)


def st_trend(view: ProfileView) -> None:
    """The overall figure in every round the country took part in, as a chart and a table."""
    if view.trend_chart is not None:
        st_spec(view.trend_chart)
    st_shown_table(view.trend_table, "profile_trend", download=False)


def st_dimension_list(dimensions: pd.DataFrame, catalogue: Catalogue) -> None:
    """A short list of dimensions with their figures and where they come from."""
    if dimensions.empty:
        st.write(_("No dimension has enough data."))
        return
    lines = [
        f"- **{row['shown']}** · {catalogue.dimensions.get(row['code'], row['code'])}"
        f" ({row['origin']})"
        for _index, row in dimensions.iterrows()
    ]
    st.markdown("\n".join(lines))


def st_profile_chart(view: ProfileView) -> None:
    """The country's dimensions against the average of the others, as dots."""
    if view.dimensions_chart is None:
        st.info(_("No dimension of this country has enough indicator data in this round."))
        return
    st_spec(view.dimensions_chart)
    st.caption(_("A hollow dot is an illustrative figure; the table below says where each "
                 "comes from."))


def st_profile_table(view: ProfileView, key: str) -> None:
    """The dimension chart's table alternative, with the change since the previous round."""
    st_shown_table(view.dimensions_table, key)


def st_indicator_table(table: Shown, key: str) -> None:
    """Indicators as entered (`tables.indicators_shown`), with provenance, the expert's note
    and the source; with CSV."""
    st_shown_table(table, key)


def st_matrix(view: MatrixView, key: str, focus: str | None = None) -> None:
    """A heat map of codes by country, scrolling sideways in its own frame on a phone, with
    its table alternative and CSV download."""
    if view.chart is not None:
        with st.container(key=f"scroll-x-{key}"):
            st_spec(view.chart, width="content")
        st.caption(
            _("Numbers in italics are illustrative; grey cells have no figure. On a narrow "
              "screen, swipe the chart sideways.")
        )
    else:
        st.info(_("No figures at this level for these countries in this round."))
    with st.expander(_("Table and download")):
        st_shown_table(view.table, key)


def st_change_table(view: RoundsView, key: str) -> None:
    """The slope chart's table alternative: before, after, change, arrow and provenance."""
    st_shown_table(view.table, key)


def st_joined_and_left(change: RoundChange, before: int, after: int, catalogue: Catalogue) -> None:
    """Which countries joined or left between the two rounds, so no one looks for them."""
    if change.joined:
        joined = names_text(catalogue.countries, change.joined)
        st.info(
            _("Joined in {year}: {names} (no earlier score to compare).").format(
                year=after, names=joined
            )
        )
    if change.left:
        left = names_text(catalogue.countries, change.left)
        st.info(
            _("Took part in {year} but not in {later}: {names}.").format(
                year=before, later=after, names=left
            )
        )


def flat_note() -> str:
    """What counts as flat, for the rounds page."""
    return _("A change of less than {points} points either way counts as flat.").format(
        points=number_text(FLAT_THRESHOLD, trailing_zeros=False)
    )


def st_movers(change: RoundChange, catalogue: Catalogue) -> None:
    """The biggest movers, each with where its change comes from and the indicators that
    changed most."""
    if not change.movers:
        st.write(_("No country's score moved."))
        return
    for column, mover in zip(st.columns(len(change.movers)), change.movers, strict=True):
        with column:
            st.metric(
                catalogue.countries.get(mover.country, mover.country),
                signed_text(mover.change.value),
            )
            st_origin(mover.change.provenance)
            if mover.drivers.empty:
                st.caption(_("No indicator-level data to explain the change."))
                continue
            st.dataframe(
                tables.drivers_table(mover.drivers, catalogue),
                hide_index=True,
                key=f"movers_{mover.country}",
                column_config={
                    _("Indicator"): st.column_config.TextColumn(width="medium"),
                    **{c: NUMBER_TEXT for c in (_("Before"), _("After"), _("Change"))},
                },
            )


def st_standing(standing: Standing, catalogue: Catalogue) -> None:
    """The reader's country on a policy area: its figure and rank, the best, and the gap."""
    mine, best, gap = st.columns(3)
    name = catalogue.countries.get(standing.country, standing.country)
    leader = standing.best["country"]
    with mine:
        st.metric(name, standing.row["shown"], standing.row["rank_text"], delta_color="off",
                  delta_arrow="off")
        st_origin(standing.row["origin_of"])
    with best:
        st.metric(
            _("Best: {country}").format(country=catalogue.countries.get(leader, leader)),
            standing.best["shown"],
        )
        st_origin(standing.best["origin_of"])
    with gap:
        st_stat(_("Gap to the best"), standing.gap)


def st_published_figures(
    figures: Sequence[PublishedFigure], catalogue: Catalogue, key: str
) -> None:
    """Every published figure with its source link."""
    table = tables.published_table(figures, catalogue)
    st.write(
        _("{count} figures are real published NIEM results, each with its source. Everything "
          "else in this app is computed from indicator scores, and those are illustrative "
          "until partners upload expert data.").format(count=len(table))
    )
    st_shown_table(table, key)


def st_facts(checks: Sequence[FactCheck], key: str) -> None:
    """Every published fact, its source, and whether the current figures agree with it."""
    st.write(
        _("{count} published statements about the figures, each with its source; `niem check` "
          "tests the current figures against every one.").format(count=len(checks))
    )
    st_shown_table(tables.facts_table(checks), key)


def st_rounds(rounds: list[RoundInfo], catalogue: Catalogue) -> None:
    """The rounds and who took part."""
    st_table(tables.rounds_table(rounds, catalogue), "rounds", download=False)


def st_framework(catalogue: Catalogue, key: str) -> None:
    """Areas, dimensions, steps and the indicators with their descriptions."""
    st.subheader(_("Areas and dimensions"))
    st.dataframe(tables.dimensions_table(catalogue), hide_index=True, key=f"{key}_dimensions")
    st.subheader(_("Steps of the policy cycle"))
    st.dataframe(tables.steps_table(catalogue), hide_index=True, key=f"{key}_steps")
    indicators = list(catalogue.indicators.values())
    scored = sum(1 for i in indicators if i.scored)
    st.subheader(
        _("Indicators: {scored} scored, {statistical} statistical").format(
            scored=scored, statistical=len(indicators) - scored
        )
    )
    st.caption(
        _("This indicator set is illustrative: the official NIEM indicator list is not "
          "public. Titles and descriptions show the kind of evidence each dimension and step "
          "collects.")
    )
    table = tables.framework_indicators_table(catalogue)
    st.dataframe(table, hide_index=True, key=f"{key}_indicators")
    st_download(table, "indicators.csv", key=f"{key}_download")
