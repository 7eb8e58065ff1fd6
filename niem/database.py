"""Engines and sessions: SQLite in WAL mode by default, any SQLAlchemy URL by setting.

A SQLite file deleted or replaced under a running app would take its writes into a file no
one can open again. So each engine remembers which file it opened (device and inode), and
every write checks, before and after its commit, that the file at the path is still that
one: a write is never confirmed unless it reached the database the app was started with.
"""

from __future__ import annotations

import functools
import os
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Table, event, make_url
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session, SQLModel, create_engine

from niem import models  # noqa: F401  (registers the tables)
from niem.errors import BadSetting, NiemError
from niem.i18n import _

BUSY_TIMEOUT_MS = 30_000
LOCK_RETRIES = 5

T = TypeVar("T")


class DatabaseReplaced(NiemError):
    """The database file was deleted or replaced after the engine opened it."""


# The (device, inode) of the file each SQLite engine opened first.
_opened_files: weakref.WeakKeyDictionary[Engine, tuple[str, tuple[int, int]]] = (
    weakref.WeakKeyDictionary()
)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if not url.startswith("sqlite"):
        try:
            return create_engine(url, pool_pre_ping=True, connect_args=_server_settings(url))
        except (ArgumentError, ImportError) as error:
            raise BadSetting(
                f"NIEM_DATABASE_URL {url!r} is not a database this app can open ({error}); "
                "use e.g. sqlite:///data/niem.db or postgresql+psycopg://user@host/niem"
            ) from error
    connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = create_engine(
        url, connect_args=connect_args, poolclass=StaticPool if in_memory else None
    )

    database = make_url(url).database
    if not in_memory and database:
        # A URI filename (file:...?mode=ro) names the same file.
        path = os.path.abspath(database.removeprefix("file:"))

        @event.listens_for(engine, "connect")
        def _remember_the_file(_dbapi_connection: Any, _record: Any) -> None:
            if engine not in _opened_files:
                _opened_files[engine] = (path, _identity(path) or (0, 0))

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def _server_settings(url: str) -> dict[str, Any]:
    """PostgreSQL plans as for a store held in memory or on SSD: `random_page_cost` 1.1, the
    value its documentation gives for them, instead of 4 (disks that seek). With 4 it reads
    the small tables a foreign key points to (indicators, countries) row by row for each row
    inserted, where one look-up in their primary key will do: a sixth of a 100,000-row import.
    Options given in the URL come after, so a deployment's own setting wins."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return {}
    given = parsed.query.get("options", "")
    if not isinstance(given, str):
        given = " ".join(given)
    return {"options": f"-c random_page_cost=1.1 {given}".strip()}


def create_tables(engine: Engine) -> None:
    """Create any missing table; existing tables and their rows are left alone."""
    SQLModel.metadata.create_all(engine)


@contextmanager
def open_session(engine: Engine) -> Iterator[Session]:
    """A short session that expires nothing on commit, so loaded rows stay readable."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def driver_rows(
    session: Session, query: ClauseElement, parameters: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """The rows of a query as the database driver returns them: plain tuples, without
    SQLAlchemy's result processing (a fifth of the time of reading 10,000 current values).

    Given `parameters`, the query is a statement kept for the life of the process, with
    `bindparam`s those parameters fill: it is compiled once per kind of database, not per
    call (a figures table makes eight small reads, and compiling was a third of each).
    Only for columns the driver already gives as the caller needs them (numbers and text).
    """
    connection = session.connection()
    if parameters is None:
        statement, values = _compiled_with_values(query, connection.dialect)
    else:
        statement, names = _compiled_once(query, connection.dialect)
        values = [parameters[name] for name in names] if names is not None else parameters
    cursor = connection.connection.cursor()
    try:
        cursor.execute(statement, values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _compiled_with_values(query: ClauseElement, dialect: Dialect) -> tuple[str, Any]:
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    assert isinstance(compiled, SQLCompiler)
    values: Any = compiled.params
    if compiled.positional:
        values = [values[name] for name in compiled.positiontup or ()]
    return str(compiled), values


@functools.lru_cache(maxsize=256)
def _compiled_once(query: ClauseElement, dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
    """The SQL of a kept statement and, for drivers that take parameters by position, the
    names of its parameters in order."""
    compiled = query.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    return str(compiled), tuple(compiled.positiontup or ()) if compiled.positional else None


def driver_insert(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows (values in the order of `columns`) through the driver's `executemany`,
    without SQLAlchemy's processing of each row: an upload stores 100,000 at once."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.c[name].name) for name in columns)
    cursor = connection.connection.cursor()
    try:
        if dialect.name == "postgresql":
            # COPY: PostgreSQL's own bulk load, a third quicker than one INSERT per row.
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["?"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def with_lock_retry(action: Callable[[], T]) -> T:
    """Run a write, retrying while another writer holds SQLite's lock past the busy timeout."""
    for attempt in range(LOCK_RETRIES):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def sqlite_file_missing(url: str) -> bool:
    """Whether a SQLite URL names a file that does not exist yet."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return False
    return not Path(parsed.database).exists()


def _identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def check_same_database(engine: Engine, *, committed: bool = False) -> None:
    """Raise DatabaseReplaced if the engine's SQLite file is no longer the file it opened."""
    opened = _opened_files.get(engine)
    if opened is None:
        return
    path, identity = opened
    if _identity(path) == identity:
        return
    if committed:
        raise DatabaseReplaced(
            _("the database file {path} was deleted or replaced while this was being stored, "
              "so it may be lost; restart the app and check the history before sending it "
              "again").format(path=path)
        )
    raise DatabaseReplaced(
        _("the database file {path} was deleted or replaced while the app was running, so "
          "nothing was stored; restart the app (or run the command again) to use the "
          "database").format(path=path)
    )


def write_transaction(session: Session, work: Callable[[], T]) -> T:
    """Run `work` as one committed write transaction, retried while SQLite is locked.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so what `work` reads cannot change
    under it before it writes; on any error nothing is kept. The write is confirmed (returns)
    only if the database file is the one the engine opened, before and after the commit.
    """
    engine = session.get_bind()

    def attempt() -> T:
        try:
            _begin_immediate(session)
            result = work()
            if isinstance(engine, Engine):
                check_same_database(engine)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        if isinstance(engine, Engine):
            check_same_database(engine, committed=True)
        return result

    return with_lock_retry(attempt)


def _begin_immediate(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
