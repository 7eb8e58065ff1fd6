"""The figures table computed over columns equals the pure path, on the shipped data and on a
small synthetic store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from niem import store
from niem.cli import cli
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from niem.results import build_results, frame_results, load_results
from niem.synthetic import StoreSize, build_store
from niem.value_columns import current_columns


def both_paths(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    with open_session(engine) as session:
        framework = store.load_framework(session)
        rounds = store.load_rounds(session)
        published = store.load_published_figures(session)
        columns = frame_results(framework, rounds, current_columns(session), published)
        pure = build_results(framework, rounds, store.load_current_scores(session), published)
    return columns, pure


@pytest.mark.both_databases
def test_the_column_path_equals_the_pure_path_on_the_shipped_data(engine: Engine) -> None:
    columns, pure = both_paths(engine)
    assert len(pure) == 7728
    pd.testing.assert_frame_equal(columns, pure)
    # A rounding tie the two paths must decide alike: (36.25 -> 36.3), not 36.2.
    tie = columns[
        (columns["round"] == 2017)
        & (columns["country"] == "GR")
        & (columns["code"] == "building_bridges")
    ]
    assert tie["score"].tolist() == [36.3]


def test_a_small_synthetic_store_has_its_counts_and_the_same_figures(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    size = StoreSize(countries=3, indicators=125, rounds=4, revisions=2)
    assert build_store(engine, load_settings(), size) == 3000
    with open_session(engine) as session:
        assert len(store.current_values(session)) == 1500
        assert store.current_values(session) == store.derive_published_values(session)
        assert [r.year for r in store.load_rounds(session)] == [2015, 2017, 2019, 2021]
        results = load_results(session)
    columns, pure = both_paths(engine)
    pd.testing.assert_frame_equal(columns, pure)
    pd.testing.assert_frame_equal(results, pure)
    andorra = results[(results["round"] == 2015) & (results["country"] == "AD")]
    assert andorra["level"].value_counts().to_dict() == {
        "indicator": 133, "cell": 36, "dimension": 12, "area": 4, "step": 3, "overall": 1
    }


def test_a_round_without_values_has_every_figure_empty_on_both_paths(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    opened = CliRunner().invoke(
        cli,
        ["round", "add", "2025", "--label", "Evaluation 4", "--situation", "2025-06-30",
         "--countries", "DE", "BE"],
        env={"NIEM_DATABASE_URL": url},
    )
    assert opened.exit_code == 0, opened.output
    columns, pure = both_paths(engine)
    pd.testing.assert_frame_equal(columns, pure)
    empty = columns[columns["round"] == 2025]
    assert empty["level"].value_counts().to_dict() == {
        "indicator": 256, "cell": 72, "dimension": 24, "area": 8, "step": 6, "overall": 2
    }
    assert empty["score"].isna().all()
    assert empty.loc[empty["level"] == "overall", ["country", "covered", "total"]].to_dict(
        "records"
    ) == [
        {"country": "BE", "covered": 0, "total": 120},
        {"country": "DE", "covered": 0, "total": 120},
    ]


@pytest.mark.both_databases
def test_rounds_computed_one_at_a_time_and_joined_equal_all_rounds_at_once(
    engine: Engine,
) -> None:
    # The app caches one round on its own and all rounds together: the two must agree.
    with open_session(engine) as session:
        whole = load_results(session)
        years = [r.year for r in store.load_rounds(session)]
        parts = pd.concat([load_results(session, [year]) for year in years], ignore_index=True)
    assert years == [2017, 2019, 2021]
    pd.testing.assert_frame_equal(parts, whole)


def test_the_aggregates_alone_are_the_aggregate_rows_of_the_whole_table(engine: Engine) -> None:
    with open_session(engine) as session:
        whole = load_results(session)
        aggregates = load_results(session, indicators=False)
    expected = whole[whole["level"] != "indicator"].reset_index(drop=True)
    # 42 countries in three rounds, 56 aggregates each: 36 cells, 12 dimensions, 3 steps,
    # 4 areas and the overall figure.
    assert len(aggregates) == 42 * 56 == 2352
    pd.testing.assert_frame_equal(aggregates, expected)
