"""The `niem` command: the coordinator's scripting interface. Errors print `Error: ...`, exit 1."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from niem import accounts, exporting, illustrative, importing, loading, revisions, store
from niem.checks import check_figures
from niem.config import Settings, load_settings
from niem.countries import resolve_country
from niem.database import make_engine, open_session, sqlite_file_missing
from niem.errors import NiemError, NotInitialised, UnknownChoice
from niem.methodology import LEVELS
from niem.models import RevisionStatus, Role
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
            # Some of click's messages span lines ("Choose from:\n\t..."); keep one line.
            click.echo(f"Error: {' '.join(error.format_message().split())}", err=True)
            sys.exit(1)
        except NiemError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            click.echo(
                f"Error: the database cannot be used ({reason}); check NIEM_DATABASE_URL", err=True
            )
            sys.exit(1)
        except OSError as error:
            # A file the user named cannot be read or written: say which and why.
            where = f" {error.filename}" if error.filename else ""
            click.echo(f"Error: cannot use{where}: {error.strerror or error}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _engine(settings: Settings) -> Engine:
    return make_engine(settings.database_url)


def _initialised_engine(settings: Settings) -> Engine:
    if sqlite_file_missing(settings.database_url):
        raise NotInitialised("the database has no data yet; run `niem init` first")
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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _table(headers: list[str], rows: list[list[str]]) -> None:
    """Print rows as aligned columns under a header."""
    cells = [[" ".join(c.split()) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _moment(value: datetime | None) -> str:
    moment = accounts.as_utc(value)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _value(value: float | None) -> str:
    return "no data" if value is None else f"{value:g}"


def _read_password() -> str:
    stdin = sys.stdin
    if stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = stdin.readline()
    if not line:
        raise NiemError("no password given; type it at the prompt or pipe it on standard input")
    return line.rstrip("\r\n")


@cli.group()
def user() -> None:
    """Manage partner and coordinator accounts."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role", type=click.Choice([Role.PARTNER.value, Role.COORDINATOR.value]), required=True
)
@click.option("--country", "countries", multiple=True, help="A country a partner may edit.")
def user_add(name: str, role: str, countries: tuple[str, ...]) -> None:
    """Add an account; the password is read from a prompt or standard input."""
    settings = load_settings()
    engine = _initialised_engine(settings)
    codes = [_country(c) for c in countries]
    password = _read_password()
    with open_session(engine) as session:
        account = accounts.add_user(session, name, role, password, codes)
    where = f" for {' '.join(account.countries)}" if account.countries else ""
    click.echo(f"Added {account.role} {account.name!r}{where}.")


