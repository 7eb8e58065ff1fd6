"""Sign in: partner organisations and the coordinator sign in to submit and review scores."""

import streamlit as st

from niem.i18n import _
from niem.ui import data, session
from niem.wording import account_text

if session.signed_in() is None:
    st.title(_("Sign in"))
    st.write(
        _("Partner organisations and the coordinator sign in here to submit and review scores. "
          "Everyone else can use the explorer without an account.")
    )
    form_column, _rest = st.columns([2, 3])
    with form_column, st.form("sign_in"):
        name = st.text_input(_("User name"), key="user_name")
        password = st.text_input(_("Password"), type="password", key="password")
        signing_in = st.form_submit_button(_("Sign in"), type="primary", key="sign_in_button")
    if signing_in and session.sign_in(name, password):
        st.rerun()
    st.stop()

account = session.require_account(_("see your account"))
st.title(_("Your account"))
# Plain text: a user name is shown as typed, never as Markdown.
st.text(
    _("Signed in as {account}").format(account=account_text(account, data.catalogue().countries))
)
st.page_link("app_pages/submit.py", label=_("Submit scores"), icon=":material/upload_file:")
st.page_link(
    "app_pages/review.py",
    label=_("Review submissions") if account.is_coordinator else _("My submissions"),
    icon=":material/fact_check:",
)
st.page_link("app_pages/history.py", label=_("History of scores"), icon=":material/history:")
if account.is_coordinator:
    st.page_link("app_pages/accounts.py", label=_("Accounts"), icon=":material/group:")
if st.button(_("Sign out"), key="sign_out", icon=":material/logout:"):
    session.sign_out()
    st.rerun()
