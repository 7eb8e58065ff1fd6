"""`niem init`, `export`, `template` and `check`: the data itself.

What only one command needs is imported by that command, so that `niem export` starts quickly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from niem import exporting, store
from niem.cli import (
    cli,
    country_code,
    echo,
    output_format,
    progress,
    store_session,
    write_frame,
    write_frames,
)
from niem.config import load_settings
from niem.database import make_engine
from niem.methodology import LEVELS
from niem.results import load_results


@cli.command()
@click.option("--no-demo", is_flag=True, help="Load no illustrative indicator scores.")
def init(no_demo: bool) -> None:
    """Create or upgrade the database and load the shipped data (safe to repeat)."""
    from niem import loading

    settings = load_settings()
    report = loading.initialise(make_engine(settings.database_url), settings, demo=not no_demo)
    echo(
        f"Database ready: {report.reference_rows_added} reference rows, "
        f"{report.published_figures_added} published figures, "
        f"{report.published_facts_added} published facts, "
        f"{report.illustrative_scores_added} illustrative scores and "
        f"{report.illustrative_practices_added} illustrative practices added."
    )


@cli.command()
@click.option("--round", "round_year", type=int, help="Only this round (year).")
@click.option("--country", help="Only this country (ISO code).")
@click.option("--level", type=click.Choice(LEVELS), help="Only this level.")
@click.option(
    "--format", "fmt", type=click.Choice(exporting.FORMATS), help="csv (default) or xlsx."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--progress", "show_progress", is_flag=True, help="Show a progress bar.")
def export(
    round_year: int | None,
    country: str | None,
    level: str | None,
    fmt: str | None,
    output: Path | None,
    show_progress: bool,
) -> None:
    """Export figures as a long table, one row per figure."""
    fmt = output_format(output, fmt)
    code = country_code(country) if country else None
    with store_session() as session:
        rounds = [r.year for r in store.load_rounds(session)]
        exporting.check_choices(round_year=round_year, level=level, known_rounds=rounds)
        years = [round_year] if round_year is not None else rounds
        # One round at a time, written as it is computed.
        frames = (
            exporting.select_figures(load_results(session, [year]), country=code, level=level)
            for year in progress(years, "export", shown=show_progress)
        )
        write_frames(frames, output, fmt)


@cli.command()
@click.option("--country", required=True, help="ISO code of the country.")
@click.option("--round", "round_year", type=int, required=True, help="Round (year).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def template(country: str, round_year: int, output: Path | None) -> None:
    """The upload template for one country and round, prefilled with current values."""
    from niem.templates import build_template, check_round_country, template_workbook

    code = country_code(country)
    with store_session() as session:
        check_round_country(store.load_rounds(session), round_year, code)
        frame = build_template(
            store.load_catalogue(session),
            store.current_scores_of(session, round_year, code),
            round_year,
            code,
        )
    if output is not None and output_format(output, None) == "xlsx":
        output.write_bytes(template_workbook(frame))
        echo(f"Wrote {len(frame)} rows to {output}", err=True)
        return
    write_frame(frame, output, output_format(output, None))


@cli.command()
def check() -> None:
    """Report coverage gaps, and exit 1 if the figures contradict a published figure or fact."""
    from niem.checks import CONTRADICTS_PUBLISHED, check_figures
    from niem.facts import check_facts

    with store_session() as session:
        results = load_results(session)
        facts = store.load_published_facts(session)
    findings = check_figures(results)
    for finding in findings:
        echo(str(finding))
    echo(f"{len(findings)} findings.")
    verdicts = check_facts(facts, results)
    for verdict in verdicts:
        echo(str(verdict))
    broken = sum(not v.holds for v in verdicts)
    echo(f"{len(verdicts) - broken} of {len(verdicts)} published facts hold.")
    if broken or any(f.kind == CONTRADICTS_PUBLISHED for f in findings):
        sys.exit(1)
