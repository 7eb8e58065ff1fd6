"""Rounds: what changed between two rounds, who moved most, and which indicators drove it."""

import streamlit as st

from niem import charts, explorer, ui

ui.require_database()
catalogue, rounds, results = ui.catalogue(), ui.rounds(), ui.results()
years = [r.year for r in rounds]
labels = {r.year: r.label for r in rounds}
options = explorer.measure_options(catalogue)

st.title("Change between rounds")
if len(years) < 2:
    st.info("Only one round is in the database; change needs two.")
    st.stop()
first, second, third = st.columns(3)
default_before = ui.url_choice("from", years, years[-2], "round")
default_after = ui.url_choice("to", years, years[-1], "round")
before = first.selectbox(
    "From round", years, index=years.index(default_before), format_func=labels.get, key="from"
)
after = second.selectbox(
    "To round", years, index=years.index(default_after), format_func=labels.get, key="to"
)
default_measure = ui.url_choice("measure", list(options), "overall", "measure")
measure_key = third.selectbox(
    "Show",
    list(options),
    index=list(options).index(default_measure),
    format_func=options.get,
    key="measure",
)
ui.keep_in_url(**{"from": before, "to": after, "measure": measure_key})
if before >= after:
    st.info("Pick an earlier round in “From round” than in “To round”.")
    st.stop()

change = explorer.compare_rounds(
    results, rounds, before, after, explorer.Measure.from_key(measure_key)
)
st.caption(f"A change of less than {explorer.FLAT_THRESHOLD:g} points either way counts as flat.")
if change.joined:
    st.info(
        "Joined in "
        + str(after)
        + ": "
        + ", ".join(ui.country_label(catalogue, c) for c in change.joined)
        + " (no earlier score to compare)."
    )
if change.left:
    st.info(
        "Took part in "
        + str(before)
        + " but not in "
        + str(after)
        + ": "
        + ", ".join(ui.country_label(catalogue, c) for c in change.left)
        + "."
    )
ui.st_illustrative_notice(change.figures)

st.header(f"{options[measure_key]}: {before} → {after}")
if change.changes["change"].notna().any():
    st.altair_chart(
        charts.slope_chart(change.changes, catalogue.countries, before, after), width="stretch"
    )
else:
    st.info("No country has a score in both rounds for this measure.")
ui.st_change_table(change.changes, catalogue, key="round_changes")

st.header("Biggest movers and what drove them")
ui.st_movers(change, catalogue)