@user.command("list")
def user_list() -> None:
    """List the accounts with their roles and countries."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        users = accounts.list_users(session)
    rows = [[u.name, u.role, " ".join(u.countries), "yes" if u.disabled else "no"] for u in users]
    _table(["name", "role", "countries", "disabled"], rows)


@user.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Stop an account from logging in or acting; its revisions stay."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        accounts.disable_user(session, name)
    click.echo(f"Disabled user {name!r}.")


def _upload_context(
    session: Any, settings: Settings, editable: frozenset[str] | None
) -> importing.UploadContext:
    catalogue = store.load_catalogue(session)
    return importing.UploadContext(
        rounds={r.year: frozenset(r.countries) for r in store.load_rounds(session)},
        indicators={code: i.scored for code, i in catalogue.indicators.items()},
        editable_countries=editable,
        max_bytes=settings.max_upload_bytes,
    )


def _read_file(path: Path, settings: Settings) -> bytes:
    # One byte over the limit is enough for the reader to report the file as too large.
    with path.open("rb") as handle:
        return handle.read(settings.max_upload_bytes + 1)


def _report(result: importing.UploadResult) -> None:
    """Print notices to standard error and problems to standard output."""
    for notice in result.notices:
        click.echo(f"Notice: {notice}", err=True)
    for problem in result.problems:
        click.echo(str(problem))


def _counts(preview: revisions.Preview) -> str:
    counts = preview.counts
    kinds = revisions.ChangeKind
    return (
        f"{counts[kinds.CHANGED]} changed, {counts[kinds.NEW]} new, "
        f"{counts[kinds.TO_NO_DATA]} to no data, {counts[kinds.UNCHANGED]} unchanged"
    )


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(file: Path) -> None:
    """Check an upload file; print every problem as `row R, column C: message`."""
    settings = load_settings()
    data = _read_file(file, settings)
    with open_session(_initialised_engine(settings)) as session:
        result = importing.read_upload(data, file.name, _upload_context(session, settings, None))
        _report(result)
        if not result.valid:
            raise NiemError(f"{file} has {_plural(len(result.problems), 'problem')}")
        preview = revisions.preview_changes(session, result.rows)
    if preview.conflicts:
        keys = [(r.round_year, r.country, r.indicator) for r in preview.conflicts]
        rows = "1 row changes a score" if len(keys) == 1 else f"{len(keys)} rows change scores"
        click.echo(
            f"Notice: {rows} that another revision changed after the template was made "
            f"({revisions.describe_scores(keys)}); `niem import` will need --confirm-conflicts",
            err=True,
        )
    click.echo(f"{file} is valid: {_plural(len(result.rows), 'row')}")
    click.echo(f"Against the current values: {_counts(preview)}.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "user_name", required=True, help="The account submitting the file.")
@click.option("--comment", default="", help="Why these scores change (required for partners).")
@click.option(
    "--confirm-conflicts",
    is_flag=True,
    help="Overwrite scores that others changed after the template was made.",
)
def import_file(file: Path, user_name: str, comment: str, confirm_conflicts: bool) -> None:
    """Validate a file and store it as a revision: pending for a partner, else published."""
    settings = load_settings()
    data = _read_file(file, settings)
    with open_session(_initialised_engine(settings)) as session:
        account = accounts.current_account(session, accounts.load_account(session, user_name))
        assert account is not None
        editable = None if account.is_coordinator else frozenset(account.countries)
        result = importing.read_upload(
            data, file.name, _upload_context(session, settings, editable)
        )
        _report(result)
        if not result.valid:
            problems = _plural(len(result.problems), "problem")
            raise NiemError(f"{problems}; nothing was imported")
        preview = revisions.preview_changes(session, result.rows)
        try:
            revision = revisions.submit(
                session,
                result.rows,
                user=account,
                comment=comment,
                file_name=file.name,
                file_bytes=data,
                confirm_conflicts=confirm_conflicts,
            )
        except revisions.ConflictingChanges as error:
            raise NiemError(f"{error}: run again with --confirm-conflicts") from error
        except revisions.CommentRequired as error:
            raise NiemError(f"{error}: add --comment TEXT") from error
    click.echo(f"Revision {revision.id} {revision.status}: {_counts(preview)}.")


@cli.command()
@click.option("--country", help="Only this country (ISO code).")
@click.option("--round", "round_year", type=int, help="Only this round (year).")
@click.option("--indicator", help="Only this indicator code.")
def history(country: str | None, round_year: int | None, indicator: str | None) -> None:
    """Every value of the matching scores, newest first: when, who, why."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        entries = revisions.score_history(
            session,
            round_year=round_year,
            country=_country(country) if country else None,
            indicator=indicator.strip().upper() if indicator else None,
        )
    if not entries:
        click.echo("No values recorded for these scores.")
        return
    rows = [
        [
            _moment(e.when),
            e.author,
            str(e.revision_id),
            f"{e.status}, current" if e.current else e.status,
            f"{e.round_year} {e.country} {e.indicator}",
            _value(e.value),
            e.comment,
            _review(e.status, e.author, e.reviewed_by, e.review_reason),
        ]
        for e in entries
    ]
    _table(["when (UTC)", "who", "revision", "status", "score", "value", "comment", "review"], rows)


REVIEW_VERBS = {"published": "approved", "rejected": "rejected", "withdrawn": "withdrawn"}


