"""NIEM Explorer: the router and frame of the Streamlit app."""

import streamlit as st

from niem import ui

st.set_page_config(page_title="NIEM Explorer", page_icon="🗺️", layout="wide")

explore = [
    # The default page is served at /; its own path is left free for the alias below.
    st.Page(
        "pages/overview.py",
        title="Overview",
        icon=":material/public:",
        url_path="home",
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

account = ui.signed_in()
partners = [
    st.Page(
        "pages/submit.py",
        title="Submit scores",
        icon=":material/upload_file:",
        url_path="submit",
        visibility="visible" if account else "hidden",
    ),
    st.Page(
        "pages/review.py",
        title="Review" if account and account.is_coordinator else "My submissions",
        icon=":material/fact_check:",
        url_path="review",
        visibility="visible" if account else "hidden",
    ),
    st.Page("pages/history.py", title="History", icon=":material/history:", url_path="history"),
    st.Page(
        "pages/accounts.py",
        title="Accounts",
        icon=":material/group:",
        url_path="accounts",
        visibility="visible" if account and account.is_coordinator else "hidden",
    ),
    st.Page(
        "pages/sign_in.py",
        title="Sign in" if account is None else "Account",
        icon=":material/login:" if account is None else ":material/account_circle:",
        url_path="sign-in",
    ),
]


def open_overview() -> None:
    """Links to /overview land on the overview (served at /), keeping their view."""
    st.switch_page(explore[0], query_params=st.query_params.to_dict())


overview_alias = st.Page(open_overview, title="Overview", url_path="overview", visibility="hidden")
st.navigation(explore + partners + [overview_alias], position="top").run()
