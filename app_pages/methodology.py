"""Methodology: the framework, the scoring and rounding rules, and which figures are real."""

import streamlit as st

from niem import methodology, provenance, trends
from niem.i18n import _, number_text
from niem.ui import data
from niem.ui import explorer_views as views

catalogue, rounds = data.catalogue(), data.rounds()

st.title(_("Methodology"))
st.header(_("How scores are computed"))
st.write(methodology.method_text())
st.markdown(
    "\n".join(
        [
            "- "
            + _("Coverage needed for a figure: **{share}** of the scored indicators beneath "
                "it; below that, the figure reads “insufficient data (1 of 3 indicators)”, "
                "and “no data” when no indicator has a value.").format(
                share=f"{methodology.COVERAGE_THRESHOLD:.0%}"
            ),
            "- " + methodology.rounding_text(),
            "- "
            + _("A change counts as flat between rounds when it is under **{points}** "
                "points.").format(
                points=number_text(trends.FLAT_THRESHOLD, trailing_zeros=False)
            ),
            "- "
            + _("Published figures are always shown as published, with their source. Where "
                "the current indicator data give a value more than **{tolerance}** points "
                "away, the pages and the export show both, and `niem check` reports it.").format(
                tolerance=number_text(methodology.PUBLISHED_TOLERANCE, trailing_zeros=False)
            ),
            "- " + provenance.rule_text(),
        ]
    )
)

st.header(_("Which figures are real"))
views.st_published_figures(data.published_figures(), catalogue, key="published")
st.subheader(_("Published statements about the figures"))
views.st_facts(data.fact_checks(), key="facts")
st.warning(views.illustrative_banner(), icon=":material/science:")

st.header(_("Rounds"))
views.st_rounds(rounds, catalogue)

st.header(_("The framework"))
views.st_framework(catalogue, key="framework")
