"""`niem practice import`, `list`, `publish`, `return` and `export`: promising practices."""

from __future__ import annotations

from pathlib import Path

import click

from niem import accounts, practice_import, practice_tables, practices, store
from niem.cli import cli, country_code, output_format, print_table, store_session, write_frame
from niem.config import load_settings
from niem.errors import NiemError, UnknownChoice
from niem.models import PracticeStatus
from niem.practices import PracticeFilters
from niem.wording import plural

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@cli.group()
def practice() -> None:
    """Promising practices: import, list, publish, return and export them."""


@practice.command("import")
@click.argument("file", type=FILE)
@click.option("--user", "user_name", required=True, help="The account submitting the file.")
@click.option("--draft", is_flag=True, help="Keep the practices as drafts.")
def import_practices(file: Path, user_name: str, draft: bool) -> None:
    """Check a CSV or XLSX file of practices; store them only if nothing is wrong."""
    with file.open("rb") as handle:
        # One byte over the limit is enough for the reader to report the file as too large.
        data = handle.read(load_settings().upload_limits.bytes + 1)
    with store_session() as session:
        account = accounts.current_account(session, accounts.load_account(session, user_name))
        assert account is not None
        context = practice_import.practice_context(
            store.load_catalogue(session),
            practices.practice_ids(session),
            account,
            load_settings().upload_limits,
        )
        checked = practice_import.read_practices(data, file.name, context)
        for notice in checked.notices:
            click.echo(f"Notice: {notice}", err=True)
        for problem in checked.problems:
            click.echo(str(problem))
        if not checked.valid:
            problems = plural(len(checked.problems), "problem")
            raise NiemError(f"{problems}; nothing was imported")
        stored = practices.submit(
            session, checked.rows, user=account, draft=draft, file_name=file.name
        )
    versions = ", ".join(str(p.id) for p in stored)
    click.echo(f"{plural(len(stored), 'practice')} {stored[0].status}: versions {versions}.")


@practice.command("list")
@click.option("--country", help="Only practices of this country (ISO code).")
@click.option("--dimension", help="Only practices on this dimension (code).")
@click.option("--search", "text", default="", help="Words to search for, most relevant first.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in PracticeStatus]),
    default=PracticeStatus.PUBLISHED.value,
    show_default=True,
    help="Published practices, or versions of another status (such as pending).",
)
def list_practices(
    country: str | None, dimension: str | None, text: str, status: str
) -> None:
    """List practices: ID (the version), practice, title, countries, dimensions, years."""
    with store_session() as session:
        catalogue = store.load_catalogue(session)
        if dimension is not None and dimension not in catalogue.dimensions:
            raise UnknownChoice(
                f"unknown dimension {dimension!r}; choose one of {', '.join(catalogue.dimensions)}"
            )
        filters = PracticeFilters(
            country=country_code(country) if country else None, dimension=dimension
        )
        if status == PracticeStatus.PUBLISHED:
            found = practices.search_practices(session, text, filters)
        else:
            found = [
                p for p in practices.load_versions(session, status=status) if filters.keeps(p)
            ]
    rows = [
        [
            str(p.id),
            str(p.practice_id),
            p.title,
            " ".join(p.countries),
            " ".join(p.dimensions),
            p.years,
            p.status,
            "illustrative" if p.illustrative else "",
        ]
        for p in found
    ]
    headers = ["id", "practice", "title", "countries", "dimensions", "years", "status", "label"]
    print_table(headers, rows)
    click.echo(f"{plural(len(found), 'practice')}.", err=True)


@practice.command()
@click.argument("version_id", metavar="ID", type=int)
@click.option("--user", "user_name", required=True, help="The coordinator publishing it.")
def publish(version_id: int, user_name: str) -> None:
    """Publish a practice version waiting for review (ID from `niem practice list --status
    pending`)."""
    with store_session() as session:
        account = accounts.load_account(session, user_name)
        record = practices.publish(session, version_id, user=account)
    click.echo(f"Published version {record.id} of practice {record.practice_id}.")


@practice.command("return")
@click.argument("version_id", metavar="ID", type=int)
@click.option("--user", "user_name", required=True, help="The coordinator returning it.")
@click.option("--reason", required=True, help="Why; the author reads it.")
def return_practice(version_id: int, user_name: str, reason: str) -> None:
    """Return a practice version waiting for review to its author, with a reason."""
    with store_session() as session:
        account = accounts.load_account(session, user_name)
        practices.return_(session, version_id, user=account, reason=reason)
    click.echo(f"Returned version {version_id}.")


@practice.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def export(output: Path | None) -> None:
    """Export the published practices, one row each (CSV, or XLSX for an .xlsx file)."""
    with store_session() as session:
        found = practices.search_practices(session, "")
    write_frame(practice_tables.export_table(found), output, output_format(output, None))
