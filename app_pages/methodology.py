"""Methodology: the framework, the scoring rule and which figures are real."""

import streamlit as st

from niem import explorer, methodology
from niem.ui import data
from niem.ui import explorer_views as views

catalogue, rounds = data.catalogue(), data.rounds()

st.title("Methodology")
st.header("How scores are computed")
st.write(methodology.METHOD_TEXT)
st.markdown(
    f"- Coverage needed for a figure: **{methodology.COVERAGE_THRESHOLD:.0%}** of the scored "
    "indicators beneath it.\n"
    f"- A change counts as flat between rounds when it is under **{explorer.FLAT_THRESHOLD:g}** "
    "points.\n"
    f"- A computed figure that differs from a published one by more than "
    f"**{methodology.PUBLISHED_TOLERANCE:g}** points is reported by `niem check`.\n"
    "- Published figures are always shown as published, with their source."
)

st.header("Which figures are real")
views.st_published_figures(data.published_figures(), catalogue, key="published")
st.warning(views.ILLUSTRATIVE_BANNER.replace("here", "in this app"))

st.header("Rounds")
views.st_rounds(rounds, catalogue)

st.header("The framework")
views.st_framework(catalogue, key="framework")
