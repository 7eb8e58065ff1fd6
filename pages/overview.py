"""Overview: the Europe map, headline numbers and the ranking, for one round and measure."""

import streamlit as st

from niem import charts, explorer, maps, ui

ui.require_database()
catalogue, rounds, results = ui.catalogue(), ui.rounds(), ui.results()
years = [r.year for r in rounds]
labels = {r.year: r.label for r in rounds}
options = explorer.measure_options(catalogue)

st.title("Refugee integration in Europe")
st.caption(
    "National Integration Evaluation Mechanism (NIEM): "
    "scores from 0 (least) to 100 (most favourable)."
)

left, right = st.columns(2)
default_year = ui.url_choice("round", years, years[-1], "round")
default_measure = ui.url_choice("measure", list(options), "overall", "measure")
year = left.selectbox(
    "Round", years, index=years.index(default_year), format_func=labels.get, key="round"
)
measure_key = right.selectbox(
    "Show",
    list(options),
    index=list(options).index(default_measure),
    format_func=options.get,
    key="measure",
)
ui.keep_in_url(round=year, measure=measure_key)

round_info = next(r for r in rounds if r.year == year)
figures = explorer.figures_for(results, year, explorer.Measure.from_key(measure_key))
summary = explorer.headline(figures)

ui.st_headline(summary, catalogue)
ui.st_illustrative_notice(figures)

map_column, table_column = st.columns([3, 2])
with map_column:
    deck = maps.build_map(explorer.map_values(figures, round_info, catalogue))
    event = st.pydeck_chart(deck, on_select="rerun", key="map", height=620)
    st.altair_chart(charts.map_legend(), width="stretch")
    st.caption("Click a country to open its profile, or choose it here:")
    chosen = st.selectbox(
        "Open a country profile", round_info.countries, index=None,
        format_func=lambda c: ui.country_label(catalogue, c), placeholder="Choose a country",
        key="open_profile",
    )
opened = chosen or maps.selected_country(event)
if opened in round_info.countries:
    st.switch_page("pages/country_profile.py", query_params={"country": opened, "round": year})

with table_column:
    st.subheader(f"Ranking: {options[measure_key]}, {labels[year]}")
    ui.st_figures_table(figures, catalogue, key="ranking")
