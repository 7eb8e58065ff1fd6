"""`niem check`: a data-quality report over the figures table, and the published facts.

Coverage gaps are for the coordinator to look at; a published figure or fact that the current
figures contradict is a failure (`niem check` exits 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from niem.methodology import PUBLISHED_TOLERANCE, differs_from_published
from niem.results import PUBLISHED
from niem.wording import score_text

CONTRADICTS_PUBLISHED = "differs from published"


@dataclass(frozen=True)
class Finding:
    """One thing a coordinator should look at."""

    kind: str
    round_year: int
    country: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.round_year} {self.country}: {self.message}"


def check_figures(results: pd.DataFrame) -> list[Finding]:
    """Coverage gaps and published figures that the computed values do not reproduce."""
    findings: list[Finding] = []
    aggregates = results[results["level"] != "indicator"]
    overall = aggregates[aggregates["level"] == "overall"]
    for row in overall.itertuples():
        if row.covered == 0:
            findings.append(
                Finding("no scores", row.round, row.country, "no indicator has a value")
            )
        elif row.covered < row.total:
            findings.append(
                Finding(
                    "coverage gap",
                    row.round,
                    row.country,
                    f"{row.total - row.covered} of {row.total} scored indicators have no value",
                )
            )
    insufficient = aggregates[aggregates["score"].isna() & (aggregates["covered"] > 0)]
    for row in insufficient.itertuples():
        label = f"{row.level} {row.code}".strip()
        findings.append(
            Finding(
                "insufficient data",
                row.round,
                row.country,
                f"{label}: only {row.covered} of {row.total} indicators have a value",
            )
        )
    published = aggregates[(aggregates["provenance"] == PUBLISHED) & (aggregates["covered"] > 0)]
    for row in published.itertuples():
        computed = None if pd.isna(row.computed) else float(row.computed)
        if computed is not None and not differs_from_published(computed, row.score):
            continue
        label = f"{row.level} {row.code}".strip()
        shown = "no computable value" if computed is None else f"computed {score_text(computed)}"
        findings.append(
            Finding(
                CONTRADICTS_PUBLISHED,
                row.round,
                row.country,
                f"{label}: published {score_text(row.score)}, {shown} "
                f"(tolerance {PUBLISHED_TOLERANCE:g} points)",
            )
        )
    return findings
