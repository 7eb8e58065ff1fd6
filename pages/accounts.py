"""Accounts: the coordinator adds partner and coordinator accounts and disables them."""

import streamlit as st

from niem import ui
from niem.models import Role

ui.require_database()
account = ui.require_account("manage accounts")
catalogue = ui.catalogue()

st.title("Accounts")
if not account.is_coordinator:
    st.info("Only the coordinator manages accounts.")
    st.stop()
if message := st.session_state.pop("accounts_message", None):
    st.success(message)

users = ui.user_accounts(account)
if users is None:
    st.stop()
st.dataframe(ui.accounts_table(users, catalogue), hide_index=True, key="accounts_table")

st.header("Add an account")
with st.form("add_account"):
    name = st.text_input("User name", key="new_name")
    role = st.radio(
        "Role", [Role.PARTNER.value, Role.COORDINATOR.value], horizontal=True, key="new_role"
    )
    countries = st.multiselect(
        "Countries a partner may submit for (none for a coordinator)",
        list(catalogue.countries),
        format_func=lambda c: ui.country_label(catalogue, c),
        key="new_countries",
    )
    password = st.text_input(
        "Password (at least 8 characters; tell it to the person privately)",
        type="password",
        key="new_password",
    )
    adding = st.form_submit_button("Add the account", type="primary", key="add_account_button")
if adding and (added := ui.add_account(account, name, role, password, countries)):
    st.session_state["accounts_message"] = f"Added {ui.account_text(added, catalogue)}."
    for key in ("new_name", "new_countries", "new_password"):
        del st.session_state[key]
    st.rerun()

st.header("Disable an account")
st.write("A disabled account can no longer sign in or act; what it submitted stays.")
others = [u.name for u in users if not u.disabled and u.name != account.name]
if not others:
    st.info("There is no other active account.")
    st.stop()
chosen = st.selectbox("Account", others, key="disable_name")
if st.button(f"Disable {chosen}", key="disable"):
    if ui.disable_account(account, chosen):
        st.session_state["accounts_message"] = f"Disabled {chosen}."
        st.rerun()
