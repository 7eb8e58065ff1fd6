"""`niem user ...`: partner and coordinator accounts, managed by the operator."""

from __future__ import annotations

import sys

import click

from niem import accounts
from niem.accounts import OPERATOR
from niem.cli import cli, country_code, echo, print_table, store_session
from niem.errors import NiemError
from niem.models import Role


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
        accounts.disable_user(session, name, by=OPERATOR)
    echo(f"Disabled user {name!r}.")
