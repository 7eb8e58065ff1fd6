"""Every look-up a page or command makes at scale goes through an index (SQLite's plan)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

LOOKUPS = {
    "current values of one round": (
        "SELECT * FROM currentvalue WHERE round_year = 2021",
        "USING INDEX sqlite_autoindex_currentvalue_1 (round_year=?)",
    ),
    "current values of one round and country": (
        "SELECT * FROM currentvalue WHERE round_year = 2021 AND country_code = 'LV'",
        "USING INDEX sqlite_autoindex_currentvalue_1 (round_year=? AND country_code=?)",
    ),
    "which history values are current": (
        "SELECT score_id FROM currentvalue WHERE score_id IN (1, 2, 3)",
        "USING COVERING INDEX ix_currentvalue_score_id (score_id=?)",
    ),
    "the history of one score": (
        "SELECT * FROM score WHERE round_year = 2021 AND country_code = 'LV' "
        "AND indicator_code = 'BRI-I-01'",
        "USING INDEX ix_score_key (round_year=? AND country_code=? AND indicator_code=?)",
    ),
    "the values of one revision": (
        "SELECT * FROM score WHERE revision_id = 5",
        "USING INDEX ix_score_revision_id (revision_id=?)",
    ),
    "pending revisions": (
        "SELECT * FROM revision WHERE status = 'pending'",
        "USING INDEX ix_revision_status (status=?)",
    ),
}


@pytest.mark.parametrize("lookup", list(LOOKUPS))
def test_each_lookup_uses_its_index(engine: Engine, lookup: str) -> None:
    query, plan = LOOKUPS[lookup]
    with engine.connect() as connection:
        steps = [row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    assert any(plan in step for step in steps), steps


def test_init_drops_the_round_index_an_older_version_made_on_scores(engine: Engine) -> None:
    # The score key's index begins with the round: a second one only slows every insert.
    from niem.config import load_settings
    from niem.loading import initialise

    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_score_round_year ON score (round_year)"))
    initialise(engine, load_settings())
    with engine.connect() as connection:
        names = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'score'")
        ).scalars().all()
    assert sorted(names) == [
        "ix_score_country_code", "ix_score_indicator_code", "ix_score_key", "ix_score_revision_id"
    ]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgresql_plans_for_a_store_in_memory_unless_the_url_says_otherwise(
    database_url: str,
) -> None:
    from sqlalchemy import make_url

    from niem.database import make_engine

    own = make_url(database_url).update_query_dict({"options": "-c random_page_cost=4"})
    found = []
    for url in (database_url, own.render_as_string(hide_password=False)):
        engine = make_engine(url)
        with engine.connect() as connection:
            found.append(connection.execute(text("SHOW random_page_cost")).scalar_one())
        engine.dispose()
    assert found == ["1.1", "4"]



@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_init_drops_the_foreign_keys_an_older_version_gave_current_values(engine: Engine) -> None:
    # The table is derived from scores, which keep theirs; each was checked again per value.
    from sqlalchemy import inspect

    from niem.config import load_settings
    from niem.loading import initialise

    with engine.begin() as connection:
        for column, target in (("score_id", "score (id)"), ("revision_id", "revision (id)")):
            connection.execute(
                text(
                    f"ALTER TABLE currentvalue ADD CONSTRAINT currentvalue_{column}_fkey "
                    f"FOREIGN KEY ({column}) REFERENCES {target}"
                )
            )
    assert len(inspect(engine).get_foreign_keys("currentvalue")) == 2
    initialise(engine, load_settings())
    inspector = inspect(engine)
    assert inspector.get_foreign_keys("currentvalue") == []
    assert sorted(key["referred_table"] for key in inspector.get_foreign_keys("score")) == [
        "country", "indicator", "revision", "round", "score", "score"
    ]
