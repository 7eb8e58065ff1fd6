"""`niem generate-illustrative`: the shipped illustrative scores, made again."""

from __future__ import annotations

from pathlib import Path

import click

from niem import illustrative
from niem.cli import cli, echo
from niem.config import load_settings


@cli.command("generate-illustrative")
@click.option("--seed", type=int, default=illustrative.SEED, show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def generate_illustrative(seed: int, output: Path | None) -> None:
    """Regenerate the shipped illustrative scores (deterministic for a seed)."""
    text = illustrative.generate_from_shipped_files(load_settings(), seed)
    if output is None:
        echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        echo(f"Wrote {output}", err=True)
