"""Policy areas: every indicator of an area or dimension, for every country, and who leads."""

import streamlit as st

from niem import charts, explorer
from niem.ui import data, practice_views, urlstate
from niem.ui import explorer_views as views

catalogue, rounds, results = data.catalogue(), data.rounds(), data.results()
options = explorer.area_options(catalogue)
steps = {"": "All three steps", **catalogue.steps}

st.title("Policy areas")
first, second, third = st.columns([1, 2, 2])
round_info = urlstate.st_round_select(first, rounds)
measure_key = urlstate.st_measure_select(
    second,
    options,
    label="Area or dimension",
    default="dimension:family_reunification",
    link_label="area",
)
step = urlstate.st_url_select(
    third, "Step", list(steps), key="step", default="", format_func=lambda s: steps[s]
)

view = explorer.policy_area(
    results, catalogue, round_info.year, explorer.Measure.from_key(measure_key), step
)
views.st_illustrative_notice(view.leaders)
description = catalogue.dimension_descriptions.get(view.measure.code)
if description:
    st.caption(description)

st.header(f"Who leads: {options[measure_key]}" + (f", {steps[step]}" if step else ""))
if view.leaders["score"].notna().any():
    st.altair_chart(charts.ranking_chart(view.leaders, catalogue.countries), width="stretch")
else:
    st.info("No country has enough data on this for this round.")
views.st_figures_table(view.leaders, catalogue, key="policy_leaders")
practice_views.st_leader_practices(view, catalogue, step)

st.header("Indicators by country")
if view.matrix.empty:
    st.info("No indicator scores in this round for this selection.")
else:
    titles = explorer.indicator_titles(view.matrix, catalogue)
    views.st_matrix(view.matrix, titles, catalogue, key="policy_matrix")

st.header("Every indicator with the expert's note and source")
views.st_indicator_table(view.indicators, key="policy_indicators")
