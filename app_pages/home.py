"""Overview: the Europe map, headline numbers and the ranking, for one round and measure."""

import streamlit as st

from niem import explorer
from niem.i18n import _
from niem.ui import data, event, reports, urlstate
from niem.ui import explorer_views as views

catalogue, rounds = data.catalogue(), data.rounds()
options = explorer.measure_options(catalogue)

st.title(_("Refugee integration in Europe"))
st.caption(
    _("National Integration Evaluation Mechanism (NIEM): scores from 0 (least) to 100 "
      "(most favourable).")
)
first, second, third = st.columns(3)
round_info = urlstate.st_round_select(first, rounds, remember=True)
measure_key = urlstate.st_measure_select(second, options)
focus = urlstate.st_my_country_select(third, round_info, catalogue.countries)

view = data.overview(round_info.year, measure_key, focus)
views.st_illustrative_notice(view.figures)

map_column, side = st.columns(2, gap="large")
with map_column:
    clicked = views.st_map(view, rounds, catalogue, options[measure_key], focus)
    if focus:
        st.page_link(
            "app_pages/country.py",
            label=_("Open the profile of {country}").format(country=catalogue.countries[focus]),
            icon=":material/flag:",
            query_params={"country": focus, "round": round_info.year},
        )
if clicked in round_info.countries:
    st.switch_page(
        "app_pages/country.py", query_params={"country": clicked, "round": round_info.year}
    )

with side:
    views.st_headline(view.headline, catalogue)
    title = _("Ranking: {measure}, {round}")
    st.header(title.format(measure=options[measure_key], round=round_info.label), anchor="ranking")
    if event.is_on():
        event.st_event_ranking(view.figures, catalogue, options[measure_key], focus)
    else:
        views.st_figures_table(view.table, key="ranking", focus=focus)
        reports.st_report_download(round_info.year)
