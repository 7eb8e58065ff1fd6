"""NIEM Explorer: the router and frame of the Streamlit app."""

import streamlit as st

st.set_page_config(page_title="NIEM Explorer", page_icon="🗺️", layout="wide")

explore = [
    st.Page("pages/overview.py", title="Overview", icon="🗺️", url_path="overview", default=True),
    st.Page("pages/compare.py", title="Compare countries", icon="📊", url_path="compare"),
    st.Page("pages/policy_areas.py", title="Policy areas", icon="🧩", url_path="policy-areas"),
    st.Page("pages/rounds.py", title="Rounds", icon="🔁", url_path="rounds"),
    st.Page("pages/country_profile.py", title="Country profile", icon="📄", url_path="country"),
    st.Page("pages/methodology.py", title="Methodology", icon="📐", url_path="methodology"),
]

st.navigation({"Explore": explore}, position="top").run()
