"""Rounds: what changed between two rounds, who moved most, and which indicators drove it."""

import streamlit as st

from niem import charts, explorer
from niem.ui import data, urlstate
from niem.ui import explorer_views as views

catalogue, rounds, results = data.catalogue(), data.rounds(), data.results()
options = explorer.measure_options(catalogue)

st.title("Change between rounds")
if len(rounds) < 2:
    st.info("Only one round is in the database; change needs two.")
    st.stop()
first, second, third = st.columns(3)
before = urlstate.st_round_select(
    first, rounds, key="from", label="From round", default=rounds[-2].year
).year
after = urlstate.st_round_select(second, rounds, key="to", label="To round").year
measure_key = urlstate.st_measure_select(third, options)
if before >= after:
    st.info("Pick an earlier round in “From round” than in “To round”.")
    st.stop()

change = explorer.compare_rounds(
    results, rounds, before, after, explorer.Measure.from_key(measure_key)
)
st.caption(f"A change of less than {explorer.FLAT_THRESHOLD:g} points either way counts as flat.")
views.st_joined_and_left(change, before, after, catalogue)
views.st_illustrative_notice(change.figures)

st.header(f"{options[measure_key]}: {before} → {after}")
if change.changes["change"].notna().any():
    st.altair_chart(
        charts.slope_chart(change.changes, catalogue.countries, before, after), width="stretch"
    )
else:
    st.info("No country has a score in both rounds for this measure.")
views.st_change_table(change.changes, catalogue, key="round_changes")

st.header("Biggest movers and what drove them")
views.st_movers(change, catalogue)
