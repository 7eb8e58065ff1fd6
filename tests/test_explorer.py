"""What the explorer pages compute, on small hand-made figures tables and the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from niem import explorer
from niem.database import open_session
from niem.explorer import Measure
from niem.results import load_results
from niem.store import RoundInfo, load_catalogue, load_rounds


def figures(rows: list[tuple[int, str, str, str, float | None]]) -> pd.DataFrame:
    """A minimal figures table: (round, country, level, code, score)."""
    frame = pd.DataFrame(rows, columns=["round", "country", "level", "code", "score"])
    return frame.assign(
        dimension="", step="", coverage=1.0, covered=10, total=10, provenance="computed",
        source="", computed=frame["score"], note="",
    )


TABLE = figures(
    [
        (2019, "AA", "overall", "", 40.0),
        (2019, "BB", "overall", "", 60.0),
        (2019, "CC", "overall", "", 50.0),
        (2021, "AA", "overall", "", 55.0),
        (2021, "BB", "overall", "", 55.0),
        (2021, "CC", "overall", "", 51.0),
        (2021, "DD", "overall", "", None),
    ]
)
ROUNDS = [RoundInfo(2019, "2019", "R1", "2020", ("AA", "BB", "CC")),
          RoundInfo(2021, "2021", "R2", "2022", ("AA", "BB", "CC", "DD"))]


def test_equal_scores_share_a_rank() -> None:
    ranks = explorer.rank_scores(pd.Series([55.0, 55.0, 51.0, None]))
    assert ranks.tolist() == [1, 1, 3, pd.NA]


def test_figures_for_ranks_and_orders_countries() -> None:
    result = explorer.figures_for(TABLE, 2021, Measure("overall"))
    assert result["country"].tolist() == ["AA", "BB", "CC", "DD"]
    assert result["rank"].tolist() == [1, 1, 3, pd.NA]
    assert result["origin"].tolist()[0] == "computed from 10 of 10 indicators"


def test_headline_counts_only_countries_with_a_score() -> None:
    summary = explorer.headline(explorer.figures_for(TABLE, 2021, Measure("overall")))
    assert summary == explorer.Headline(4, 3, 53.7, ("AA", 55.0), ("CC", 51.0))


def test_headline_of_a_round_without_scores_has_no_numbers() -> None:
    empty = explorer.figures_for(TABLE, 2017, Measure("overall"))
    assert explorer.headline(empty) == explorer.Headline(0, 0, None, None, None)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [(2.0, "up"), (1.9, "flat"), (-1.9, "flat"), (-2.0, "down"), (None, "no comparison")],
)
def test_direction_uses_the_flat_threshold(delta: float | None, expected: str) -> None:
    assert explorer.FLAT_THRESHOLD == 2.0
    assert explorer.direction(delta) == expected


def test_round_changes_compare_countries_in_both_rounds() -> None:
    changes = explorer.round_changes(TABLE, 2019, 2021, Measure("overall"))
    assert changes.to_dict("records") == [
        {"country": "AA", "before": 40.0, "after": 55.0, "change": 15.0, "direction": "up"},
        {"country": "CC", "before": 50.0, "after": 51.0, "change": 1.0, "direction": "flat"},
        {"country": "BB", "before": 60.0, "after": 55.0, "change": -5.0, "direction": "down"},
    ]


def test_joined_and_left_name_the_countries() -> None:
    assert explorer.joined_and_left(ROUNDS, 2019, 2021) == (["DD"], [])
    assert explorer.joined_and_left(ROUNDS, 2021, 2019) == ([], ["DD"])


def test_average_of_others_leaves_out_the_focus_country() -> None:
    others = explorer.average_of_others(TABLE, 2021, "AA", "overall", ["AA", "BB", "CC", "DD"])
    assert others.to_dict("records") == [{"code": "", "average of others": 53.0}]


def test_measure_keys_round_trip() -> None:
    assert Measure.from_key("dimension:housing") == Measure("dimension", "housing")
    assert Measure.from_key("overall") == Measure("overall", "")
    assert Measure("step", "legal").key == "step:legal"


def test_provenance_labels_say_where_a_figure_comes_from() -> None:
    assert explorer.provenance_label("published", 118, 120) == "published"
    assert (
        explorer.provenance_label("published", 118, 120, shown=50.7, computed=51.3)
        == "published; current indicator data give 51.3"
    )
    assert explorer.provenance_label("published", 118, 120, shown=50.7, computed=50.72) == (
        "published"
    )
    assert explorer.provenance_label("computed", 118, 120) == "computed from 118 of 120 indicators"
    assert (
        explorer.provenance_label("illustrative", 9, 10)
        == "illustrative data, from 9 of 10 indicators"
    )
    assert explorer.provenance_label("revision:7", 1, 1) == "partner data, revision 7"


def test_latvia_profile_on_the_shipped_data(engine: Engine) -> None:
    with open_session(engine) as session:
        results, rounds = load_results(session), load_rounds(session)
    profile = explorer.country_profile(results, rounds, 2021, "LV")
    assert profile.overall["score"] == 50.7
    assert profile.overall["provenance"] == "published"
    assert profile.previous == 2019
    assert len(profile.dimensions) == 12
    assert len(profile.strongest) == 3 and len(profile.weakest) == 3
    assert profile.strongest["score"].iloc[0] >= profile.weakest["score"].iloc[0]


def test_portugal_has_no_previous_round_before_2017(engine: Engine) -> None:
    with open_session(engine) as session:
        rounds = load_rounds(session)
    assert explorer.previous_round(rounds, 2017, "PT") is None
    assert explorer.previous_round(rounds, 2021, "BG") == 2019


def test_policy_area_with_a_step_ranks_on_the_cell(engine: Engine) -> None:
    with open_session(engine) as session:
        results, catalogue = load_results(session), load_catalogue(session)
    view = explorer.policy_area(
        results, catalogue, 2021, Measure("dimension", "housing"), "policy"
    )
    assert set(view.leaders["level"]) == {"cell"}
    assert set(view.leaders["code"]) == {"housing.policy"}
    assert len(view.indicators) == 3 * 14


def test_map_tooltip_names_score_rank_provenance_and_coverage(engine: Engine) -> None:
    with open_session(engine) as session:
        results, catalogue = load_results(session), load_catalogue(session)
        rounds = load_rounds(session)
    figures = explorer.figures_for(results, 2021, Measure("overall"))
    values = explorer.map_values(figures, rounds[-1], catalogue)
    assert values["LV"]["tooltip"] == (
        "Latvia: 50.7 (rank 7)\npublished\ncoverage: 118 of 120 indicators have a value"
    )
    assert values["CZ"]["tooltip"] == (
        "Czechia: 41.8 (rank 9)\nillustrative data, from 120 of 120 indicators\n"
        "coverage: 120 of 120 indicators have a value"
    )
    assert set(values) == set(rounds[-1].countries)
