"""Changing accounts after they exist: passwords, resets, disabling and enabling, a partner's
countries, and the account log that records each of these with who did it and when.

Every function checks its permission itself and writes its log line in the same transaction
as the change, so a change is never without its record.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from niem.accounts import (
    Account,
    Action,
    Actor,
    Operator,
    check,
    check_new_password,
    hash_password,
    known_countries,
    load_account,
    log_event,
    verify_password,
)
from niem.database import write_transaction
from niem.errors import NiemError, PermissionDenied
from niem.i18n import _
from niem.models import AccountEvent, OneTimePassword, Role, User, UserCountry
from niem.sessions import end_sessions_of

ONE_TIME_PASSWORD_BYTES = 9


def change_password(
    session: Session, name: str, new_password: str, *, by: Actor, old_password: str = ""
) -> None:
    """Set a new password: an account its own, with the old one; the operator any account's."""
    account = load_account(session, name)
    if not isinstance(by, Operator):
        actor = check(session, by, Action.VIEW)
        if not isinstance(actor, Account) or actor.name != account.name:
            raise PermissionDenied(
                _("an account may only change its own password; the coordinator resets others")
            )
        user = session.get(User, account.name)
        if user is None or not verify_password(old_password, user.password_hash):
            raise PermissionDenied(_("the current password is wrong; nothing was changed"))
    check_new_password(new_password)

    def write() -> None:
        session.execute(
            update(User)
            .where(col(User.name) == account.name)
            .values(password_hash=hash_password(new_password), failed_logins=0, locked_until=None)
        )
        session.execute(
            delete(OneTimePassword).where(col(OneTimePassword.user_name) == account.name)
        )
        log_event(session, by, account.name, "password changed")

    write_transaction(session, write)


def reset_password(session: Session, name: str, *, by: Actor) -> str:
    """A one-time password for the account, which it must change at its next sign-in; every
    session of the account ends."""
    check(session, by, Action.MANAGE_USERS)
    account = load_account(session, name)
    password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)

    def write() -> None:
        session.execute(
            update(User)
            .where(col(User.name) == account.name)
            .values(password_hash=hash_password(password), failed_logins=0, locked_until=None)
        )
        session.merge(OneTimePassword(user_name=account.name))
        end_sessions_of(session, account.name)
        log_event(session, by, account.name, "password reset")

    write_transaction(session, write)
    return password


def disable_user(session: Session, name: str, *, by: Actor) -> Account:
    """Stop an account from signing in or acting, and end its sessions; revisions stay."""
    actor = check(session, by, Action.MANAGE_USERS)
    account = load_account(session, name)
    if isinstance(actor, Account) and actor.name == account.name:
        raise NiemError(_("you cannot disable your own account; another coordinator can"))
    _set_disabled(session, account, disabled=True, by=by)
    return replace(account, disabled=True)


def enable_user(session: Session, name: str, *, by: Actor) -> Account:
    """Let a disabled account sign in and act again."""
    check(session, by, Action.MANAGE_USERS)
    account = load_account(session, name)
    if not account.disabled:
        raise NiemError(_("this account is not disabled; nothing was changed"))
    _set_disabled(session, account, disabled=False, by=by)
    return replace(account, disabled=False)


def _set_disabled(session: Session, account: Account, *, disabled: bool, by: Actor) -> None:
    def write() -> None:
        session.execute(
            update(User).where(col(User.name) == account.name).values(disabled=disabled)
        )
        if disabled:
            end_sessions_of(session, account.name)
        log_event(session, by, account.name, "disabled" if disabled else "enabled")

    write_transaction(session, write)


def set_countries(session: Session, name: str, countries: Iterable[str], *, by: Actor) -> Account:
    """Give a partner account exactly these countries (at least one)."""
    check(session, by, Action.MANAGE_USERS)
    account = load_account(session, name)
    if account.role != Role.PARTNER:
        raise NiemError(_("only a partner account has countries; a coordinator has them all"))
    codes = known_countries(session, countries)
    if not codes:
        raise NiemError(_("a partner account needs at least one country"))

    def write() -> None:
        session.execute(delete(UserCountry).where(col(UserCountry.user_name) == account.name))
        session.add_all(UserCountry(user_name=account.name, country_code=c) for c in codes)
        log_event(
            session,
            by,
            account.name,
            "countries changed",
            f"{' '.join(account.countries)} -> {' '.join(sorted(codes))}",
        )

    write_transaction(session, write)
    return replace(account, countries=tuple(sorted(codes)))


def account_log(session: Session, name: str | None = None, *, by: Actor) -> list[AccountEvent]:
    """Everything done to accounts (or to one), newest first, if `by` may manage accounts."""
    check(session, by, Action.MANAGE_USERS)
    query = select(AccountEvent).order_by(col(AccountEvent.at).desc(), col(AccountEvent.id).desc())
    if name is not None:
        query = query.where(AccountEvent.account == load_account(session, name).name)
    return list(session.exec(query).all())
