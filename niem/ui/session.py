"""What one browser session remembers: the signed-in account, messages, what was submitted."""

from __future__ import annotations

import streamlit as st

from niem import accounts
from niem.accounts import Account
from niem.config import load_settings
from niem.i18n import _
from niem.models import RevisionKind
from niem.ui import actions

ACCOUNT_KEY = "account"
SIGN_IN_PAGE = "app_pages/sign-in.py"


def signed_in() -> Account | None:
    """The account signed in in this browser session, as the frame last read it, if any."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account if isinstance(account, Account) else None


def sign_in(name: str, password: str) -> Account | None:
    """Check the password and remember the account; on failure show why and give None."""
    settings = load_settings()
    account = actions.attempt(
        lambda session: accounts.authenticate(
            session,
            name,
            password,
            attempts_before_lock=settings.login_attempts_before_lock,
            lock_minutes=settings.login_lock_minutes,
        )
    )
    if account is not None:
        st.session_state[ACCOUNT_KEY] = account
    return account


def sign_out() -> None:
    """Forget the signed-in account."""
    st.session_state.pop(ACCOUNT_KEY, None)


def refresh_account() -> Account | None:
    """The signed-in account as the database has it now; the frame calls this once a run."""
    account = signed_in()
    if account is None:
        return None
    current = actions.attempt(lambda session: accounts.current_account(session, account))
    if current is None:
        # A disabled or deleted account is signed out at its next click, not at its next login.
        sign_out()
        return None
    st.session_state[ACCOUNT_KEY] = current
    return current


def require_account(purpose: str) -> Account:
    """The signed-in account; without one, a sign-in prompt and the page stops."""
    account = signed_in()
    if account is None:
        st.info(_("Sign in to {purpose}.").format(purpose=purpose))
        st.page_link(SIGN_IN_PAGE, label=_("Sign in"), icon=":material/login:")
        st.stop()
    return account


def rerun_with_message(page: str, message: str) -> None:
    """Run the page again from the top, showing this message once."""
    st.session_state[f"{page}_message"] = message
    st.rerun()


def message(page: str) -> str | None:
    """The message left for this page by `rerun_with_message`, once."""
    text = st.session_state.pop(f"{page}_message", None)
    return text if isinstance(text, str) else None


def already_submitted(file_id: str) -> bool:
    """Whether this very upload was submitted already in this browser session."""
    return file_id in st.session_state.get("submitted_files", ())


def editor_generation() -> int:
    """How many table edits were submitted, so the table starts afresh after each."""
    return int(st.session_state.get("editor_generation", 0))


def remember_submission(kind: RevisionKind, file_id: str | None) -> None:
    """Remember what was sent, so the same scores are not submitted twice by accident."""
    if kind == RevisionKind.UPLOAD and file_id is not None:
        st.session_state.setdefault("submitted_files", set()).add(file_id)
    else:
        st.session_state["editor_generation"] = editor_generation() + 1
