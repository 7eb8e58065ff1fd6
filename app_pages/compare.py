"""Compare countries: the chosen countries ranked, and their dimensions and steps side by side."""

import streamlit as st

from niem.i18n import _
from niem.ui import data, urlstate
from niem.ui import explorer_views as views
from niem.views import reference_label
from niem.wording import country_label

catalogue, rounds = data.catalogue(), data.rounds()

st.title(_("Compare countries"))
first, second, third = st.columns([1, 3, 1])
round_info = urlstate.st_round_select(first, rounds, remember=True)
participants = list(round_info.countries)
chosen = second.multiselect(
    _("Countries"),
    participants,
    default=urlstate.url_choices("countries", participants, participants, "countries"),
    format_func=lambda c: country_label(catalogue.countries, c),
    placeholder=_("Choose countries"),
    key="countries",
)
focus = urlstate.st_my_country_select(third, round_info, catalogue.countries)
if not chosen:
    st.info(_("Pick at least one country to compare."))
    st.stop()
urlstate.keep_in_url(countries=None if chosen == participants else chosen)

view = data.comparison(round_info.year, chosen, focus if focus in chosen else None)
comparison = view.comparison
views.st_illustrative_notice(comparison.overall, comparison.dimensions, comparison.steps)

st.header(_("Overall ranking"))
if comparison.reference is not None:
    st.caption(
        _("Equal scores share a rank. The dashed line is {reference}: {value} ({origin}).").format(
            reference=reference_label(),
            value=comparison.reference.text,
            origin=comparison.reference.provenance.words,
        )
    )
views.st_ranking(view.ranking, "compare_ranking", focus=focus)

st.header(_("Dimensions by country"))
views.st_matrix(view.dimensions, "compare_dimensions", focus)

st.header(_("Steps of the policy cycle by country"))
views.st_matrix(view.steps, "compare_steps", focus)
