"""Signed-in sessions that survive a reload: a table row per browser, found by a signed cookie.

The cookie holds a random token signed with the app's cookie secret; the table keeps only
the token's SHA-256, the account, and when the session was created, last seen and ends. A
session ends at its absolute expiry, after `session_idle_minutes` without a request, when
its account signs out, and when the account is disabled or its password reset. The
signature is defence in depth: the real check is the row.

A sign-in checked on a Streamlit page hands over to the cookie route by a one-time ticket,
valid for a minute, because a page cannot set an HttpOnly cookie itself.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlmodel import Session, col, select

from niem.accounts import Account, current_account
from niem.config import Settings
from niem.database import write_transaction
from niem.errors import NiemError, PermissionDenied
from niem.i18n import _
from niem.models import AppSecret, SignInSession, SignInTicket, User, as_utc, utc_now

COOKIE_NAME = "niem_session"
SECRET_NAME = "cookie"
TICKET_SECONDS = 60
# The launcher (niem/ui/launcher) sets this: only then do the /auth routes exist.
routes_served = False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def cookie_secret(session: Session, settings: Settings) -> str:
    """NIEM_COOKIE_SECRET, or else one generated once and kept in the database.

    Kept in the database rather than a file, so that every app instance on one PostgreSQL
    database signs alike, and a restart does not sign everyone out.
    """
    if settings.cookie_secret:
        return settings.cookie_secret
    stored = session.get(AppSecret, SECRET_NAME)
    if stored is None:

        def create() -> None:
            if session.get(AppSecret, SECRET_NAME) is None:
                session.add(AppSecret(name=SECRET_NAME, value=secrets.token_urlsafe(32)))

        write_transaction(session, create)
        stored = session.get(AppSecret, SECRET_NAME)
    assert stored is not None
    return stored.value


def _signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="niem-session-cookie")


def start_session(
    session: Session, name: str, settings: Settings, *, now: datetime | None = None
) -> str:
    """A new session for the account; the signed cookie value that refers to it."""
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    row = SignInSession(
        token_hash=_hash(token),
        user_name=name,
        created_at=now,
        last_seen=now,
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    write_transaction(session, lambda: session.add(row))
    return str(_signer(cookie_secret(session, settings)).dumps(token))


def _token(session: Session, cookie: str | None, settings: Settings) -> str | None:
    if not cookie or len(cookie) > 400:
        return None
    try:
        token = _signer(cookie_secret(session, settings)).loads(
            cookie, max_age=settings.session_hours * 3600
        )
    except BadSignature:  # a forged, altered or too old cookie
        return None
    return token if isinstance(token, str) else None


class SessionExpired(NiemError):
    """The session reached its idle or absolute expiry and has just been ended."""


def account_for_cookie(
    session: Session, cookie: str | None, settings: Settings, *, now: datetime | None = None
) -> Account | None:
    """The account a cookie is signed in as, if its session is live; it counts as seen now."""
    try:
        return live_account(session, cookie, settings, now=now)
    except SessionExpired:
        return None


def live_account(
    session: Session, cookie: str | None, settings: Settings, *, now: datetime | None = None
) -> Account | None:
    """As `account_for_cookie`, but a session that has just expired is ended and raises
    SessionExpired, so that the page can say why the reader is signed out."""
    now = now or utc_now()
    token = _token(session, cookie, settings)
    if token is None:
        return None
    row = session.get(SignInSession, _hash(token))
    if row is None:
        return None
    idle_until = as_utc(row.last_seen) + timedelta(minutes=settings.session_idle_minutes)  # type: ignore[operator]
    if now >= as_utc(row.expires_at) or now >= idle_until:  # type: ignore[operator]
        end_session(session, cookie, settings)
        raise SessionExpired(
            _("your sign-in has expired, so you are signed out; sign in again to go on")
        )
    try:
        account = current_account(session, Account(row.user_name, ""))
    except PermissionDenied:
        return None
    if (now - as_utc(row.last_seen)).total_seconds() > 60:  # type: ignore[operator]
        # Seen at most once a minute, so reading a page is not a write each time.
        row.last_seen = now
        write_transaction(session, lambda: session.add(row))
    return account


def end_session(session: Session, cookie: str | None, settings: Settings) -> None:
    """End the session a cookie refers to (signing out); nothing if there is none."""
    token = _token(session, cookie, settings)
    if token is not None:
        digest = _hash(token)
        write_transaction(
            session,
            lambda: session.execute(
                delete(SignInSession).where(col(SignInSession.token_hash) == digest)
            ),
        )


def end_sessions_of(session: Session, name: str) -> None:
    """End every session of an account, inside the write that disables or resets it."""
    session.execute(delete(SignInSession).where(col(SignInSession.user_name) == name))


def sign_out_everywhere(session: Session, cookie: str | None, settings: Settings) -> None:
    """Sign out: end every session of the account the cookie belongs to."""
    token = _token(session, cookie, settings)
    row = session.get(SignInSession, _hash(token)) if token else None
    if row is not None:
        name = row.user_name
        write_transaction(session, lambda: end_sessions_of(session, name))


def live_sessions(session: Session, name: str) -> int:
    """How many sessions of the account exist (ended ones are removed)."""
    return len(session.exec(select(SignInSession).where(SignInSession.user_name == name)).all())


def issue_ticket(session: Session, account: Account, *, now: datetime | None = None) -> str:
    """A one-time ticket the cookie route exchanges for a session, within a minute."""
    now = now or utc_now()
    ticket = secrets.token_urlsafe(32)
    row = SignInTicket(
        ticket_hash=_hash(ticket),
        user_name=account.name,
        expires_at=now + timedelta(seconds=TICKET_SECONDS),
    )
    write_transaction(session, lambda: session.add(row))
    return ticket


def redeem_ticket(
    session: Session, ticket: str, settings: Settings, *, now: datetime | None = None
) -> str | None:
    """The signed cookie value of a new session, if the ticket is live; it is used up."""
    now = now or utc_now()
    if not ticket or len(ticket) > 100:
        return None
    digest = _hash(ticket)
    row = session.get(SignInTicket, digest)
    if row is None:
        return None
    name, expires = row.user_name, as_utc(row.expires_at)

    def use() -> int:
        used = session.execute(delete(SignInTicket).where(col(SignInTicket.ticket_hash) == digest))
        return int(used.rowcount)  # type: ignore[attr-defined]

    if write_transaction(session, use) != 1 or expires is None or now >= expires:
        return None
    user = session.get(User, name)
    if user is None or user.disabled:
        return None
    return start_session(session, name, settings, now=now)


def safe_next(target: str | None, default: str = "/") -> str:
    """Where to go after signing in: only a local path such as '/review?x=1'."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return default
    if target.startswith(("//", "/\\")) or any(ord(c) < 32 or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
