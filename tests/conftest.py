"""Shared fixtures: databases built from the shipped data, in memory, in a file or on the
PostgreSQL server named by NIEM_TEST_POSTGRES_URL (tests marked `both_databases` run on both)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from niem.config import load_settings
from niem.database import make_engine
from niem.loading import initialise

POSTGRES_URL_VARIABLE = "NIEM_TEST_POSTGRES_URL"
BOTH_DATABASES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_databases: run the test's engine, empty_engine and database_url fixtures on "
        "SQLite and on the PostgreSQL server named by NIEM_TEST_POSTGRES_URL",
    )
    config.addinivalue_line(
        "markers",
        "real_error_edge: let the app's error edge turn unexpected errors into a message, as "
        "it does for visitors (elsewhere they fail the test as exceptions)",
    )


@pytest.fixture(autouse=True)
def unexpected_errors_fail_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page test must see a bug as an exception, not as the edge's polite message."""
    if request.node.get_closest_marker("real_error_edge"):
        return
    from niem.ui import actions

    def reraise(error: Exception) -> str:
        raise error

    monkeypatch.setattr(actions, "log_unexpected", reraise)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("backend", BOTH_DATABASES, indirect=True)


class PostgresServer:
    """Throwaway databases on one server: cloned from a template built once per test run."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"niem_t{os.getpid()}"
        self.count = 0
        self.templates: dict[str, str] = {}

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def _url(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def new_database(self, template: str | None = None) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self._url(name)

    def initialised(self, demo: bool) -> str:
        """A new database holding the shipped data (or only the reference data)."""
        kind = "demo" if demo else "empty"
        if kind not in self.templates:
            url = self.new_database()
            template_engine = make_engine(url)
            initialise(template_engine, load_settings(), demo=demo)
            template_engine.dispose()
            self.templates[kind] = make_url(url).database or ""
        return self.new_database(self.templates[kind])

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            names = (
                connection.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                    {"p": f"{self.prefix}\\_%"},
                )
                .scalars()
                .all()
            )
        for name in names:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        yield None
        return
    server = PostgresServer(url)
    yield server
    server.drop_all()


@pytest.fixture
def backend(request: pytest.FixtureRequest, postgres_server: PostgresServer | None) -> str:
    """Which database the test runs on: SQLite unless the test is marked for both."""
    chosen = getattr(request, "param", "sqlite")
    if chosen == "postgresql" and postgres_server is None:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set; .ci/run starts a server and sets it")
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_URL_VARIABLE} (.ci/run does)")
    return chosen


class SqliteTemplates:
    """In-memory databases built once per test run and copied into each test's fresh one."""

    def __init__(self) -> None:
        self.built: dict[bool, Engine] = {}

    def initialised(self, demo: bool) -> Engine:
        if demo not in self.built:
            template = make_engine("sqlite://")
            initialise(template, load_settings(), demo=demo)
            self.built[demo] = template
        fresh = make_engine("sqlite://")
        with self.built[demo].connect() as source, fresh.connect() as target:
            source.connection.dbapi_connection.backup(target.connection.dbapi_connection)  # type: ignore[union-attr]
        return fresh


@pytest.fixture(scope="session")
def sqlite_templates() -> SqliteTemplates:
    return SqliteTemplates()


@pytest.fixture
def engine(
    backend: str, postgres_server: PostgresServer | None, sqlite_templates: SqliteTemplates
) -> Iterator[Engine]:
    """A fresh database holding the shipped data (in memory, or on PostgreSQL)."""
    fresh = (
        make_engine(postgres_server.initialised(demo=True))
        if backend == "postgresql" and postgres_server
        else sqlite_templates.initialised(demo=True)
    )
    yield fresh
    fresh.dispose()


@pytest.fixture
def empty_engine(
    backend: str, postgres_server: PostgresServer | None, sqlite_templates: SqliteTemplates
) -> Iterator[Engine]:
    """A fresh database holding only the framework and published figures."""
    fresh = (
        make_engine(postgres_server.initialised(demo=False))
        if backend == "postgresql" and postgres_server
        else sqlite_templates.initialised(demo=False)
    )
    yield fresh
    fresh.dispose()


@pytest.fixture
def database_url(
    backend: str,
    postgres_server: PostgresServer | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """An uninitialised database (a file, or a new PostgreSQL database) the CLI and app use."""
    if backend == "postgresql":
        assert postgres_server is not None
        url = postgres_server.new_database()
    else:
        url = f"sqlite:///{tmp_path / 'niem.db'}"
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    yield url


@pytest.fixture
def shared_engine(backend: str, engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """The test's database where threads get connections of their own (a file for SQLite)."""
    if backend != "sqlite":
        yield engine
        return
    path = tmp_path / "niem.db"
    with sqlite3.connect(path) as target:
        engine.raw_connection().driver_connection.backup(target)  # type: ignore[union-attr]
    shared = make_engine(f"sqlite:///{path}")
    yield shared
    shared.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served over a fresh copy of the shipped data, shared by a module's tests."""
    from tests.test_browser import served  # only browser tests need playwright

    database = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'niem.db'}"
    initialise(make_engine(database), load_settings())
    with served(database) as url:
        yield url


def add_people(session: Any, password: str) -> dict[str, Any]:
    """A partner for Latvia, one for Lithuania and a coordinator, added by the operator."""
    from niem.accounts import OPERATOR, add_user

    return {
        "lv": add_user(session, "lv", "partner", password, ["LV"], by=OPERATOR),
        "lt": add_user(session, "lt", "partner", password, ["LT"], by=OPERATOR),
        "coord": add_user(session, "coord", "coordinator", password, by=OPERATOR),
    }


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare a database before and after an action."""
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table)).all()]
            for table in SQLModel.metadata.sorted_tables
        }


def session_token(user: str) -> str:
    """A signed-in session of the account in the app's database, as a page tests holds it
    (AppTest sends no cookies, so the token goes into the page's session state)."""
    from niem import accounts, sessions
    from niem.config import load_settings
    from niem.database import make_engine, open_session

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with open_session(engine) as session:
            name = accounts.load_account(session, user).name
            return sessions.start_session(session, name, settings)
    finally:
        engine.dispose()
