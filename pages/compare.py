"""Compare countries: dimensions by country, steps by country and a ranking with a reference."""

import streamlit as st

from niem import charts, explorer, ui

ui.require_database()
catalogue, rounds, results = ui.catalogue(), ui.rounds(), ui.results()
years = [r.year for r in rounds]
labels = {r.year: r.label for r in rounds}

st.title("Compare countries")
first, second, third = st.columns([1, 3, 1])
default_year = ui.url_choice("round", years, years[-1], "round")
year = first.selectbox(
    "Round", years, index=years.index(default_year), format_func=labels.get, key="round"
)
participants = list(next(r for r in rounds if r.year == year).countries)
chosen_default = ui.url_choices("countries", participants, participants, "countries")
chosen = second.multiselect(
    "Countries",
    participants,
    default=chosen_default,
    format_func=lambda c: ui.country_label(catalogue, c),
    key="countries",
)
if not chosen:
    st.info("Pick at least one country to compare.")
    st.stop()
focus_default = ui.url_choice("focus", chosen, chosen[0], "focus country")
focus = third.selectbox(
    "Focus country",
    chosen,
    index=chosen.index(focus_default),
    format_func=lambda c: catalogue.countries.get(c, c),
    key="focus",
)
ui.keep_in_url(round=year, countries=None if chosen == participants else chosen, focus=focus)

comparison = explorer.compare_countries(results, year, chosen, focus)
ui.st_illustrative_notice(comparison.overall)

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
ui.st_figures_table(comparison.overall, catalogue, key="compare_ranking")

st.header("Dimensions by country")
ui.st_matrix(comparison.dimensions, catalogue.dimensions, catalogue, key="compare_dimensions")

st.header("Steps of the policy cycle by country")
ui.st_matrix(comparison.steps, catalogue.steps, catalogue, key="compare_steps")
