"""Policy areas: every indicator of an area or dimension, for every country, and who leads."""

import streamlit as st

from niem import charts, explorer, ui

ui.require_database()
catalogue, rounds, results = ui.catalogue(), ui.rounds(), ui.results()
years = [r.year for r in rounds]
labels = {r.year: r.label for r in rounds}
options = {
    k: v
    for k, v in explorer.measure_options(catalogue).items()
    if k.startswith(("dimension:", "area:"))
}
steps = {"": "All three steps", **catalogue.steps}

st.title("Policy areas")
first, second, third = st.columns([1, 2, 2])
default_year = ui.url_choice("round", years, years[-1], "round")
year = first.selectbox(
    "Round", years, index=years.index(default_year), format_func=labels.get, key="round"
)
default_area = ui.url_choice("measure", list(options), "dimension:family_reunification", "area")
measure_key = second.selectbox(
    "Area or dimension",
    list(options),
    index=list(options).index(default_area),
    format_func=options.get,
    key="measure",
)
default_step = ui.url_choice("step", list(steps), "", "step")
step = third.selectbox(
    "Step", list(steps), index=list(steps).index(default_step), format_func=steps.get, key="step"
)
ui.keep_in_url(round=year, measure=measure_key, step=step)

view = explorer.policy_area(results, catalogue, year, explorer.Measure.from_key(measure_key), step)
ui.st_illustrative_notice(view.leaders)
description = catalogue.dimension_descriptions.get(view.measure.code)
if description:
    st.caption(description)

st.header(f"Who leads: {options[measure_key]}" + (f", {steps[step]}" if step else ""))
if view.leaders["score"].notna().any():
    st.altair_chart(charts.ranking_chart(view.leaders, catalogue.countries), width="stretch")
else:
    st.info("No country has enough data on this for this round.")
ui.st_figures_table(view.leaders, catalogue, key="policy_leaders")

st.header("Indicators by country")
if view.matrix.empty:
    st.info("No indicator scores in this round for this selection.")
else:
    titles = {c: f"{c} {catalogue.indicators[c].title}" for c in view.matrix["code"].unique()}
    ui.st_matrix(view.matrix, titles, catalogue, key="policy_matrix")

st.header("Every indicator with the expert's note and source")
ui.st_indicator_table(view.indicators, key="policy_indicators")
