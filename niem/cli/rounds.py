"""`niem round ...`: open evaluation rounds and add countries to them."""

from __future__ import annotations

import click

from niem import rounds
from niem.accounts import OPERATOR
from niem.cli import cli, echo, print_table, store_session


@cli.group("round")
def round_group() -> None:
    """Open rounds and add countries to them."""


@round_group.command("add")
@click.argument("year", type=int)
@click.option("--label", required=True, help="How pages name the round, e.g. 'Evaluation 3'.")
@click.option("--situation", required=True, help="The date the evaluation describes.")
@click.option("--countries", required=True, help="Country codes, separated by spaces.")
@click.option(
    "--carry-over",
    is_flag=True,
    help="Start from the previous round's current values, each marked carried over.",
)
@click.argument("more", nargs=-1)
def round_add(
    year: int, label: str, situation: str, countries: str, carry_over: bool, more: tuple[str, ...]
) -> None:
    """Open a new round, e.g. `--countries LV DE` for Latvia and Germany: empty, or with
    `--carry-over` starting from the previous round's values (nothing there changes)."""
    codes = [*countries.replace(",", " ").split(), *more]
    with store_session() as session:
        added = rounds.add_round(
            session,
            year,
            label=label,
            situation=situation,
            countries=codes,
            by=OPERATOR,
            carry_over=carry_over,
        )
        summaries = rounds.round_summaries(session)
    carried = next(s.carried for s in summaries if s.round == added)
    echo(f"Opened round {added.year} ({added.label}) for {' '.join(added.countries)}.")
    if carry_over:
        previous = max(s.round.year for s in summaries if s.round.year < added.year)
        echo(f"Carried over {carried} values from round {previous}.")


@round_group.command("add-country")
@click.argument("year", type=int)
@click.argument("country")
def round_add_country(year: int, country: str) -> None:
    """Add a country to a round; its scores start empty."""
    with store_session() as session:
        changed = rounds.add_country(session, year, country, by=OPERATOR)
    echo(f"Round {changed.year} now has {' '.join(changed.countries)}.")


@round_group.command("list")
def round_list() -> None:
    """The rounds with their situation date, countries and counts of current values."""
    with store_session() as session:
        listed = rounds.round_summaries(session)
    rows = [
        [
            str(s.round.year),
            s.round.label,
            s.round.situation,
            str(s.values),
            str(s.carried),
            " ".join(s.round.countries),
        ]
        for s in listed
    ]
    print_table(["year", "label", "situation", "values", "carried", "countries"], rows)
