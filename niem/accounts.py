"""Accounts, logins and the one permission check every page and command goes through.

Viewers have no account (the user is `None`); partners are bound to countries; the
coordinator may do everything except withdraw someone else's revision (it rejects it, with a
reason). Whoever runs `niem` on the server is the `OPERATOR`: it holds the database itself,
so there is no login to check. Passwords are stored only as salted scrypt hashes.

User names are compared as `user_name_key` has them (NFKC, case-insensitive), and may not
hold control or invisible characters, so that two look-alike accounts cannot coexist. A
failed sign-in answers the same, in words and in work, whether the name is unknown, the
password wrong or the account locked: the answer never tells which accounts exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from sqlalchemy import ColumnElement, case, or_, update
from sqlmodel import Session, col, select

from niem.config import Settings
from niem.countries import resolve_country
from niem.database import write_transaction
from niem.errors import NiemError, PermissionDenied, UnknownChoice
from niem.i18n import N_, _
from niem.models import (
    AccountEvent,
    Country,
    OneTimePassword,
    RevisionStatus,
    Role,
    User,
    UserCountry,
    as_utc,
    utc_now,
)
from niem.text import check_plain, invisible_character

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 8
DEFAULTS = Settings()
# Refusals never repeat a user name: the pages show them as formatted text.
DISABLED = N_("this account is disabled; ask the coordinator")


class LoginFailed(NiemError):
    """The name and password do not match an account that may log in now."""


class AccountDisabled(LoginFailed):
    """The coordinator disabled the account."""


class NotTheAuthor(PermissionDenied):
    """Only the author withdraws a revision; a coordinator rejects someone else's instead."""


class Action(StrEnum):
    VIEW = "view"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    REJECT = "reject"
    ROLLBACK = "rollback"
    PUBLISH_DIRECTLY = "publish_directly"
    MANAGE_USERS = "manage_users"
    VIEW_PENDING = "view_pending"
    SUBMIT_PRACTICE = "submit_practice"
    REVIEW_PRACTICE = "review_practice"
    MANAGE_ROUNDS = "manage_rounds"
    HANDLE_FEEDBACK = "handle_feedback"


ACTION_WORDS = {
    Action.VIEW: N_("view scores"),
    Action.SUBMIT: N_("submit scores"),
    Action.WITHDRAW: N_("withdraw revisions"),
    Action.APPROVE: N_("approve revisions"),
    Action.REJECT: N_("reject revisions"),
    Action.ROLLBACK: N_("roll back revisions"),
    Action.PUBLISH_DIRECTLY: N_("publish scores without review"),
    Action.MANAGE_USERS: N_("manage accounts"),
    Action.VIEW_PENDING: N_("see unpublished revisions"),
    Action.SUBMIT_PRACTICE: N_("submit practices"),
    Action.REVIEW_PRACTICE: N_("publish or return practices"),
    Action.MANAGE_ROUNDS: N_("open rounds and add countries to them"),
    Action.HANDLE_FEEDBACK: N_("read and answer feedback on scores"),
}
COORDINATOR_ONLY = frozenset(
    {
        Action.APPROVE,
        Action.REJECT,
        Action.ROLLBACK,
        Action.PUBLISH_DIRECTLY,
        Action.MANAGE_USERS,
        Action.REVIEW_PRACTICE,
        Action.MANAGE_ROUNDS,
    }
)
# Actions a partner may take only for its own countries.
FOR_OWN_COUNTRIES = frozenset({Action.SUBMIT, Action.SUBMIT_PRACTICE, Action.HANDLE_FEEDBACK})


@dataclass(frozen=True)
class Account:
    """A logged-in user as plain data: safe to keep in a page's session state."""

    name: str
    role: str
    countries: tuple[str, ...] = ()
    disabled: bool = False
    # Set after a reset: the one-time password must be replaced before anything else.
    must_change_password: bool = False

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


class Operator:
    """Whoever runs `niem` on the server: it may manage accounts and see every revision."""

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR = Operator()
# Who acts or reads: an account, a viewer without one (None), or the operator.
Actor = Account | Operator | None


