"""`niem init`: load the shipped framework, rounds, published figures and facts, the
illustrative scores and illustrative practices, and set up the practices search.

Loading is idempotent: reference rows are upserted by their codes, published figures by
(round, country, level, code), published facts by their key, and the illustrative scores are
loaded once, as one revision
that ranks below every other whenever it is loaded (`niem.store.current_order`). Nothing a
partner submitted is touched; tables an older version made gain the columns added since.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sql
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.schema import Column, Table
from sqlmodel import Session, SQLModel, func, select

from niem.config import Settings
from niem.countries import european_countries
from niem.current import needs_rebuild, rebuild_current_values, record_publication
from niem.database import create_tables, open_session
from niem.facts import make_fact
from niem.models import (
    Area,
    Country,
    Dimension,
    Indicator,
    LocalName,
    PublishedFact,
    PublishedFigure,
    Revision,
    RevisionKind,
    RevisionStatus,
    Round,
    RoundCountry,
    Score,
    Step,
    utc_now,
)
from niem.practice_search import enable_search
from niem.practices import load_illustrative_practices

ILLUSTRATIVE_AUTHOR = "niem init"
# A translated column of a data file: `name_lv` is the Latvian name.
LOCAL_COLUMN = re.compile(r"(name|description|title|label|situation)_([a-z]{2,3})")


@dataclass(frozen=True)
class InitReport:
    """What one `niem init` changed."""

    reference_rows_added: int
    published_figures_added: int
    illustrative_scores_added: int
    illustrative_practices_added: int = 0
    published_facts_added: int = 0


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a shipped UTF-8 CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(session: Session, row: SQLModel, key: Any) -> int:
    existing = session.get(type(row), key)
    if existing is None:
        session.add(row)
        return 1
    for name, value in row.model_dump().items():
        setattr(existing, name, value)
    return 0


def load_local_names(session: Session, kind: str, code: str, row: dict[str, str]) -> int:
    """Upsert the row's translated columns (`name_lv`, `description_lv`…); return rows added.

    A new language needs only new columns in the data files."""
    added = 0
    for column, text in row.items():
        found = LOCAL_COLUMN.fullmatch(column or "")
        if found and text and text.strip():
            field, language = found.groups()
            name = LocalName(language=language, kind=kind, code=code, field=field, text=text)
            added += _upsert(session, name, (language, kind, code, field))
    return added


def load_reference_data(session: Session, settings: Settings) -> int:
    """Upsert countries, areas, dimensions, steps, indicators and rounds; return rows added."""
    added = 0
    for code, name in european_countries():
        added += _upsert(session, Country(code=code, name=name), code)
    framework = settings.framework_dir
    for row in read_csv(framework / "areas.csv"):
        area = Area(code=row["code"], name=row["name"], position=int(row["position"]))
        added += _upsert(session, area, area.code)
        added += load_local_names(session, "area", area.code, row)
    for row in read_csv(framework / "steps.csv"):
        step = Step(
            code=row["code"],
            name=row["name"],
            position=int(row["position"]),
            description=row["description"],
        )
        added += _upsert(session, step, step.code)
        added += load_local_names(session, "step", step.code, row)
    for row in read_csv(framework / "dimensions.csv"):
        dimension = Dimension(
            code=row["code"],
            area_code=row["area"],
            name=row["name"],
            position=int(row["position"]),
            description=row["description"],
        )
        added += _upsert(session, dimension, dimension.code)
        added += load_local_names(session, "dimension", dimension.code, row)
    session.flush()
    for row in read_csv(framework / "indicators.csv"):
        indicator = Indicator(
            code=row["code"],
            dimension_code=row["dimension"],
            step_code=row["step"],
            title=row["title"],
            description=row["description"],
            scored=row["scored"].strip().lower() == "true",
            illustrative=True,
        )
        added += _upsert(session, indicator, indicator.code)
        added += load_local_names(session, "indicator", indicator.code, row)
    for row in read_csv(settings.rounds_file):
        year = int(row["year"])
        round_ = Round(
            year=year, situation=row["situation"], label=row["label"], published=row["published"]
        )
        added += _upsert(session, round_, year)
        added += load_local_names(session, "round", str(year), row)
        session.flush()
        for code in row["countries"].split():
            added += _upsert(
                session, RoundCountry(round_year=year, country_code=code), (year, code)
            )
    return added


def load_published_figures(session: Session, settings: Settings) -> int:
    """Upsert the published figures; return how many were new."""
    added = 0
    for row in read_csv(settings.published_file):
        key = (int(row["round"]), row["country"], row["level"], row["step"])
        existing = session.exec(
            select(PublishedFigure).where(
                PublishedFigure.round_year == key[0],
                PublishedFigure.country_code == key[1],
                PublishedFigure.level == key[2],
                PublishedFigure.code == key[3],
            )
        ).first()
        figure = existing or PublishedFigure(
            round_year=key[0],
            country_code=key[1],
            level=key[2],
            code=key[3],
            value=0.0,
            source_url="",
        )
        figure.value = float(row["score"])
        figure.source_url = row["source_url"]
        figure.note = row["note"]
        if existing is None:
            session.add(figure)
            added += 1
    return added


def load_published_facts(session: Session, settings: Settings) -> int:
    """Upsert the published facts, each checked to be readable; return how many were new."""
    added = 0
    for row in read_csv(settings.facts_file):
        # Reading the fact checks its check and arguments before anything is stored.
        fact = make_fact(
            row["fact"],
            int(row["round"]),
            row["statement"],
            row["source_url"],
            row["check"],
            row["arguments"],
        )
        stored = PublishedFact(
            key=fact.key,
            round_year=fact.round_year,
            statement=fact.statement,
            source_url=fact.source_url,
            check=fact.check,
            arguments=row["arguments"],
        )
        added += _upsert(session, stored, fact.key)
    return added


def load_illustrative_scores(session: Session, settings: Settings) -> int:
    """Load the shipped illustrative scores as one published revision, once."""
    already = session.exec(
        select(func.count()).select_from(Revision).where(Revision.kind == RevisionKind.ILLUSTRATIVE)
    ).one()
    if already:
        return 0
    now = utc_now()
    revision = Revision(
        author=ILLUSTRATIVE_AUTHOR,
        created_at=now,
        comment="Illustrative indicator scores generated for demonstration; not expert data.",
        kind=RevisionKind.ILLUSTRATIVE,
        status=RevisionStatus.PUBLISHED,
        file_name=settings.illustrative_file.name,
        published_at=now,
    )
    session.add(revision)
    session.flush()
    assert revision.id is not None
    rows = read_csv(settings.illustrative_file)
    session.add_all(
        Score(
            revision_id=revision.id,
            round_year=int(row["round"]),
            country_code=row["country"],
            indicator_code=row["indicator"],
            value=float(row["score"]) if row["score"] else None,
            note=row["note"],
            source=row["source"],
        )
        for row in rows
    )
    session.flush()
    record_publication(session, revision)
    return len(rows)


def add_missing_columns(engine: Engine) -> None:
    """Add the nullable columns a newer version declares to tables an older one created."""
    inspector = inspect(engine)
    missing: list[tuple[Table, Column[Any]]] = []
    for table in SQLModel.metadata.sorted_tables:
        existing = {column["name"] for column in inspector.get_columns(table.name)}
        missing.extend((table, c) for c in table.columns if c.name not in existing)
    preparer = engine.dialect.identifier_preparer
    with engine.begin() as connection:
        for table, column in missing:
            # Only nullable columns are ever added to existing tables, so old rows stay valid.
            assert column.nullable, f"{table.name}.{column.name} must be nullable"
            kind = column.type.compile(dialect=engine.dialect)
            connection.exec_driver_sql(
                f"ALTER TABLE {preparer.format_table(table)} "
                f"ADD COLUMN {preparer.format_column(column)} {kind}"
            )


def add_missing_indexes(engine: Engine) -> None:
    """Create the indexes a newer version declares on tables an older one created."""
    for table in SQLModel.metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)


# Indexes an older version made that no look-up needs, each slowing every insert into its table.
RETIRED_INDEXES = ("ix_score_round_year",)  # ix_score_key begins with the round


def drop_retired_indexes(engine: Engine) -> None:
    """Drop the indexes an older version made that this one does not declare."""
    with engine.begin() as connection:
        quote = connection.dialect.identifier_preparer.quote
        for name in RETIRED_INDEXES:
            connection.execute(sql.text(f"DROP INDEX IF EXISTS {quote(name)}"))


# The foreign keys an older version gave the derived table of current values (`CurrentValue`).
RETIRED_FOREIGN_KEYS = tuple(
    f"currentvalue_{column}_fkey"
    for column in ("round_year", "country_code", "indicator_code", "score_id", "revision_id")
)


def drop_retired_foreign_keys(engine: Engine) -> None:
    """Drop the foreign keys an older version made that this one does not declare, on
    PostgreSQL. SQLite keeps a table's constraints for the table's life: it checks them at
    little cost, and they always hold."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        present = {key["name"] for key in sql.inspect(connection).get_foreign_keys("currentvalue")}
        # Only those still there: altering a table locks out its readers, even to do nothing.
        for name in [name for name in RETIRED_FOREIGN_KEYS if name in present]:
            connection.execute(sql.text(f'ALTER TABLE currentvalue DROP CONSTRAINT "{name}"'))


def initialise(engine: Engine, settings: Settings, *, demo: bool = True) -> InitReport:
    """Create or upgrade the database and load the shipped data; safe to run again."""
    create_tables(engine)
    add_missing_columns(engine)
    add_missing_indexes(engine)
    drop_retired_indexes(engine)
    drop_retired_foreign_keys(engine)
    enable_search(engine)
    with open_session(engine) as session:
        reference = load_reference_data(session, settings)
        session.flush()
        published = load_published_figures(session, settings)
        facts = load_published_facts(session, settings)
        if needs_rebuild(session):
            rebuild_current_values(session)
        illustrative = load_illustrative_scores(session, settings) if demo else 0
        practices = load_illustrative_practices(session, settings) if demo else 0
        session.commit()
    return InitReport(
        reference,
        published,
        illustrative,
        illustrative_practices_added=practices,
        published_facts_added=facts,
    )
