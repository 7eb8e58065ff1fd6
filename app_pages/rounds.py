"""Rounds: what changed between two rounds, who moved most, and which indicators drove it."""

import streamlit as st

from niem import explorer
from niem.i18n import _
from niem.ui import data, urlstate
from niem.ui import explorer_views as views

catalogue, rounds = data.catalogue(), data.rounds()
options = explorer.measure_options(catalogue)

st.title(_("Change between rounds"))
if len(rounds) < 2:
    st.info(_("Only one round is in the database; change needs two."))
    st.stop()
first, second, third, fourth = st.columns(4)
# Change runs from an earlier round to a later one.
after_round = urlstate.st_round_select(
    second, rounds[1:], key="to", label=_("To round"), remember=True
)
earlier = [r for r in rounds if r.year < after_round.year]
before = urlstate.st_round_select(
    first, earlier, key="from", label=_("From round"), default=earlier[-1].year
).year
after = after_round.year
measure_key = urlstate.st_measure_select(third, options)
focus = urlstate.st_my_country_select(fourth, after_round, catalogue.countries)
what = options[measure_key]
view = data.round_change(before, after, measure_key, what, focus)
change = view.change
st.caption(views.flat_note())
views.st_joined_and_left(change, before, after, catalogue)
views.st_illustrative_notice(change.changes)

st.header(f"{what}: {before} → {after}")
if view.chart is not None:
    views.st_spec(view.chart)
else:
    st.info(_("No country has a score in both rounds for this measure."))
views.st_change_table(view, key="round_changes")

st.header(_("Biggest movers and what drove them"))
views.st_movers(change, catalogue)