def submit_countries(user: Account) -> frozenset[str] | None:
    """The countries the user may submit scores for; None when it may for every country."""
    return None if user.is_coordinator else frozenset(user.countries)


def authorize(
    user: Account | None,
    action: Action,
    *,
    country: str | None = None,
    author: str | None = None,
) -> None:
    """Raise PermissionDenied unless the user may do the action (for a country or author)."""
    if action == Action.VIEW:
        return
    if user is None:
        raise PermissionDenied(
            _("log in to {action}; without an account you may only view scores").format(
                action=_(ACTION_WORDS[action])
            )
        )
    if user.disabled:
        raise PermissionDenied(_(DISABLED))
    if action == Action.WITHDRAW and user.is_coordinator and author not in (None, user.name):
        # Withdrawing leaves the partner no reason; the coordinator's refusal is a rejection.
        raise NotTheAuthor(
            _("a coordinator may only withdraw its own unpublished revisions; this one is by "
              "another account, so reject it with a reason instead")
        )
    if user.is_coordinator:
        return
    if action in COORDINATOR_ONLY or user.role != Role.PARTNER:
        raise PermissionDenied(
            _("only a coordinator may {action}").format(action=_(ACTION_WORDS[action]))
        )
    if action in FOR_OWN_COUNTRIES and country is not None and not _submits_for(user, country):
        raise PermissionDenied(
            _("this account may not {action} for {country}; its countries are {countries}").format(
                action=_(ACTION_WORDS[action]), country=country, countries=" ".join(user.countries)
            )
        )
    if action in (Action.WITHDRAW, Action.VIEW_PENDING) and author not in (None, user.name):
        raise PermissionDenied(
            _("an account may only withdraw its own unpublished revisions; this one is by "
              "another account")
            if action == Action.WITHDRAW
            else _("an account may only see its own unpublished revisions; this one is by "
                   "another account")
        )


def _submits_for(user: Account, country: str) -> bool:
    allowed = submit_countries(user)
    return allowed is None or country in allowed


def may(user: Account | None, action: Action, **scope: str | None) -> bool:
    """Whether `authorize` lets the user do the action, for deciding what to offer."""
    try:
        authorize(user, action, **scope)
    except PermissionDenied:
        return False
    return True


def submittable(user: Account | None, countries: Iterable[str]) -> list[str]:
    """Those of the countries the user may submit scores for, in the same order."""
    return [c for c in countries if may(user, Action.SUBMIT, country=c)]


def authorize_seeing(viewer: Actor, status: str, author: str) -> None:
    """Raise PermissionDenied unless the viewer may see a revision of this status and author."""
    if status != RevisionStatus.PUBLISHED and not isinstance(viewer, Operator):
        authorize(viewer, Action.VIEW_PENDING, author=author)


def may_see(viewer: Actor, status: str, author: str) -> bool:
    """Whether the viewer may see a revision, or a value, of this status and author."""
    try:
        authorize_seeing(viewer, status, author)
    except PermissionDenied:
        return False
    return True


def check(session: Session, actor: Actor, action: Action, **scope: str | None) -> Actor:
    """The actor as the database has it now, if it may do the action; else PermissionDenied."""
    if isinstance(actor, Operator):
        return actor
    account = current_account(session, actor)
    authorize(account, action, **scope)
    return account


def user_name_key(name: str) -> str:
    """The form in which user names are compared: NFKC, stripped and case-folded, so that
    "LVP", "lvp" and full-width "ｌｖｐ" are one name."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def checked_user_name(name: str) -> str:
    """The name as it will be stored (NFKC, stripped), if it is a usable name."""
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        raise NiemError(_("a user name cannot be empty"))
    invisible = invisible_character(name)
    if invisible is not None:
        raise NiemError(
            _(
                "a user name cannot hold control or invisible characters ({code}); "
                "type it again with letters, digits and punctuation only"
            ).format(code=invisible)
        )
    return name


def find_user(session: Session, name: str) -> User | None:
    """The account whose name is the same as `name` in `user_name_key`'s terms, if any."""
    if invisible_character(name.strip()) is not None:
        return None
    key = user_name_key(name)
    # Accounts are few (one per partner organisation), so they are compared here rather than
    # by a key column every database would have to learn.
    for user in session.exec(select(User)).all():
        if user_name_key(user.name) == key:
            session.refresh(user)
            return user
    return None


