"""What one browser session remembers: the signed-in account, messages, what was submitted."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import streamlit as st
from sqlmodel import Session

from niem import accounts, sessions
from niem.accounts import Account
from niem.config import load_settings
from niem.i18n import _, current_language
from niem.models import RevisionKind
from niem.ui import actions, language, routes

ACCOUNT_KEY = "account"
# The signed session token when the browser holds no cookie (`streamlit run app.py`).
TOKEN_KEY = "session_token"
SIGN_IN_PAGE = "app_pages/sign-in.py"
ROOT = Path(__file__).resolve().parent.parent.parent


def session_cookie() -> str | None:
    """The browser's session cookie, as sent when the page opened; tests patch this."""
    try:
        value = st.context.cookies.get(sessions.COOKIE_NAME)
    except Exception:  # noqa: BLE001  (no browser, such as in AppTest)
        return None
    return value if isinstance(value, str) else None


def signed_in() -> Account | None:
    """The account signed in in this browser session, as the frame last read it, if any."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account if isinstance(account, Account) else None


def sign_in(name: str, password: str, next_page: str) -> Account | None:
    """Check the password and start a session; on failure show why and give None.

    Served with the sign-in route, the browser is sent on to it, which sets the cookie and
    returns to `next_page`; otherwise the session lives in this browser tab only.
    """
    settings = load_settings()

    def start(session: Session) -> tuple[Account, str]:
        account = accounts.authenticate(
            session,
            name,
            password,
            attempts_before_lock=settings.login_attempts_before_lock,
            lock_minutes=settings.login_lock_minutes,
        )
        if sessions.routes_served:
            return account, sessions.issue_ticket(session, account)
        return account, sessions.start_session(session, account.name, settings)

    started = actions.attempt(start)
    if started is None:
        return None
    account, secret = started
    if sessions.routes_served:
        next_page = in_this_language(next_page)
        target = routes.TICKET_PATH + "?" + urlencode({"ticket": secret, "next": next_page})
        st.html(
            f"<script>window.location.assign({json.dumps(target)})</script>",
            unsafe_allow_javascript=True,
        )
        st.info(_("Signing you in…"))
        st.stop()
    st.session_state[TOKEN_KEY] = secret
    st.session_state[ACCOUNT_KEY] = account
    return account


def sign_out() -> None:
    """End every session of the signed-in account, in every browser, and forget it here."""
    token = session_cookie() or st.session_state.get(TOKEN_KEY)
    settings = load_settings()
    actions.attempt(lambda session: sessions.sign_out_everywhere(session, token, settings))
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state.pop(TOKEN_KEY, None)


def refresh_account() -> Account | None:
    """The signed-in account as the database has it now; the frame calls this once a run.

    A session ended elsewhere (signed out, disabled, reset, expired) signs this page out.
    """
    settings = load_settings()
    token = session_cookie() or st.session_state.get(TOKEN_KEY)
    account = None
    if token:
        account = actions.attempt(
            lambda session: sessions.live_account(session, token, settings)
        )
    if account is None:
        st.session_state.pop(ACCOUNT_KEY, None)
        st.session_state.pop(TOKEN_KEY, None)
        return None
    st.session_state[ACCOUNT_KEY] = account
    return account


def go_to(target: str) -> None:
    """Open the app page a local path such as '/review?x=1' names (the overview if none)."""
    parts = urlsplit(sessions.safe_next(target))
    name = parts.path.strip("/") or "home"
    page = Path(SIGN_IN_PAGE).parent / f"{name}.py"
    if not name.replace("-", "").isalnum() or not (ROOT / page).exists() or name == "sign-in":
        page = Path(SIGN_IN_PAGE)
    st.switch_page(str(page), query_params=dict(parse_qsl(parts.query)))


def in_this_language(target: str) -> str:
    """A local path that keeps the reader's language, so a sign-in never switches it."""
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    query.setdefault(language.LINK_KEY, current_language())
    return f"{parts.path}?{urlencode(query)}"


def current_location() -> str:
    """This page's path and view, for coming back here after signing in."""
    path = urlsplit(st.context.url or "/").path or "/"
    query = urlencode(st.query_params.to_dict())
    return sessions.safe_next(f"{path}?{query}" if query else path)


def require_account(purpose: str) -> Account:
    """The signed-in account; without one, a sign-in prompt (back here after) and the page
    stops. An account with a reset password must choose its own first."""
    account = signed_in()
    if account is None:
        st.info(_("Sign in to {purpose}.").format(purpose=purpose))
        st.page_link(
            SIGN_IN_PAGE,
            label=_("Sign in"),
            icon=":material/login:",
            query_params={"next": current_location()},
        )
        st.stop()
    if account.must_change_password:
        from niem.ui.account_views import st_change_password

        st.warning(_("Your password was reset. Choose your own password to go on."))
        st_change_password(account)
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
