"""Shared fixtures: databases built from the shipped data, in memory or in a file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from niem.config import load_settings
from niem.database import make_engine
from niem.loading import initialise


@pytest.fixture
def engine() -> Engine:
    """A fresh in-memory database holding the shipped data."""
    fresh = make_engine("sqlite://")
    initialise(fresh, load_settings())
    return fresh


@pytest.fixture
def empty_engine() -> Engine:
    """A fresh in-memory database holding only the framework and published figures."""
    fresh = make_engine("sqlite://")
    initialise(fresh, load_settings(), demo=False)
    return fresh


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An uninitialised file database that the CLI and the app will use."""
    url = f"sqlite:///{tmp_path / 'niem.db'}"
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    yield url


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare a database before and after an action."""
    with engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table)).all()]
            for table in SQLModel.metadata.sorted_tables
        }
