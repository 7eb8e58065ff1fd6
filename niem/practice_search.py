"""Full-text search over practice versions, ranked by relevance, on either database.

SQLite: an FTS5 table that `sqlite-utils` creates and keeps in step with triggers, searched
with its `search()`. PostgreSQL: its own text search over the same columns, with a GIN index
on the same expression the query uses. Both weigh a match in the title above one in the
organisation, and those above the summary and evidence, so they rank alike.
"""

from __future__ import annotations

import re
import sqlite3

import sqlite_utils
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

TABLE = "practiceversion"
SEARCHED = ("title", "organisation", "summary", "evidence")
# Porter stemming on both sides: "integrate" finds "integration".
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
SQLITE_WEIGHTS = "bm25(10.0, 4.0, 1.0, 1.0)"
POSTGRES_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, organisation), 'B') || "
    "setweight(to_tsvector('english'::regconfig, summary || ' ' || evidence), 'C')"
)
POSTGRES_INDEX = (
    f"CREATE INDEX IF NOT EXISTS practiceversion_search ON {TABLE} USING GIN (({POSTGRES_VECTOR}))"
)
POSTGRES_SEARCH = (
    f"SELECT id FROM {TABLE}, websearch_to_tsquery('english'::regconfig, :query) AS query "
    f"WHERE ({POSTGRES_VECTOR}) @@ query "
    f"ORDER BY ts_rank(({POSTGRES_VECTOR}), query) DESC, id"
)
MAX_QUERY_CHARACTERS = 200
WORD = re.compile(r"\w+")


def enable_search(engine: Engine) -> None:
    """Set up the search index if it is missing; existing practices are indexed too."""
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            database = _sqlite_utils(connection)
            table = database.table(TABLE)
            if table.detect_fts() is None:
                table.enable_fts(SEARCHED, create_triggers=True, tokenize=SQLITE_TOKENIZER)
                fts = f"{TABLE}_fts"
                # FTS5's rank configuration: the column weights used by ORDER BY rank.
                database.execute(
                    f"INSERT INTO [{fts}]([{fts}], rank) VALUES ('rank', '{SQLITE_WEIGHTS}')"
                )
        elif connection.dialect.name == "postgresql":
            connection.execute(text(POSTGRES_INDEX))


def ranked_version_ids(session: Session, query: str) -> list[int]:
    """The ids of the practice versions matching the words of the query, most relevant first."""
    words = WORD.findall(query[:MAX_QUERY_CHARACTERS])
    if not words:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        found = connection.execute(text(POSTGRES_SEARCH), {"query": " ".join(words)})
        return [row[0] for row in found]
    table = _sqlite_utils(connection).table(TABLE)
    # Quoted words only: FTS5's own syntax (NEAR, *, column filters) stays out of reach.
    hits = table.search(" ".join(words), columns=["id"], include_rank=True, quote=True)
    return [row["id"] for row in sorted(hits, key=lambda row: (row["rank"], row["id"]))]


def _sqlite_utils(connection: Connection) -> sqlite_utils.Database:
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return sqlite_utils.Database(driver, recursive_triggers=False)