def login_failed_message(attempts_before_lock: int, lock_minutes: int) -> str:
    """The one answer to every failed sign-in, whatever the reason."""
    return _(
        "wrong user name or password (after {attempts} failed attempts in a row an account "
        "is locked for {minutes} minutes)"
    ).format(attempts=attempts_before_lock, minutes=lock_minutes)


def check_new_password(password: str) -> None:
    """Refuse a password that is too short, only spaces, or holds control characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise NiemError(
            _("the password needs at least {count} characters").format(count=MIN_PASSWORD_LENGTH)
        )
    if not password.strip():
        raise NiemError(_("the password cannot be only spaces; choose one with letters or digits"))
    check_plain(password, _("the password"), multiline=False)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash as `scrypt$n$r$p$salt$hash` (base64 parts)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=HASH_BYTES
    )
    encoded = [base64.b64encode(part).decode("ascii") for part in (salt, digest)]
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encoded[0]}${encoded[1]}"


def verify_password(password: str, stored: str) -> bool:
    """Whether the password matches a hash made by `hash_password`."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(expected)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, want)


@cache
def _dummy_hash() -> str:
    """Checked against when the user name is unknown, so that a miss takes as long as a hit."""
    return hash_password("not a password of anyone")


def _account(user: User, countries: Iterable[str]) -> Account:
    return Account(user.name, user.role, tuple(sorted(countries)), user.disabled)


def _countries_of(session: Session, name: str) -> list[str]:
    return list(
        session.exec(select(UserCountry.country_code).where(UserCountry.user_name == name)).all()
    )


def known_countries(session: Session, countries: Iterable[str]) -> list[str]:
    """The ISO codes of the countries named, each once; UnknownChoice for one not in the store."""
    codes: list[str] = []
    for text in countries:
        code = resolve_country(text)
        if code is None or session.get(Country, code) is None:
            raise UnknownChoice(
                _("unknown country {country}; use an ISO code such as LV").format(
                    country=repr(text)
                )
            )
        if code not in codes:
            codes.append(code)
    return codes


def add_user(
    session: Session,
    name: str,
    role: str,
    password: str,
    countries: Iterable[str] = (),
    *,
    by: Actor,
) -> Account:
    """Create an account, if `by` may manage accounts; partners need at least one country."""
    check(session, by, Action.MANAGE_USERS)
    name = checked_user_name(name)
    if role not in (Role.PARTNER, Role.COORDINATOR):
        raise UnknownChoice(
            _(
                "unknown role {role}; choose partner or coordinator (viewers need no account)"
            ).format(role=repr(role))
        )
    codes = known_countries(session, countries)
    if role == Role.PARTNER and not codes:
        raise NiemError(_("a partner account needs at least one country"))
    if role == Role.COORDINATOR and codes:
        raise NiemError(_("a coordinator may edit every country; give no countries"))
    check_new_password(password)
    if find_user(session, name) is not None:
        # Names equal but for case or width are one name: the message does not repeat it.
        raise NiemError(_("a user of that name already exists (names ignore case and width)"))
    user = User(name=name, role=role, password_hash=hash_password(password))

    def write() -> None:
        session.add(user)
        session.flush()
        session.add_all(UserCountry(user_name=name, country_code=code) for code in codes)
        log_event(session, by, name, "added", f"{role} {' '.join(codes)}".strip())

    write_transaction(session, write)
    return _account(user, codes)


def actor_name(actor: Actor) -> str:
    """How the account log names whoever acted."""
    return actor.name if isinstance(actor, Account) else "operator" if actor else "visitor"


def log_event(session: Session, by: Actor, account: str, action: str, detail: str = "") -> None:
    """Add a line to the account log, inside the write that does the action."""
    session.add(AccountEvent(actor=actor_name(by), account=account, action=action, detail=detail))


