"""Overview: the Europe map, headline numbers and the ranking, for one round and measure."""

import streamlit as st

from niem import charts, explorer, maps
from niem.ui import data, urlstate
from niem.ui import explorer_views as views
from niem.wording import country_label

catalogue, rounds, results = data.catalogue(), data.rounds(), data.results()
options = explorer.measure_options(catalogue)

st.title("Refugee integration in Europe")
st.caption(
    "National Integration Evaluation Mechanism (NIEM): "
    "scores from 0 (least) to 100 (most favourable)."
)

left, right = st.columns(2)
round_info = urlstate.st_round_select(left, rounds)
measure_key = urlstate.st_measure_select(right, options)

figures = explorer.figures_for(results, round_info.year, explorer.Measure.from_key(measure_key))
views.st_headline(explorer.headline(figures), catalogue)
views.st_illustrative_notice(figures)

map_column, table_column = st.columns([3, 2])
with map_column:
    deck = maps.build_map(explorer.map_values(figures, round_info, catalogue))
    event = st.pydeck_chart(deck, on_select="rerun", key="map", height=620)
    st.altair_chart(charts.map_legend(), width="stretch")
    st.caption("Click a country to open its profile, or choose it here:")
    chosen = st.selectbox(
        "Open a country profile",
        round_info.countries,
        index=None,
        format_func=lambda c: country_label(catalogue.countries, c),
        placeholder="Choose a country",
        key="open_profile",
    )
opened = chosen or maps.selected_country(event)
if opened in round_info.countries:
    st.switch_page(
        "app_pages/country.py", query_params={"country": opened, "round": round_info.year}
    )

with table_column:
    st.subheader(f"Ranking: {options[measure_key]}, {round_info.label}")
    views.st_figures_table(figures, catalogue, key="ranking")
