"""Compare countries: the chosen countries ranked, and their dimensions and steps side by side."""

import streamlit as st

from niem import explorer
from niem.i18n import _
from niem.ui import data, urlstate
from niem.ui import explorer_views as views
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

comparison = explorer.compare_countries(
    data.results(round_info.year), round_info.year, chosen, focus if focus in chosen else None
)
views.st_illustrative_notice(comparison.overall, comparison.dimensions, comparison.steps)

st.header(_("Overall ranking"))
reference = _("the average of the other chosen countries")
if comparison.reference is not None:
    st.caption(
        _("Equal scores share a rank. The dashed line is {reference}: {value} ({origin}).").format(
            reference=reference,
            value=comparison.reference.text,
            origin=comparison.reference.provenance.words,
        )
    )
views.st_ranking(
    comparison.overall,
    catalogue,
    _("the overall score of the chosen countries"),
    "compare_ranking",
    focus=focus,
    reference=comparison.reference,
    reference_label=reference,
)

st.header(_("Dimensions by country"))
views.st_matrix(
    comparison.dimensions,
    catalogue.dimensions,
    catalogue,
    _("dimension scores"),
    "compare_dimensions",
    focus,
)

st.header(_("Steps of the policy cycle by country"))
views.st_matrix(
    comparison.steps, catalogue.steps, catalogue, _("step scores"), "compare_steps", focus
)
