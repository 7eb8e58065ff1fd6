"""The `niem` command: the coordinator's scripting interface. Errors print `Error: ...`, exit 1."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from niem import exporting, illustrative, loading, store
from niem.checks import check_figures
from niem.config import Settings, load_settings
from niem.countries import resolve_country
from niem.database import make_engine, open_session
from niem.errors import NiemError, NotInitialised, UnknownChoice
from niem.methodology import LEVELS
from niem.results import load_results
from niem.templates import build_template, check_round_country


class NiemGroup(click.Group):
    """A group that reports every user mistake as one `Error:` line and exit code 1."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("Error: aborted.", err=True)
            sys.exit(1)
        except click.ClickException as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            sys.exit(1)
        except NiemError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _engine(settings: Settings) -> Engine:
    return make_engine(settings.database_url)


def _initialised_engine(settings: Settings) -> Engine:
    engine = _engine(settings)
    if not inspect(engine).has_table("indicator"):
        raise NotInitialised("the database has no data yet; run `niem init` first")
    return engine


def _country(text: str) -> str:
    code = resolve_country(text)
    if code is None:
        raise UnknownChoice(f"unknown country {text!r}; use an ISO code such as LV")
    return code


def _output(path: Path | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    if path is not None and path.suffix.lower() == ".xlsx":
        return "xlsx"
    return "csv"


def _write(frame: Any, path: Path | None, fmt: str) -> None:
    if path is None:
        if fmt == "xlsx":
            raise UnknownChoice("XLSX cannot go to standard output; give a file with -o")
        click.echo(exporting.to_csv_bytes(frame).decode("utf-8"), nl=False)
        return
    with path.open("wb") as handle:
        exporting.write_table(frame, fmt, handle)
    click.echo(f"Wrote {len(frame)} rows to {path}", err=True)


@click.group(cls=NiemGroup)
def cli() -> None:
    """NIEM Explorer: store, score and export refugee-integration evaluation data."""


@cli.command()
@click.option("--no-demo", is_flag=True, help="Load no illustrative indicator scores.")
def init(no_demo: bool) -> None:
    """Create or upgrade the database and load the shipped data (safe to repeat)."""
    settings = load_settings()
    report = loading.initialise(_engine(settings), settings, demo=not no_demo)
    click.echo(
        f"Database ready: {report.reference_rows_added} reference rows, "
        f"{report.published_figures_added} published figures and "
        f"{report.illustrative_scores_added} illustrative scores added."
    )


@cli.command()
@click.option("--round", "round_year", type=int, help="Only this round (year).")
@click.option("--country", help="Only this country (ISO code).")
@click.option("--level", type=click.Choice(LEVELS), help="Only this level.")
@click.option(
    "--format", "fmt", type=click.Choice(exporting.FORMATS), help="csv (default) or xlsx."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def export(
    round_year: int | None,
    country: str | None,
    level: str | None,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Export figures as a long table, one row per figure."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        results = load_results(session)
        rounds = [r.year for r in store.load_rounds(session)]
    frame = exporting.select_figures(
        results,
        round_year=round_year,
        country=_country(country) if country else None,
        level=level,
        known_rounds=rounds,
    )
    _write(frame, output, _output(output, fmt))


@cli.command()
@click.option("--country", required=True, help="ISO code of the country.")
@click.option("--round", "round_year", type=int, required=True, help="Round (year).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def template(country: str, round_year: int, output: Path | None) -> None:
    """The upload template for one country and round, prefilled with current values."""
    settings = load_settings()
    code = _country(country)
    with open_session(_initialised_engine(settings)) as session:
        check_round_country(store.load_rounds(session), round_year, code)
        frame = build_template(
            store.load_catalogue(session), store.load_current_scores(session), round_year, code
        )
    _write(frame, output, _output(output, None))


@cli.command()
def check() -> None:
    """Report coverage gaps and computed figures that differ from published ones."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        findings = check_figures(load_results(session))
    for finding in findings:
        click.echo(str(finding))
    click.echo(f"{len(findings)} findings.")


@cli.command("generate-illustrative")
@click.option("--seed", type=int, default=illustrative.SEED, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def generate_illustrative(seed: int, output: Path | None) -> None:
    """Regenerate the shipped illustrative scores (deterministic for a seed)."""
    settings = load_settings()
    text = illustrative.generate_from_shipped_files(settings, seed)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


def main() -> None:
    """Console entry point."""
    cli()
