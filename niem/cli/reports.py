"""`niem brief` and `niem report`: the national brief and the comparative report as PDF."""

from __future__ import annotations

from pathlib import Path

import click

from niem.cli import cli, country_code, echo, store_session
from niem.i18n import available_languages, using_language

LANGUAGE = click.option(
    "--lang", type=click.Choice(available_languages()), default="en", show_default=True,
    help="The language of the PDF.",
)
OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                      help="The PDF file to write (default: a name in this folder).")


def _write(pdf: bytes, path: Path) -> None:
    path.write_bytes(pdf)
    echo(f"Wrote {path} ({len(pdf) // 1024} KB)", err=True)


@cli.command()
@click.option("--country", required=True, help="The country (ISO code or name).")
@click.option("--round", "round_year", type=int, required=True, help="The round (year).")
@OUTPUT
@LANGUAGE
def brief(country: str, round_year: int, output: Path | None, lang: str) -> None:
    """Write the national brief of a country in a round (one or two A4 pages)."""
    # Imported here: the PDF and chart libraries take a second to load, and every other
    # command would pay for it.
    from niem.reports.brief import build_brief  # noqa: PLC0415
    from niem.reports.sources import load_report_data  # noqa: PLC0415

    code = country_code(country)
    with store_session() as session:
        data = load_report_data(session, lang)
    with using_language(lang):
        pdf = build_brief(data, round_year, code)
    _write(pdf, output or Path(f"niem-brief-{code}-{round_year}.pdf"))


@cli.command()
@click.option("--round", "round_year", type=int, required=True, help="The round (year).")
@OUTPUT
@LANGUAGE
def report(round_year: int, output: Path | None, lang: str) -> None:
    """Write the comparative report of a round."""
    from niem.reports.report import build_report  # noqa: PLC0415 (as in `brief`)
    from niem.reports.sources import load_report_data  # noqa: PLC0415

    with store_session() as session:
        data = load_report_data(session, lang)
    with using_language(lang):
        pdf = build_report(data, round_year)
    _write(pdf, output or Path(f"niem-report-{round_year}.pdf"))
