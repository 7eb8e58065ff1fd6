"""Country profile: one country in one round, against the others, with every indicator."""

import streamlit as st

from niem import charts, explorer
from niem.ui import data, practice_views, urlstate
from niem.ui import explorer_views as views

catalogue, rounds, results = data.catalogue(), data.rounds(), data.results()
views.st_print_styles()

title = st.container()
left, right = st.columns(2)
round_info = urlstate.st_round_select(left, rounds)
country = urlstate.st_country_select(right, round_info.countries, catalogue.countries)

profile = explorer.country_profile(results, rounds, round_info.year, country)
name = catalogue.countries.get(country, country)
title.title(f"{name}: {round_info.label}")
title.caption(f"Situation as of {round_info.situation}; published {round_info.published}.")
views.st_illustrative_notice(profile.figures)

views.st_profile_headline(profile, catalogue)

strong, weak = st.columns(2)
with strong:
    st.subheader("Strongest")
    views.st_dimension_list(profile.strongest, catalogue)
with weak:
    st.subheader("Weakest")
    views.st_dimension_list(profile.weakest, catalogue)
st.header("The twelve dimensions")
if profile.dimensions["score"].notna().any():
    st.altair_chart(
        charts.profile_chart(profile.dimensions, profile.others, catalogue.dimensions, name),
        width="stretch",
    )
else:
    st.info("No dimension of this country has enough indicator data in this round.")
practice_views.st_gap_practices(results, round_info.year, country, catalogue)
with st.container(key="screen-only-details"):
    views.st_profile_table(profile, catalogue, key="profile_dimensions")
    st.header("Every indicator")
    views.st_indicator_table(
        explorer.indicator_table(
            results,
            catalogue,
            round_info.year,
            dimensions=list(catalogue.dimensions),
            countries=[country],
        ),
        key="profile_indicators",
    )
st.caption(f"NIEM Explorer · {name}, {round_info.label} · print this page for a one-page summary.")
