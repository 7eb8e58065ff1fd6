"""Country profile: one country in one round, its rank, its trend, and every indicator."""

import streamlit as st

from niem.i18n import _
from niem.ui import data, feedback_views, practice_views, reports, urlstate, whatif_views
from niem.ui import explorer_views as views
from niem.wording import round_caption

catalogue, rounds = data.catalogue(), data.rounds()

title = st.container()
left, right = st.columns(2)
round_info = urlstate.st_round_select(left, rounds, remember=True)
country = urlstate.st_my_country_select(right, round_info, catalogue.countries, label=_("Country"))
if country is None:
    title.title(_("Country profile"))
    st.info(_("Choose a country to see its profile."))
    st.stop()

view = data.profile_view(round_info.year, country)
profile = view.profile
name = catalogue.countries.get(country, country)
title.title(f"{name}: {round_info.label}")
title.caption(round_caption(round_info))
views.st_illustrative_notice(profile.figures, profile.trend)
views.st_profile_headline(profile, catalogue)
with st.container(key="screen-only-brief"):
    reports.st_brief_download(round_info.year, country)

with st.container(key="screen-only-trend"):
    st.header(_("Overall score in every round"))
    views.st_trend(view)

st.header(_("The twelve dimensions"))
strong, weak = st.columns(2)
with strong:
    st.subheader(_("Strongest"))
    views.st_dimension_list(profile.strongest, catalogue)
with weak:
    st.subheader(_("Weakest"))
    views.st_dimension_list(profile.weakest, catalogue)
views.st_profile_chart(view)
with st.container(key="screen-only-what-if"):
    whatif_views.st_what_if(
        data.framework(), catalogue, round_info, country, view.indicator_values
    )
practice_views.st_gap_practices(round_info.year, country, catalogue)
with st.container(key="screen-only-details"):
    views.st_profile_table(view, key="profile_dimensions")
    st.header(_("Every indicator"))
    views.st_indicator_table(view.indicator_table, key="profile_indicators")
    feedback_views.st_feedback_form(
        view.indicators, view.score_choices, round_info.year, key="profile_feedback"
    )
st.caption(
    _("NIEM Explorer · {name}, {round} · print this page for a one-page summary.").format(
        name=name, round=round_info.label
    )
)