def list_users(session: Session, *, by: Actor) -> list[Account]:
    """Every account, by name, with its countries, if `by` may manage accounts."""
    check(session, by, Action.MANAGE_USERS)
    users = session.exec(select(User).order_by(col(User.name))).all()
    links = session.exec(select(UserCountry)).all()
    countries: dict[str, list[str]] = {}
    for link in links:
        countries.setdefault(link.user_name, []).append(link.country_code)
    return [_account(user, countries.get(user.name, [])) for user in users]


def load_account(session: Session, name: str) -> Account:
    """The account of that name, for the command line, which has no login."""
    user = find_user(session, name)
    if user is None:
        raise UnknownChoice(f"unknown user {name!r}; `niem user list` shows the accounts")
    return _account(user, _countries_of(session, user.name))


def current_account(session: Session, user: Account | None) -> Account | None:
    """The user as the database has it now, so a disabled account or a lost country counts."""
    if user is None:
        return None
    stored = session.get(User, user.name)
    if stored is None:
        raise PermissionDenied(_("this account no longer exists; ask the coordinator"))
    session.refresh(stored)
    account = _account(stored, _countries_of(session, user.name))
    if account.disabled:
        raise PermissionDenied(_(DISABLED))
    return replace(account, must_change_password=has_one_time_password(session, stored.name))


def has_one_time_password(session: Session, name: str) -> bool:
    """Whether the account signs in with a reset password it has yet to replace."""
    return session.get(OneTimePassword, name) is not None


def authenticate(
    session: Session,
    name: str,
    password: str,
    *,
    now: datetime | None = None,
    attempts_before_lock: int = DEFAULTS.login_attempts_before_lock,
    lock_minutes: int = DEFAULTS.login_lock_minutes,
) -> Account:
    """The account if the password is right and the account not locked; LoginFailed otherwise.

    Every failure costs one password hash and one counting update, and says the same.
    """
    now = now or utc_now()
    user = find_user(session, name)
    correct = verify_password(password, user.password_hash if user else _dummy_hash())
    locked_until = as_utc(user.locked_until) if user else None
    locked = locked_until is not None and now < locked_until
    if user is None or not correct or locked:
        _record_failure(session, user.name if user else "", now, attempts_before_lock, lock_minutes)
        raise LoginFailed(login_failed_message(attempts_before_lock, lock_minutes))
    if user.disabled:
        raise AccountDisabled(_(DISABLED))
    if user.failed_logins or user.locked_until is not None:

        def reset() -> int:
            # Only while unlocked: a lock set by a guess in flight stays.
            reset = session.execute(
                update(User)
                .where(col(User.name) == user.name, _unlocked(now))
                .values(failed_logins=0, locked_until=None)
            )
            return int(reset.rowcount)  # type: ignore[attr-defined]

        if write_transaction(session, reset) != 1:
            raise LoginFailed(login_failed_message(attempts_before_lock, lock_minutes))
    return replace(
        _account(user, _countries_of(session, user.name)),
        must_change_password=has_one_time_password(session, user.name),
    )


def _unlocked(now: datetime) -> ColumnElement[bool]:
    return or_(col(User.locked_until).is_(None), col(User.locked_until) <= now)


def _record_failure(
    session: Session, name: str, now: datetime, attempts_before_lock: int, lock_minutes: int
) -> None:
    """Count a failed sign-in and lock the account at the limit, in one conditional update.

    The update reads the count it raises, so simultaneous guesses all count, and it never
    touches a locked account, so a guess in flight cannot undo a lock. An unknown name runs
    the same update, which matches no account.
    """
    reaches_limit = col(User.failed_logins) + 1 >= attempts_before_lock
    write_transaction(
        session,
        lambda: session.execute(
            update(User)
            .where(col(User.name) == name, _unlocked(now))
            .values(
                failed_logins=case((reaches_limit, 0), else_=col(User.failed_logins) + 1),
                locked_until=case(
                    (reaches_limit, now + timedelta(minutes=lock_minutes)),
                    else_=col(User.locked_until),
                ),
            )
        ),
    )
