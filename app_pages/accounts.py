"""Accounts: the coordinator adds partner and coordinator accounts and disables them."""

import streamlit as st

from niem import tables
from niem.i18n import _
from niem.models import Role
from niem.ui import account_views, actions, data, session
from niem.wording import country_label, role_text

account = session.require_account(_("manage accounts"))
catalogue = data.catalogue()

st.title(_("Accounts"))
if not account.is_coordinator:
    st.info(_("Only the coordinator manages accounts."))
    st.stop()
if message := session.message("accounts"):
    st.success(message)

users = actions.user_accounts(account)
if users is None:
    st.stop()
st.dataframe(tables.accounts_table(users, catalogue), hide_index=True, key="accounts_table")

st.header(_("Add an account"))
with st.form("add_account"):
    name = st.text_input(_("User name"), key="new_name")
    role = st.radio(
        _("Role"),
        [Role.PARTNER.value, Role.COORDINATOR.value],
        format_func=role_text,
        horizontal=True,
        key="new_role",
    )
    countries = st.multiselect(
        _("Countries a partner may submit for (none for a coordinator)"),
        list(catalogue.countries),
        format_func=lambda c: country_label(catalogue.countries, c),
        placeholder=_("Choose countries"),
        key="new_countries",
    )
    password = st.text_input(
        _("Password (at least 8 characters; tell it to the person privately)"),
        type="password",
        key="new_password",
    )
    adding = st.form_submit_button(_("Add the account"), type="primary", key="add_account_button")
if adding and (added := actions.add_account(account, name, role, password, countries)):
    for key in ("new_name", "new_countries", "new_password"):
        del st.session_state[key]
    session.rerun_with_message("accounts", _("The account is added."))

account_views.st_account_changes(account, users, catalogue)

st.header(_("Disable an account"))
st.write(_("A disabled account can no longer sign in or act; what it submitted stays."))
others = [u.name for u in users if not u.disabled and u.name != account.name]
if not others:
    st.info(_("There is no other active account."))
else:
    chosen = st.selectbox(_("Account"), others, key="disable_name")
    if st.button(_("Disable this account"), key="disable") and actions.disable_account(
        account, chosen
    ):
        session.rerun_with_message("accounts", _("The account is disabled."))

account_views.st_account_log(account)
