"""Compare countries: dimensions by country, steps by country and a ranking with a reference."""

import streamlit as st

from niem import charts, explorer
from niem.ui import data, urlstate
from niem.ui import explorer_views as views
from niem.wording import country_label

catalogue, rounds, results = data.catalogue(), data.rounds(), data.results()

st.title("Compare countries")
first, second, third = st.columns([1, 3, 1])
round_info = urlstate.st_round_select(first, rounds)
participants = list(round_info.countries)
chosen = second.multiselect(
    "Countries",
    participants,
    default=urlstate.url_choices("countries", participants, participants, "countries"),
    format_func=lambda c: country_label(catalogue.countries, c),
    key="countries",
)
if not chosen:
    st.info("Pick at least one country to compare.")
    st.stop()
urlstate.keep_in_url(countries=None if chosen == participants else chosen)
focus = urlstate.st_country_select(
    third, chosen, catalogue.countries, key="focus", label="Focus country", with_code=False
)

comparison = explorer.compare_countries(results, round_info.year, chosen, focus)
views.st_illustrative_notice(comparison.overall)

st.header("Overall ranking")
st.caption(
    "Equal scores share a rank. The dashed line is the average of the other chosen countries"
    + (f" ({comparison.reference:.1f})." if comparison.reference is not None else ".")
)
if comparison.overall["score"].notna().any():
    st.altair_chart(
        charts.ranking_chart(
            comparison.overall,
            catalogue.countries,
            focus=focus,
            reference=comparison.reference,
            reference_label="average of others",
        ),
        width="stretch",
    )
views.st_figures_table(comparison.overall, catalogue, key="compare_ranking")

st.header("Dimensions by country")
views.st_matrix(comparison.dimensions, catalogue.dimensions, catalogue, key="compare_dimensions")

st.header("Steps of the policy cycle by country")
views.st_matrix(comparison.steps, catalogue.steps, catalogue, key="compare_steps")
