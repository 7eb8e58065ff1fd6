"""`niem feedback ...`: what visitors said about scores, for the coordinator."""

from __future__ import annotations

import click

from niem import feedback
from niem.accounts import OPERATOR, known_countries
from niem.cli import cli, print_table, store_session
from niem.models import FeedbackStatus
from niem.wording import moment_text

STATUSES = [*(s.value for s in FeedbackStatus), feedback.EVERY_STATUS]


@cli.group("feedback")
def feedback_group() -> None:
    """Read the feedback visitors sent on scores."""


@feedback_group.command("list")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default=FeedbackStatus.OPEN.value,
    show_default=True,
    help="Which feedback to list.",
)
@click.option("--country", help="Only this country's feedback (an ISO code such as LV).")
@click.option("--round", "round_year", type=int, help="Only this round's feedback (its year).")
def feedback_list(status: str, country: str | None, round_year: int | None) -> None:
    """The feedback, oldest first: the score it concerns, what was said, what became of it."""
    with store_session() as session:
        code = known_countries(session, [country])[0] if country is not None else None
        items = feedback.feedback_list(
            session, viewer=OPERATOR, status=status, country=code, round_year=round_year
        )
    rows = [_row(item) for item in items]
    print_table(
        [
            "id",
            "received",
            "round",
            "country",
            "indicator",
            "value",
            "status",
            "what_is_wrong",
            "evidence",
            "contact",
            "decided_by",
            "answer",
            "revision",
        ],
        rows,
    )


def _row(item: feedback.FeedbackItem) -> list[str]:
    sent, decision = item.feedback, item.decision
    return [
        str(sent.id),
        moment_text(sent.created_at),
        str(sent.round_year),
        sent.country_code,
        sent.indicator_code,
        "no data" if sent.value is None else f"{sent.value:g}",
        item.status,
        sent.what_is_wrong,
        sent.evidence,
        sent.contact,
        decision.decided_by if decision else "",
        decision.answer if decision else "",
        str(decision.revision_id) if decision and decision.revision_id else "",
    ]