def _review(status: str, author: str, reviewer: str | None, reason: str | None) -> str:
    """Who approved, rejected or withdrew it, and why; empty if the author published it."""
    if reviewer is None or (status == RevisionStatus.PUBLISHED and reviewer == author):
        return ""
    text = f"{REVIEW_VERBS.get(status, status)} by {reviewer}"
    return f"{text}: {reason}" if reason else text


@cli.command("revisions")
@click.option(
    "--status", type=click.Choice([s.value for s in RevisionStatus]), help="Only this status."
)
def list_revisions(status: str | None) -> None:
    """List revisions, newest first, with who, when, what and why."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        summaries = revisions.list_revisions(session, status)
    rows = [
        [
            str(s.revision.id),
            s.revision.status,
            s.revision.kind,
            s.revision.author,
            _moment(s.revision.created_at),
            str(s.scores),
            " ".join(s.countries),
            " ".join(str(y) for y in s.rounds),
            s.revision.comment,
            _review(
                s.revision.status,
                s.revision.author,
                s.revision.reviewed_by,
                s.revision.review_reason,
            ),
        ]
        for s in summaries
    ]
    _table(
        [
            "revision",
            "status",
            "kind",
            "author",
            "created (UTC)",
            "scores",
            "countries",
            "rounds",
            "comment",
            "review",
        ],
        rows,
    )


@cli.command("diff")
@click.argument("revision_id", metavar="REV", type=int)
def diff(revision_id: int) -> None:
    """What a revision changes: each score before and after."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        changes = revisions.revision_diff(session, revision_id)
    rows = [
        [
            f"{c.round_year} {c.country} {c.indicator}",
            _value(c.before),
            _value(c.after),
            c.after_note if c.after_note != c.before_note else "",
        ]
        for c in changes
    ]
    _table(["score", "before", "after", "new note"], rows)


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
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        account = accounts.load_account(session, user_name)
        try:
            revisions.approve(
                session, revision_id, user=account, confirm_conflicts=confirm_conflicts
            )
        except revisions.ConflictingChanges as error:
            raise NiemError(f"{error}: run again with --confirm-conflicts") from error
    click.echo(f"Approved revision {revision_id}; its values are now current.")


@cli.command()
@click.argument("revision_id", metavar="REV", type=int)
@click.option("--user", "user_name", required=True, help="The coordinator rejecting it.")
@click.option("--reason", required=True, help="Why; the partner reads it.")
def reject(revision_id: int, user_name: str, reason: str) -> None:
    """Refuse a pending revision, with a reason."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        account = accounts.load_account(session, user_name)
        revisions.reject(session, revision_id, user=account, reason=reason)
    click.echo(f"Rejected revision {revision_id}.")


@cli.command()
@click.argument("revision_id", metavar="REV", type=int)
@click.option("--user", "user_name", required=True, help="The author withdrawing it.")
def withdraw(revision_id: int, user_name: str) -> None:
    """Take back one's own pending revision."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        account = accounts.load_account(session, user_name)
        try:
            revisions.withdraw(session, revision_id, user=account)
        except accounts.NotTheAuthor as error:
            raise NiemError(
                f"{error}: run `niem reject {revision_id} --user {account.name} --reason TEXT`"
            ) from error
    click.echo(f"Withdrew revision {revision_id}.")


@cli.command()
@click.argument("revision_id", metavar="REV", type=int)
@click.option("--user", "user_name", required=True, help="The coordinator rolling it back.")
def rollback(revision_id: int, user_name: str) -> None:
    """Publish a new revision restoring the values from before a published one."""
    settings = load_settings()
    with open_session(_initialised_engine(settings)) as session:
        account = accounts.load_account(session, user_name)
        revision = revisions.rollback(session, revision_id, user=account)
        restored = len(revisions.revision_diff(session, revision.id or 0))
    click.echo(
        f"Revision {revision.id} rolls back revision {revision_id}: "
        f"{_plural(restored, 'score')} restored."
    )


def main() -> None:
    """Console entry point."""
    cli()
