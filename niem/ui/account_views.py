"""Drawing the account forms: one's own password, and the coordinator's account changes."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from niem import sessions, tables
from niem.accounts import Account
from niem.i18n import _
from niem.models import Role
from niem.store import Catalogue
from niem.ui import actions, session
from niem.wording import country_label


def st_change_password(account: Account) -> None:
    """A form to change one's own password, the current one required."""
    with st.form("change_password"):
        old = st.text_input(
            _("Current password"), type="password", autocomplete="current-password", key="old_pw"
        )
        new = st.text_input(
            _("New password (at least 8 characters)"),
            type="password",
            autocomplete="new-password",
            key="new_pw",
        )
        again = st.text_input(
            _("New password again"), type="password", autocomplete="new-password", key="again_pw"
        )
        changing = st.form_submit_button(_("Change the password"), key="change_password_button")
    if not changing:
        return
    if new != again:
        st.error(_("The two new passwords differ; type the same one twice."))
        return
    if actions.change_own_password(account, old, new):
        session.rerun_with_message("account", _("Your password is changed."))


def st_session_notice() -> None:
    """Say how long a sign-in lasts where the app is served without its sign-in route."""
    if not sessions.routes_served:
        st.caption(
            _(
                "You stay signed in in this browser tab only: a reload signs you out. Staying "
                "signed in across reloads and tabs needs the app served by `niem-app` "
                "(or `make run`)."
            )
        )


def st_account_changes(account: Account, users: Sequence[Account], catalogue: Catalogue) -> None:
    """Reset a password, re-enable an account, or change a partner's countries."""
    others = [u for u in users if u.name != account.name]
    if not others:
        return
    st.header(_("Change an account"))
    by_name = {u.name: u for u in others}
    chosen = by_name[st.selectbox(_("Account"), list(by_name), key="change_name")]
    reset, enable, countries = st.columns(3)
    with reset:
        st.subheader(_("Reset the password"))
        st.write(_("Gives a one-time password, which must be changed at the next sign-in."))
        if st.button(_("Reset the password"), key="reset_password"):
            one_time = actions.reset_password(account, chosen.name)
            if one_time is not None:
                st.success(_("One-time password (tell it to the person privately):"))
                # Plain text, so that no character of it is read as Markdown.
                st.text(one_time)
    with enable:
        st.subheader(_("Enable again"))
        if not chosen.disabled:
            st.write(_("This account is not disabled."))
        elif st.button(_("Enable this account"), key="enable") and actions.enable_account(
            account, chosen.name
        ):
            session.rerun_with_message("accounts", _("The account is enabled again."))
    with countries:
        st.subheader(_("Countries"))
        if chosen.role != Role.PARTNER:
            st.write(_("A coordinator works on every country."))
            return
        codes = st.multiselect(
            _("Countries this partner submits for"),
            list(catalogue.countries),
            default=list(chosen.countries),
            format_func=lambda c: country_label(catalogue.countries, c),
            placeholder=_("Choose countries"),
            key=f"countries_of_{chosen.name}",
        )
        if st.button(_("Save the countries"), key="save_countries") and actions.change_countries(
            account, chosen.name, codes
        ):
            session.rerun_with_message("accounts", _("The countries are changed."))


def st_account_log(account: Account) -> None:
    """The account log, newest first."""
    st.header(_("Account log"))
    events = actions.account_events(account)
    if events is None:
        return
    if not events:
        st.info(_("Nothing has been done to any account yet."))
        return
    st.dataframe(tables.account_log_table(events), hide_index=True, key="account_log")
