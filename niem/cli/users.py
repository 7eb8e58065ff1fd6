"""`niem user ...`: partner and coordinator accounts, managed by the operator."""

from __future__ import annotations

import sys

import click

from niem import account_admin, accounts
from niem.accounts import OPERATOR
from niem.cli import cli, country_code, echo, print_table, store_session
from niem.errors import NiemError
from niem.models import Role
from niem.wording import moment_text


@cli.group()
def user() -> None:
    """Manage partner and coordinator accounts."""


def _read_password() -> str:
    stdin = sys.stdin
    if stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = stdin.readline()
    if not line:
        raise NiemError("no password given; type it at the prompt or pipe it on standard input")
    return line.rstrip("\r\n")


@user.command("add")
@click.argument("name")
@click.option(
    "--role", type=click.Choice([Role.PARTNER.value, Role.COORDINATOR.value]), required=True
)
@click.option("--country", "countries", multiple=True, help="A country a partner may edit.")
def user_add(name: str, role: str, countries: tuple[str, ...]) -> None:
    """Add an account; the password is read from a prompt or standard input."""
    with store_session() as session:
        codes = [country_code(c) for c in countries]
        password = _read_password()
        account = accounts.add_user(session, name, role, password, codes, by=OPERATOR)
    where = f" for {' '.join(account.countries)}" if account.countries else ""
    echo(f"Added {account.role} {account.name!r}{where}.")


@user.command("list")
def user_list() -> None:
    """List the accounts with their roles and countries."""
    with store_session() as session:
        users = accounts.list_users(session, by=OPERATOR)
    rows = [[u.name, u.role, " ".join(u.countries), "yes" if u.disabled else "no"] for u in users]
    print_table(["name", "role", "countries", "disabled"], rows)


@user.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Stop an account from logging in or acting; its revisions stay."""
    with store_session() as session:
        account_admin.disable_user(session, name, by=OPERATOR)
    echo(f"Disabled user {name!r}.")


@user.command("passwd")
@click.argument("name")
def user_passwd(name: str) -> None:
    """Set an account's password; the new one is read from a prompt or standard input."""
    with store_session() as session:
        password = _read_password()
        account_admin.change_password(session, name, password, by=OPERATOR)
    echo(f"Changed the password of {name!r}.")


@user.command("reset")
@click.argument("name")
def user_reset(name: str) -> None:
    """Print a one-time password, which the account must change at its next sign-in."""
    with store_session() as session:
        password = account_admin.reset_password(session, name, by=OPERATOR)
    echo(f"One-time password for {name!r} (it must be changed at the next sign-in):")
    echo(password)


@user.command("enable")
@click.argument("name")
def user_enable(name: str) -> None:
    """Let a disabled account sign in and act again."""
    with store_session() as session:
        account_admin.enable_user(session, name, by=OPERATOR)
    echo(f"Enabled user {name!r}.")


@user.command("countries")
@click.argument("name")
@click.argument("codes", nargs=-1, required=True)
def user_countries(name: str, codes: tuple[str, ...]) -> None:
    """Give a partner account exactly these countries."""
    with store_session() as session:
        account = account_admin.set_countries(
            session, name, [country_code(c) for c in codes], by=OPERATOR
        )
    echo(f"User {account.name!r} now submits for {' '.join(account.countries)}.")


@user.command("log")
@click.argument("name", required=False)
def user_log(name: str | None) -> None:
    """What was done to accounts (or to one), newest first: when, who, what."""
    with store_session() as session:
        events = account_admin.account_log(session, name, by=OPERATOR)
    rows = [[moment_text(e.at), e.actor, e.account, e.action, e.detail] for e in events]
    print_table(["when", "by", "account", "action", "detail"], rows)
