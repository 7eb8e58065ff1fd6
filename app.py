"""NIEM Explorer: the router and frame of the Streamlit app.

The frame does what every page needs, once: the page setup, the stylesheet, the database
check, the signed-in account as the database has it now, and the navigation; it runs them, the
page included, inside the app's one error edge, so that no error reaches a visitor as a
traceback. Each page is `app_pages/<its URL>.py`: Streamlit takes a page's URL from its file
name, and so do the page tests. The folder is not named `pages/`: that name also switches on
Streamlit's older page discovery, which answers the first deep link after start-up with "Page
not found".
"""

import streamlit as st

from niem import runtime
from niem.i18n import _
from niem.ui import actions, data, event, language, session, style

# The first run has loaded the app's code: the garbage collector leaves it out from now on.
runtime.settle()
st.set_page_config(page_title="NIEM Explorer", page_icon="🗺️", layout="wide")
with actions.error_edge(stop=True):
    language.choose_language()
    style.st_styles()
    data.require_database()
    account = session.refresh_account()

explore = [
    # The overview is the home page, served at /; /overview is the alias at the end.
    st.Page("app_pages/home.py", title=_("Overview"), icon=":material/public:", default=True),
    st.Page("app_pages/compare.py", title=_("Compare countries"), icon=":material/bar_chart:"),
    st.Page("app_pages/policy-areas.py", title=_("Policy areas"), icon=":material/category:"),
    st.Page("app_pages/rounds.py", title=_("Rounds"), icon=":material/compare_arrows:"),
    st.Page("app_pages/country.py", title=_("Country profile"), icon=":material/flag:"),
    st.Page("app_pages/practices.py", title=_("Practices"), icon=":material/lightbulb:"),
    st.Page("app_pages/methodology.py", title=_("Methodology"), icon=":material/menu_book:"),
]

partners = [
    st.Page(
        "app_pages/submit.py",
        title=_("Submit scores"),
        icon=":material/upload_file:",
        visibility="visible" if account else "hidden",
    ),
    st.Page(
        "app_pages/review.py",
        title=_("Review") if account and account.is_coordinator else _("My submissions"),
        icon=":material/fact_check:",
        visibility="visible" if account else "hidden",
    ),
    st.Page("app_pages/history.py", title=_("History"), icon=":material/history:"),
    st.Page(
        "app_pages/accounts.py",
        title=_("Accounts"),
        icon=":material/group:",
        visibility="visible" if account and account.is_coordinator else "hidden",
    ),
    st.Page(
        "app_pages/manage-rounds.py",
        title=_("Manage rounds"),
        icon=":material/event_note:",
        visibility="visible" if account and account.is_coordinator else "hidden",
    ),
    st.Page(
        "app_pages/sign-in.py",
        title=_("Sign in") if account is None else _("Account"),
        icon=":material/login:" if account is None else ":material/account_circle:",
    ),
]


def open_overview() -> None:
    """Links to /overview land on the overview (served at /), keeping their view."""
    st.switch_page(explore[0], query_params=st.query_params.to_dict())


overview_alias = st.Page(
    open_overview, title=_("Overview"), url_path="overview", visibility="hidden"
)
with actions.error_edge(stop=True):
    language.st_language_select()
    page = st.navigation(explore + partners + [overview_alias], position="top")
    try:
        page.run()
    finally:
        # After the page, so the QR code carries the view the page has just put in the URL.
        event.st_event_frame(page.url_path)
