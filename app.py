"""NIEM Explorer: the router and frame of the Streamlit app."""

import streamlit as st

st.set_page_config(page_title="NIEM Explorer", page_icon="🗺️", layout="wide")

explore = [
    st.Page(
        "pages/overview.py",
        title="Overview",
        icon=":material/public:",
        url_path="overview",
        default=True,
    ),
    st.Page(
        "pages/compare.py",
        title="Compare countries",
        icon=":material/bar_chart:",
        url_path="compare",
    ),
    st.Page(
        "pages/policy_areas.py",
        title="Policy areas",
        icon=":material/category:",
        url_path="policy-areas",
    ),
    st.Page("pages/rounds.py", title="Rounds", icon=":material/compare_arrows:", url_path="rounds"),
    st.Page(
        "pages/country_profile.py",
        title="Country profile",
        icon=":material/flag:",
        url_path="country",
    ),
    st.Page(
        "pages/methodology.py",
        title="Methodology",
        icon=":material/menu_book:",
        url_path="methodology",
    ),
]

st.navigation(explore, position="top").run()
