"""Engines and sessions: SQLite in WAL mode by default, any SQLAlchemy URL by setting."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from niem import models  # noqa: F401  (registers the tables)
from niem.errors import BadSetting

BUSY_TIMEOUT_MS = 30_000
LOCK_RETRIES = 5

T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if not url.startswith("sqlite"):
        try:
            return create_engine(url, pool_pre_ping=True)
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

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def create_tables(engine: Engine) -> None:
    """Create any missing table; existing tables and their rows are left alone."""
    SQLModel.metadata.create_all(engine)


@contextmanager
def open_session(engine: Engine) -> Iterator[Session]:
    """A short session that expires nothing on commit, so loaded rows stay readable."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


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


def write_transaction(session: Session, work: Callable[[], T]) -> T:
    """Run `work` as one committed write transaction, retried while SQLite is locked.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so what `work` reads cannot change
    under it before it writes; on any error nothing is kept.
    """

    def attempt() -> T:
        try:
            _begin_immediate(session)
            result = work()
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise

    return with_lock_retry(attempt)


def _begin_immediate(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
