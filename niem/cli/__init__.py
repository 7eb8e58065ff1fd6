"""The `niem` command: the coordinator's scripting interface. Errors print `Error: ...`, exit 1.

One module per command group, each registering its commands on `cli` when imported; a
command's module is imported when the command is used (`COMMAND_MODULES`), so that `niem
export` starts without the code of PDFs, passwords or uploads:
`data` (init, export, template, check), `illustrative` (generate-illustrative), `scores`
(validate, import, history, revisions, diff, approve, reject, withdraw, rollback), `users`
(`niem user ...`),
`practices` (`niem practice ...`), `reports` (`niem brief`, `niem report`), `feedback`
(`niem feedback list`) and `rounds` (`niem round ...`).
A new group gets a module of its own and its commands' lines in `COMMAND_MODULES`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from niem import runtime
from niem.config import load_settings
from niem.errors import NiemError, NotInitialised, UnknownChoice
from niem.text import printable

if TYPE_CHECKING:
    import pandas as pd
    from sqlmodel import Session
    from tqdm import tqdm

    from niem.importing import Progress

T = TypeVar("T")

# The module of `niem.cli` that registers each command.
COMMAND_MODULES = {
    **dict.fromkeys(("init", "export", "template", "check"), "data"),
    "generate-illustrative": "illustrative",
    **dict.fromkeys(
        ("validate", "import", "history", "revisions", "diff", "approve", "reject", "withdraw",
         "rollback"),
        "scores",
    ),
    "user": "users",
    "practice": "practices",
    "brief": "reports",
    "report": "reports",
    "feedback": "feedback",
    "round": "rounds",
}


class NiemGroup(click.Group):
    """The command line's one error edge: every user mistake is one `Error:` line, exit 1.
    Each command's module is imported when the command is first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"niem.cli.{COMMAND_MODULES[cmd_name]}")
            runtime.settle()  # the command's code is loaded: 3.4 s to 2.9 s for a large import
        return super().get_command(ctx, cmd_name)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            echo("Error: aborted.", err=True)
            sys.exit(1)
        except click.ClickException as error:
            # Some of click's messages span lines ("Choose from:\n\t..."); keep one line.
            echo(f"Error: {' '.join(error.format_message().split())}", err=True)
            sys.exit(1)
        except NiemError as error:
            echo(f"Error: {error}", err=True)
            sys.exit(1)
        except OSError as error:
            # A file the user named cannot be read or written: say which and why.
            where = f" {error.filename}" if error.filename else ""
            echo(f"Error: cannot use{where}: {error.strerror or error}", err=True)
            sys.exit(1)
        except Exception as error:
            echo(f"Error: {_database_error(error) or _unexpected(error)}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _database_error(error: Exception) -> str | None:
    """What a database error means for the user, or None for any other error."""
    if "sqlalchemy" not in sys.modules:  # no database was opened, so it is not one
        return None
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    if isinstance(error, OperationalError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        return f"the database cannot be used ({reason}); check NIEM_DATABASE_URL"
    if isinstance(error, SQLAlchemyError):
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return f"the database refused the request ({reason}); nothing changed"
    return None


def _unexpected(error: Exception) -> str:
    # Anything else is a fault of ours: still one line, never a traceback.
    return f"unexpected {type(error).__name__}: {error}; please report it"


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print, with control characters written as escapes: the command line's one output, so
    that text from a file or a user cannot move the cursor, colour or clear a terminal."""
    click.echo(printable(str(message)), err=err, nl=nl)


@click.group(cls=NiemGroup)
def cli() -> None:
    """NIEM Explorer: store, score and export refugee-integration evaluation data."""


def main() -> None:
    """Console entry point."""
    cli()


@contextmanager
def store_session() -> Iterator[Session]:
    """A session on the database the settings name, which `niem init` must have built."""
    from sqlalchemy import inspect

    from niem.database import make_engine, open_session, sqlite_file_missing

    settings = load_settings()
    if sqlite_file_missing(settings.database_url):
        raise NotInitialised("the database has no data yet; run `niem init` first")
    engine = make_engine(settings.database_url)
    if not inspect(engine).has_table("indicator"):
        raise NotInitialised("the database has no data yet; run `niem init` first")
    with open_session(engine) as session:
        yield session


def country_code(text: str) -> str:
    """The ISO code of a country given by code or name; UnknownChoice otherwise."""
    from niem.countries import resolve_country

    code = resolve_country(text)
    if code is None:
        raise UnknownChoice(f"unknown country {text!r}; use an ISO code such as LV")
    return code


def output_format(path: Path | None, fmt: str | None) -> str:
    """The format asked for, else xlsx for an .xlsx file, else csv."""
    if fmt:
        return fmt
    if path is not None and path.suffix.lower() == ".xlsx":
        return "xlsx"
    return "csv"


def write_frame(frame: pd.DataFrame, path: Path | None, fmt: str) -> None:
    """Write a table to the file, or as CSV to standard output without one."""
    from niem import exporting

    if path is None:
        if fmt == "xlsx":
            raise UnknownChoice("XLSX cannot go to standard output; give a file with -o")
        echo(exporting.to_csv_bytes(frame).decode("utf-8"), nl=False)
        return
    with path.open("wb") as handle:
        exporting.write_table(frame, fmt, handle)
    echo(f"Wrote {len(frame)} rows to {path}", err=True)


def write_frames(frames: Iterable[pd.DataFrame], path: Path | None, fmt: str) -> None:
    """Write tables as one, each as it comes, to the file, or as CSV to standard output."""
    from niem import exporting

    if path is None:
        if fmt == "xlsx":
            raise UnknownChoice("XLSX cannot go to standard output; give a file with -o")
        for chunk, _ in exporting.csv_chunks(frames):
            echo(chunk.decode("utf-8"), nl=False)
        return
    with path.open("wb") as handle:
        rows = exporting.write_tables(frames, fmt, handle)
    echo(f"Wrote {rows} rows to {path}", err=True)


def progress(items: Sequence[T], description: str, *, shown: bool) -> Iterable[T]:
    """The items, with a progress bar on standard error when it is a terminal or asked for,
    so that output read by scripts stays as it was."""
    from tqdm import tqdm

    return tqdm(items, desc=description, file=sys.stderr, disable=_hidden(shown))


def _hidden(shown: bool) -> bool:
    """No bar unless asked for or on a terminal: output read by scripts stays as it was."""
    return not (shown or sys.stderr.isatty())


@contextmanager
def stage_bar(shown: bool) -> Iterator[tqdm]:
    """A progress bar over an upload's rows on standard error (as `progress`), whose
    description names the stage: check, compare, store."""
    from tqdm import tqdm

    bar = tqdm(total=0, desc="check", unit="row", file=sys.stderr, disable=_hidden(shown))
    try:
        yield bar
    finally:
        bar.close()


def rows_checked(bar: tqdm) -> Progress:
    """A callback that moves the bar to (rows checked, rows in the file)."""

    def show(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done == total:
            bar.set_description("compare")

    return show


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """Print rows as aligned columns under a header."""
    cells = [[" ".join(c.split()) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())

