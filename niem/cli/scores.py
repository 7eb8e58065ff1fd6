"""`niem validate`, `import`, `history`, `revisions`, `diff` and the review commands."""

from __future__ import annotations

from pathlib import Path

import click
from sqlmodel import Session

from niem import (
    accounts,
    changes,
    effects,
    history,
    importing,
    revisions,
    runtime,
    store,
    upload_checks,
)
from niem.accounts import OPERATOR, Account, Operator
from niem.changes import ChangeKind, Preview
from niem.cli import (
    cli,
    country_code,
    echo,
    print_table,
    rows_checked,
    stage_bar,
    store_session,
)
from niem.config import load_settings
from niem.errors import NiemError
from niem.i18n import _
from niem.models import RevisionStatus
from niem.wording import describe_scores, moment_text, plural, review_text, value_text

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _read_file(path: Path) -> bytes:
    # One byte over the limit is enough for the reader to report the file as too large.
    with path.open("rb") as handle:
        return handle.read(load_settings().upload_limits.bytes + 1)


def _check_upload(
    session: Session,
    data: bytes,
    file_name: str,
    submitter: Account | Operator,
    progress: importing.Progress | None = None,
) -> tuple[importing.UploadResult, Preview | None]:
    """Read and check the file; print notices to standard error and problems to standard output.
    With it, the rows against the current values (None when rows are refused)."""
    context = importing.upload_context(
        store.load_rounds(session),
        store.load_catalogue(session),
        submitter,
        load_settings().upload_limits,
    )
    result, preview = upload_checks.checked_with_preview(
        session, importing.read_upload(data, file_name, context, progress)
    )
    for notice in result.notices:
        echo(f"Notice: {notice}", err=True)
    for problem in result.problems:
        echo(str(problem))
    return result, preview


def _counts(preview: Preview) -> str:
    counts = preview.counts
    return (
        f"{counts[ChangeKind.CHANGED]} changed, {counts[ChangeKind.NEW]} new, "
        f"{counts[ChangeKind.TO_NO_DATA]} to no data, {counts[ChangeKind.UNCHANGED]} unchanged"
    )


@cli.command()
@click.argument("file", type=FILE)
def validate(file: Path) -> None:
    """Check an upload file; print every problem as `row R, column C: message`."""
    data = _read_file(file)
    with store_session() as session:
        result, preview = _check_upload(session, data, file.name, OPERATOR)
        if not result.valid:
            raise NiemError(f"{file} has {plural(len(result.problems), 'problem')}")
        preview = preview or Preview([])
    if preview.conflicts:
        keys = [r.key for r in preview.conflicts]
        rows = "1 row changes a score" if len(keys) == 1 else f"{len(keys)} rows change scores"
        echo(
            f"Notice: {rows} that another revision changed after the template was made "
            f"({describe_scores(keys)}); `niem import` will need --confirm-conflicts",
            err=True,
        )
    echo(f"{file} is valid: {plural(len(result.rows), 'row')}")
    echo(f"Against the current values: {_counts(preview)}.")


@cli.command("import")
@click.argument("file", type=FILE)
@click.option("--user", "user_name", required=True, help="The account submitting the file.")
@click.option("--comment", default="", help="Why these scores change (required for partners).")
@click.option(
    "--confirm-conflicts",
    is_flag=True,
    help="Overwrite scores that others changed after the template was made.",
)
@click.option("--progress", "show_progress", is_flag=True, help="Show a progress bar.")
def import_file(
    file: Path, user_name: str, comment: str, confirm_conflicts: bool, show_progress: bool
) -> None:
    """Validate a file and store it as a revision: pending for a partner, else published."""
    data = _read_file(file)
    # The upload's rows are checked, compared and stored in one go, bounded by the upload.
    with runtime.collector_paused(), store_session() as session, stage_bar(show_progress) as bar:
        account = accounts.current_account(session, accounts.load_account(session, user_name))
        assert account is not None
        result, preview = _check_upload(session, data, file.name, account, rows_checked(bar))
        if not result.valid:
            problems = plural(len(result.problems), "problem")
            raise NiemError(f"{problems}; nothing was imported")
        counts = _counts(preview or Preview([]))
        bar.set_description("store")
        try:
            revision = revisions.submit(
                session,
                result.rows,
                user=account,
                comment=comment,
                file_name=file.name,
                file_bytes=data,
                confirm_conflicts=confirm_conflicts,
                # Compared again inside the transaction only if something was published since.
                preview=preview,
            )
        except revisions.ConflictingChanges as error:
            raise NiemError(f"{error}: run again with --confirm-conflicts") from error
        except revisions.CommentRequired as error:
            raise NiemError(f"{error}: add --comment TEXT") from error
    echo(f"Revision {revision.id} {revision.status}: {counts}.")


