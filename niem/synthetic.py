"""Large synthetic stores for the benchmark and the tests: never the shipped data.

`build_store` adds to a database made by `niem init --no-demo` (the framework, the 50
countries, the published figures) extra rounds and indicators, then `revisions` published
revisions for every round and country, each setting every indicator: countries x indicators x
rounds x revisions score rows, with the current-values table filled as the app would fill it.
The values follow from the seed alone, so two stores of the same size are identical. SQLite
is written with `sqlite-utils`' bulk insert; other databases with batched `executemany`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils
from sqlalchemy import insert, make_url
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, col, select

from niem.config import Settings
from niem.database import open_session
from niem.loading import initialise
from niem.models import (
    Country,
    Indicator,
    RevisionKind,
    RevisionStatus,
    Round,
    RoundCountry,
)

AUTHOR = "synthetic"
BATCH = 20_000
START = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class StoreSize:
    countries: int = 50
    indicators: int = 200
    rounds: int = 10
    revisions: int = 10

    @property
    def score_rows(self) -> int:
        return self.countries * self.indicators * self.rounds * self.revisions


def build_store(engine: Engine, settings: Settings, size: StoreSize, *, seed: int = 0) -> int:
    """Fill a fresh database with a synthetic store of `size`; returns the score rows added."""
    initialise(engine, settings, demo=False)
    with open_session(engine) as session:
        countries = list(session.exec(select(Country.code).order_by(col(Country.code))).all())
        indicators = list(session.exec(select(Indicator)).all())
        shipped_rounds = list(session.exec(select(Round.year).order_by(col(Round.year))).all())
    if size.countries > len(countries):
        raise ValueError(f"at most {len(countries)} countries")
    countries = countries[: size.countries]
    years = [shipped_rounds[-1] - 2 * i for i in range(size.rounds)][::-1]
    codes = _indicator_codes(indicators, size.indicators)
    chooser = random.Random(seed)
    tables: dict[str, list[dict[str, Any]]] = {
        "round": [
            {"year": y, "situation": str(y), "label": f"Synthetic {y}", "published": ""}
            for y in years
            if y not in shipped_rounds
        ],
        "indicator": [
            {
                "code": code,
                "dimension_code": dimension,
                "step_code": step,
                "title": f"Synthetic indicator {code}",
                "description": "",
                "scored": True,
                "illustrative": True,
            }
            for code, dimension, step in codes
            if code not in {i.code for i in indicators}
        ],
    }
    with open_session(engine) as session:
        members = set(session.exec(select(RoundCountry.round_year, RoundCountry.country_code)))
    tables["roundcountry"] = [
        {"round_year": y, "country_code": c}
        for y in years
        for c in countries
        if (y, c) not in members
    ]
    for name, rows in tables.items():
        _insert(engine, name, rows)
    revisions, scores, current = _history(chooser, years, countries, [c for c, _, _ in codes], size)
    _insert(engine, "revision", revisions)
    _insert(engine, "score", scores)
    _insert(engine, "currentvalue", current)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in ("revision", "score"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    return size.score_rows


def _indicator_codes(indicators: list[Indicator], wanted: int) -> list[tuple[str, str, str]]:
    """The shipped scored indicators, then synthetic ones spread over the same cells."""
    scored = sorted((i.code, i.dimension_code, i.step_code) for i in indicators if i.scored)
    codes = scored[:wanted]
    cells = sorted({(d, s) for _, d, s in scored})
    for number in range(wanted - len(codes)):
        dimension, step = cells[number % len(cells)]
        codes.append((f"SYN-{number + 1:04d}", dimension, step))
    return codes


def _history(
    chooser: random.Random,
    years: list[int],
    countries: list[str],
    codes: list[str],
    size: StoreSize,
) -> tuple[list[dict[str, Any]], Iterator[dict[str, Any]], Iterator[dict[str, Any]]]:
    """One published revision per round, country and pass, each setting every indicator."""
    revisions = []
    plan = []
    revision_id = 0
    for number in range(size.revisions):
        for year in years:
            for country in countries:
                revision_id += 1
                moment = START + timedelta(minutes=revision_id)
                revisions.append(
                    {
                        "id": revision_id,
                        "author": AUTHOR,
                        "created_at": moment,
                        "comment": f"Synthetic pass {number + 1}",
                        "kind": RevisionKind.UPLOAD.value,
                        "status": RevisionStatus.PUBLISHED.value,
                        "reviewed_by": AUTHOR,
                        "reviewed_at": moment,
                        "published_at": moment,
                    }
                )
                plan.append((revision_id, moment, year, country, number == size.revisions - 1))
    values = [[chooser.choice(range(0, 101, 5)) for _ in codes] for _ in plan]

    def scores() -> Iterator[dict[str, Any]]:
        score_id = 0
        for (revision, _, year, country, _), row in zip(plan, values, strict=True):
            for code, value in zip(codes, row, strict=True):
                score_id += 1
                yield {
                    "id": score_id,
                    "revision_id": revision,
                    "round_year": year,
                    "country_code": country,
                    "indicator_code": code,
                    "value": float(value),
                    "note": "",
                    "source": "synthetic",
                }

    def current() -> Iterator[dict[str, Any]]:
        for index, ((revision, moment, year, country, last), row) in enumerate(
            zip(plan, values, strict=True)
        ):
            if not last:
                continue
            for offset, (code, value) in enumerate(zip(codes, row, strict=True)):
                yield {
                    "round_year": year,
                    "country_code": country,
                    "indicator_code": code,
                    "value": float(value),
                    "note": "",
                    "source": "synthetic",
                    "score_id": index * len(codes) + offset + 1,
                    "revision_id": revision,
                    "provenance": f"revision:{revision}",
                    "author": AUTHOR,
                    "published_at": moment,
                    "ranks_as_illustrative": False,
                }

    return revisions, scores(), current()


def _insert(engine: Engine, table: str, rows: Iterable[dict[str, Any]]) -> None:
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database = sqlite_utils.Database(make_url(url).database)
        database[table].insert_all(  # type: ignore[union-attr]
            (_sqlite_row(r) for r in rows), batch_size=BATCH
        )
        database.close()
        return
    model = SQLModel.metadata.tables[table]
    batch: list[dict[str, Any]] = []
    with engine.begin() as connection:
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                connection.execute(insert(model), batch)
                batch = []
        if batch:
            connection.execute(insert(model), batch)


def _sqlite_row(row: dict[str, Any]) -> dict[str, Any]:
    # Stored as SQLAlchemy stores them, so the app reads them back unchanged.
    return {
        k: v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
        for k, v in row.items()
    }
