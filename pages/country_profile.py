"""Country profile: one country in one round, against the others, with every indicator."""

import streamlit as st

from niem import charts, explorer, ui

ui.require_database()
catalogue, rounds, results = ui.catalogue(), ui.rounds(), ui.results()
ui.st_print_styles()
years = [r.year for r in rounds]
labels = {r.year: r.label for r in rounds}

title = st.container()
left, right = st.columns(2)
default_year = ui.url_choice("round", years, years[-1], "round")
round_info = next(r for r in rounds if r.year == default_year)
year = left.selectbox(
    "Round", years, index=years.index(default_year), format_func=labels.get, key="round"
)
round_info = next(r for r in rounds if r.year == year)
countries = list(round_info.countries)
default_country = ui.url_choice("country", countries, countries[0], "country")
country = right.selectbox(
    "Country",
    countries,
    index=countries.index(default_country),
    format_func=lambda c: ui.country_label(catalogue, c),
    key="country",
)
ui.keep_in_url(round=year, country=country)

profile = explorer.country_profile(results, rounds, year, country)
name = catalogue.countries.get(country, country)
title.title(f"{name}: {labels[year]}")
title.caption(f"Situation as of {round_info.situation}; published {round_info.published}.")
ui.st_illustrative_notice(profile.figures)

ui.st_profile_headline(profile, catalogue)

strong, weak = st.columns(2)
with strong:
    st.subheader("Strongest")
    ui.st_dimension_list(profile.strongest, catalogue)
with weak:
    st.subheader("Weakest")
    ui.st_dimension_list(profile.weakest, catalogue)
st.header("The twelve dimensions")
if profile.dimensions["score"].notna().any():
    st.altair_chart(
        charts.profile_chart(profile.dimensions, profile.others, catalogue.dimensions, name),
        width="stretch",
    )
else:
    st.info("No dimension of this country has enough indicator data in this round.")
with st.container(key="screen-only-details"):
    ui.st_profile_table(profile, catalogue, key="profile_dimensions")
    st.header("Every indicator")
    ui.st_indicator_table(
        explorer.indicator_table(
            results, catalogue, year, dimensions=list(catalogue.dimensions), countries=[country]
        ),
        key="profile_indicators",
    )
st.caption(f"NIEM Explorer · {name}, {labels[year]} · print this page for a one-page summary.")