@cli.command("history")
@click.option("--country", help="Only this country (ISO code).")
@click.option("--round", "round_year", type=int, help="Only this round (year).")
@click.option("--indicator", help="Only this indicator code.")
def score_history(country: str | None, round_year: int | None, indicator: str | None) -> None:
    """Every value of the matching scores, newest first: when, who, why."""
    with store_session() as session:
        entries = history.score_history(
            session,
            round_year=round_year,
            country=country_code(country) if country else None,
            indicator=indicator.strip().upper() if indicator else None,
            viewer=OPERATOR,
        )
    if not entries:
        echo("No values recorded for these scores.")
        return
    rows = [
        [
            moment_text(e.when, zone=False),
            e.author,
            str(e.revision_id),
            f"{e.status}, current" if e.current else e.status,
            f"{e.round_year} {e.country} {e.indicator}",
            value_text(e.value),
            e.comment,
            review_text(e.status, e.author, e.reviewed_by, e.review_reason),
        ]
        for e in entries
    ]
    headers = ["when (UTC)", "who", "revision", "status", "score", "value", "comment", "review"]
    print_table(headers, rows)


@cli.command("revisions")
@click.option(
    "--status", type=click.Choice([s.value for s in RevisionStatus]), help="Only this status."
)
def list_revisions(status: str | None) -> None:
    """List revisions, newest first, with who, when, what and why."""
    with store_session() as session:
        summaries = history.list_revisions(session, status, viewer=OPERATOR)
    rows = [
        [
            str(s.revision.id),
            s.revision.status,
            s.revision.kind,
            s.revision.author,
            moment_text(s.revision.created_at, zone=False),
            str(s.scores),
            " ".join(s.countries),
            " ".join(str(y) for y in s.rounds),
            s.revision.comment,
            review_text(
                s.revision.status,
                s.revision.author,
                s.revision.reviewed_by,
                s.revision.review_reason,
            ),
        ]
        for s in summaries
    ]
    headers = ["revision", "status", "kind", "author", "created (UTC)", "scores", "countries"]
    print_table([*headers, "rounds", "comment", "review"], rows)


@cli.command("diff")
@click.argument("revision_id", metavar="REV", type=int)
def diff(revision_id: int) -> None:
    """What a revision changes: each score before and after, then each figure it moves."""
    with store_session() as session:
        diffs = changes.revision_diff(session, revision_id, viewer=OPERATOR)
        moved = effects.revision_effect(session, revision_id, viewer=OPERATOR)
        catalogue = store.load_catalogue(session)
    rows = [
        [
            f"{c.round_year} {c.country} {c.indicator}",
            value_text(c.before),
            value_text(c.after),
            c.after_note if c.after_note != c.before_note else "",
        ]
        for c in diffs
    ]
    print_table(["score", "before", "after", "new note"], rows)
    echo()
    echo("Effect on the figures (computed; ranks among the round's countries):")
    if not moved:
        echo("no figure changes.")
        return
    # Here only: every other command here (import above all) runs without pandas.
    from niem import tables

    table = tables.effect_table(moved, catalogue)
    table[_("Country")] = [e.country for e in moved]
    print_table(
        ["round", "country", "level", "figure", "before", "after", "change", "rank before",
         "rank after"],
        [[str(value) for value in row] for row in table.itertuples(index=False)],
    )


@cli.command()
@click.argument("revision_id", metavar="REV", type=int)
@click.option("--user", "user_name", required=True, help="The coordinator approving it.")
@click.option(
    "--confirm-conflicts",
    is_flag=True,
    help="Replace values published after the revision was submitted.",
)
def approve(revision_id: int, user_name: str, confirm_conflicts: bool) -> None:
    """Publish a pending revision."""
    with store_session() as session:
        account = accounts.load_account(session, user_name)
        try:
            revisions.approve(
                session, revision_id, user=account, confirm_conflicts=confirm_conflicts
            )
        except revisions.ConflictingChanges as error:
            raise NiemError(f"{error}: run again with --confirm-conflicts") from error
    echo(f"Approved revision {revision_id}; its values are now current.")


@cli.command()
@click.argument("revision_id", metavar="REV", type=int)
@click.option("--user", "user_name", required=True, help="The coordinator rejecting it.")
@click.option("--reason", required=True, help="Why; the partner reads it.")
def reject(revision_id: int, user_name: str, reason: str) -> None:
    """Refuse a pending revision, with a reason."""
    with store_session() as session:
        account = accounts.load_account(session, user_name)
        revisions.reject(session, revision_id, user=account, reason=reason)
    echo(f"Rejected revision {revision_id}.")


@cli.command()
@click.argument("revision_id", metavar="REV", type=int)
@click.option("--user", "user_name", required=True, help="The author withdrawing it.")
def withdraw(revision_id: int, user_name: str) -> None:
    """Take back one's own pending revision."""
    with store_session() as session:
        account = accounts.load_account(session, user_name)
        try:
            revisions.withdraw(session, revision_id, user=account)
        except accounts.NotTheAuthor as error:
            raise NiemError(
                f"{error}: run `niem reject {revision_id} --user {account.name} --reason TEXT`"
            ) from error
    echo(f"Withdrew revision {revision_id}.")


@cli.command()
@click.argument("revision_id", metavar="REV", type=int)
@click.option("--user", "user_name", required=True, help="The coordinator rolling it back.")
def rollback(revision_id: int, user_name: str) -> None:
    """Publish a new revision restoring the values from before a published one."""
    with store_session() as session:
        account = accounts.load_account(session, user_name)
        revision = revisions.rollback(session, revision_id, user=account)
        restored = len(changes.revision_diff(session, revision.id or 0, viewer=OPERATOR))
    echo(
        f"Revision {revision.id} rolls back revision {revision_id}: "
        f"{plural(restored, 'score')} restored."
    )
