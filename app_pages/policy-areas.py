"""Policy areas: who leads on an area or dimension, where your country stands, every indicator."""

import streamlit as st

from niem import explorer
from niem.i18n import _
from niem.ui import data, feedback_views, practice_views, urlstate
from niem.ui import explorer_views as views

catalogue, rounds = data.catalogue(), data.rounds()
options = explorer.area_options(catalogue)
steps = {"": _("All three steps"), **catalogue.steps}

st.title(_("Policy areas"))
first, second, third, fourth = st.columns([1, 2, 2, 1])
round_info = urlstate.st_round_select(first, rounds, remember=True)
measure_key = urlstate.st_measure_select(
    second,
    options,
    label=_("Area or dimension"),
    default="dimension:family_reunification",
    link_label="area",
)
step = urlstate.st_url_select(
    third, _("Step"), list(steps), key="step", default="", format_func=lambda s: steps[s]
)
focus = urlstate.st_my_country_select(fourth, round_info, catalogue.countries)

what = options[measure_key] + (f", {steps[step]}" if step else "")
view = data.policy_area(round_info.year, measure_key, what, step, focus)
area = view.area
views.st_illustrative_notice(area.leaders, area.matrix)
description = catalogue.dimension_descriptions.get(area.measure.code)
if description:
    st.caption(description)

if area.standing is not None:
    st.header(
        _("{country} against the best").format(country=catalogue.countries[area.standing.country])
    )
    views.st_standing(area.standing, catalogue)

st.header(_("Who leads: {what}").format(what=what))
views.st_ranking(view.leaders, "policy_leaders", focus=focus)
practice_views.st_leader_practices(area, round_info.year, catalogue, step)

st.header(_("Indicators by country"))
if view.matrix is None:
    st.info(_("No indicator scores in this round for this selection."))
else:
    views.st_matrix(view.matrix, "policy_matrix", focus)

st.header(_("Every indicator with the expert's note and source"))
views.st_indicator_table(view.indicator_table, key="policy_indicators")
feedback_views.st_feedback_form(
    area.indicators, view.score_choices, round_info.year, key="policy_feedback"
)
