"""What the explorer pages compute, on small hand-made figures tables and the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import explorer, trends
from niem.current import record_publication
from niem.database import open_session
from niem.explorer import Measure
from niem.figures import rank_scores
from niem.models import Revision, RevisionKind, RevisionStatus, Score, utc_now
from niem.results import load_results
from niem.store import (
    Catalogue,
    RoundInfo,
    load_catalogue,
    load_published_facts,
    load_rounds,
)


def figures(rows: list[tuple[int, str, str, str, float | None]]) -> pd.DataFrame:
    """A minimal figures table: (round, country, level, code, score)."""
    frame = pd.DataFrame(rows, columns=["round", "country", "level", "code", "score"])
    return frame.assign(
        dimension="", step="", coverage=1.0, covered=10, total=10, provenance="computed",
        source="", computed=frame["score"], note="", revised="",
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
    ranks = rank_scores(pd.Series([55.0, 55.0, 51.0, None]))
    assert ranks.tolist() == [1, 1, 3, pd.NA]


def test_figures_for_ranks_orders_and_words_every_country() -> None:
    result = explorer.figures_for(TABLE, 2021, Measure("overall"))
    assert result[["country", "rank_text", "shown", "origin"]].values.tolist() == [
        ["AA", "joint 1st of 3", "55.0", "computed from 10 of 10 indicators"],
        ["BB", "joint 1st of 3", "55.0", "computed from 10 of 10 indicators"],
        ["CC", "3rd of 3", "51.0", "computed from 10 of 10 indicators"],
        ["DD", "not ranked", "insufficient data (10 of 10 indicators)", ""],
    ]


def test_headline_counts_only_countries_with_a_score_and_says_where_numbers_come_from() -> None:
    summary = explorer.headline(explorer.figures_for(TABLE, 2021, Measure("overall")))
    assert (summary.countries, summary.with_score) == (4, 3)
    assert summary.average is not None and summary.highest is not None
    assert summary.lowest is not None
    assert (summary.average.value, summary.average.provenance.words) == (
        53.7, "computed from 10 of 10 indicators"
    )
    assert (summary.highest.value, summary.highest.country) == (55.0, "AA")
    assert (summary.lowest.value, summary.lowest.country) == (51.0, "CC")


def test_headline_of_a_round_without_scores_has_no_numbers() -> None:
    empty = explorer.figures_for(TABLE, 2017, Measure("overall"))
    assert explorer.headline(empty) == explorer.Headline(0, 0, None, None, None)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [(2.0, "up"), (1.9, "flat"), (-1.9, "flat"), (-2.0, "down"), (None, "no comparison")],
)
def test_direction_uses_the_flat_threshold(delta: float | None, expected: str) -> None:
    assert trends.FLAT_THRESHOLD == 2.0
    assert trends.direction(delta) == expected


def test_round_changes_compare_countries_in_both_rounds_with_their_provenance() -> None:
    changes = trends.round_changes(TABLE, 2019, 2021, Measure("overall"))
    assert changes[["country", "before", "after", "change", "direction", "origin"]].to_dict(
        "records"
    ) == [
        {"country": "AA", "before": 40.0, "after": 55.0, "change": 15.0, "direction": "up",
         "origin": "computed from 10 of 10 indicators"},
        {"country": "CC", "before": 50.0, "after": 51.0, "change": 1.0, "direction": "flat",
         "origin": "computed from 10 of 10 indicators"},
        {"country": "BB", "before": 60.0, "after": 55.0, "change": -5.0, "direction": "down",
         "origin": "computed from 10 of 10 indicators"},
    ]


def test_joined_and_left_name_the_countries() -> None:
    assert trends.joined_and_left(ROUNDS, 2019, 2021) == (["DD"], [])
    assert trends.joined_and_left(ROUNDS, 2021, 2019) == ([], ["DD"])


def test_average_of_others_leaves_out_the_focus_country() -> None:
    others = explorer.average_of_others(TABLE, 2021, "AA", "overall", ["AA", "BB", "CC", "DD"])
    assert others.to_dict("records") == [
        {"code": "", "average of others": 53.0,
         "others origin": "computed from 10 of 10 indicators"}
    ]


def test_measure_keys_round_trip() -> None:
    assert Measure.from_key("dimension:housing") == Measure("dimension", "housing")
    assert Measure.from_key("overall") == Measure("overall", "")
    assert Measure("step", "legal").key == "step:legal"


def _shipped(engine: Engine) -> tuple[pd.DataFrame, list[RoundInfo], Catalogue, list]:  # type: ignore[type-arg]
    with open_session(engine) as session:
        return (
            load_results(session),
            load_rounds(session),
            load_catalogue(session),
            load_published_facts(session),
        )


def test_published_ranks_keep_their_source_and_the_others_are_illustrative(
    engine: Engine,
) -> None:
    results, _, _, facts = _shipped(engine)
    ranking = explorer.figures_for(results, 2021, Measure("overall"), facts)
    assert ranking[["country", "shown", "rank_text", "rank_origin"]].values.tolist() == [
        ["SE", "72.5", "1st of 14", "published rank, source diversitygroup.lt"],
        ["FR", "67.5", "2nd of 14", "published rank, source lastampa.it"],
        ["NL", "63.9", "3rd of 14", "illustrative"],
        ["LT", "62.6", "4th of 14", "illustrative"],
        ["ES", "57.6", "5th of 14", "illustrative"],
        ["IT", "52.9", "6th of 14", "published rank, source lastampa.it"],
        ["CZ", "51.6", "7th of 14", "illustrative"],
        ["LV", "50.7", "8th of 14", "illustrative"],
        ["SI", "50.1", "9th of 14", "illustrative"],
        ["GR", "39.5", "10th of 14", "illustrative"],
        ["RO", "38.5", "11th of 14", "illustrative"],
        ["BG", "37.1", "12th of 14", "illustrative"],
        ["PL", "36.9", "13th of 14", "illustrative"],
        ["HU", "32.8", "14th of 14", "published rank, source diversitygroup.lt"],
    ]
    summary = explorer.headline(ranking)
    assert summary.average is not None and summary.highest is not None
    assert (summary.average.text, summary.average.provenance.words) == ("51.0", "illustrative")
    assert summary.highest.provenance.words == "published figure, source diversitygroup.lt"


def test_latvia_profile_has_its_rank_its_trend_and_illustrative_changes(engine: Engine) -> None:
    results, rounds, _, facts = _shipped(engine)
    profile = explorer.country_profile(results, rounds, 2021, "LV", facts)
    assert profile.overall[["shown", "origin", "rank_text", "rank_origin"]].tolist() == [
        "50.7", "published figure, source ogreszinas.news", "8th of 14", "illustrative"
    ]
    assert profile.previous == 2019
    assert profile.overall_change is not None
    assert (profile.overall_change.text, profile.overall_change.provenance.words) == (
        "0.7", "illustrative"
    )
    assert profile.trend[["round", "shown", "origin", "rank_text"]].values.tolist() == [
        [2017, "47.5", "illustrative", "9th of 14"],
        [2019, "50.0", "illustrative", "7th of 14"],
        [2021, "50.7", "published figure, source ogreszinas.news", "8th of 14"],
    ]
    assert len(profile.dimensions) == 12
    assert set(profile.dimension_changes["origin"]) == {"illustrative"}
    assert len(profile.strongest) == 3 and len(profile.weakest) == 3


def test_a_profile_from_its_round_and_the_aggregates_of_every_round_is_the_same(
    engine: Engine,
) -> None:
    # The app computes the chosen round in full and only the aggregates of the others.
    results, rounds, _, facts = _shipped(engine)
    with open_session(engine) as session:
        own_round = load_results(session, [2021])
        history = load_results(session, indicators=False)
    whole = explorer.country_profile(results, rounds, 2021, "LV", facts)
    parts = explorer.country_profile(own_round, rounds, 2021, "LV", facts, history=history)
    assert parts.trend.equals(whole.trend)
    assert parts.dimension_changes.equals(whole.dimension_changes)
    assert parts.overall_change == whole.overall_change
    assert parts.overall.drop("origin_of").equals(whole.overall.drop("origin_of"))
    assert parts.figures["shown"].tolist() == whole.figures["shown"].tolist()


def test_a_change_from_an_illustrative_figure_to_a_published_one_is_illustrative(
    engine: Engine,
) -> None:
    results, rounds, _, _ = _shipped(engine)
    change = trends.compare_rounds(results, rounds, 2019, 2021, Measure("overall"))
    bulgaria = change.changes.set_index("country").loc["BG"]
    assert (bulgaria["before"], bulgaria["after"], bulgaria["origin"]) == (
        37.5, 37.1, "illustrative"
    )
    assert [m.change.provenance.words for m in change.movers] == ["illustrative"] * 3


def test_a_change_between_two_published_figures_is_from_published_figures(
    engine: Engine,
) -> None:
    results, rounds, _, _ = _shipped(engine)
    change = trends.compare_rounds(results, rounds, 2017, 2019, Measure("step", "legal"))
    romania = change.changes.set_index("country").loc["RO"]
    assert (romania["before"], romania["after"], romania["change"], romania["origin"]) == (
        64.8, 58.9, -5.9, "from published figures"
    )


def test_portugal_has_no_previous_round_before_2017(engine: Engine) -> None:
    _, rounds, _, _ = _shipped(engine)
    assert trends.previous_round(rounds, 2017, "PT") is None
    assert trends.previous_round(rounds, 2021, "BG") == 2019


def test_policy_area_with_a_step_ranks_on_the_cell_and_measures_the_gap_to_the_best(
    engine: Engine,
) -> None:
    results, _, catalogue, _ = _shipped(engine)
    view = explorer.policy_area(
        results, catalogue, 2021, Measure("dimension", "housing"), "policy", "LV"
    )
    assert set(view.leaders["level"]) == {"cell"}
    assert set(view.leaders["code"]) == {"housing.policy"}
    assert len(view.indicators) == 3 * 14
    assert view.standing is not None and view.standing.gap is not None
    assert (view.standing.row["shown"], view.standing.row["rank_text"]) == ("64.3", "3rd of 14")
    assert (view.standing.best["country"], view.standing.best["shown"]) == ("FR", "76.3")
    assert (view.standing.gap.text, view.standing.gap.provenance.words) == ("12.0", "illustrative")


def test_map_values_name_score_rank_provenance_and_coverage(engine: Engine) -> None:
    results, rounds, catalogue, facts = _shipped(engine)
    figures = explorer.figures_for(results, 2021, Measure("overall"), facts)
    values = explorer.map_values(figures, rounds[-1], catalogue, focus="LV")
    assert values["LV"] == {
        "name": "Latvia",
        "score": 50.7,
        "shown": "50.7",
        "origin": "published figure, source ogreszinas.news",
        "rank": "8th of 14 (illustrative)",
        "coverage": "118 of 120 indicators have a value",
        "illustrative": False,
        "focus": True,
    }
    assert values["CZ"]["illustrative"] is True
    assert values["CZ"]["origin"] == "illustrative"
    assert set(values) == set(rounds[-1].countries)


def publish_expert_values(session: Session, country: str, value: float) -> None:
    """A partner revision setting every scored 2021 indicator of a country to `value`."""
    results = load_results(session)
    codes = results[
        (results["round"] == 2021) & (results["country"] == country)
        & (results["level"] == "indicator") & results["provenance"].ne("")
    ]["code"]
    now = utc_now()
    revision = Revision(author="providus", kind=RevisionKind.UPLOAD,
                        status=RevisionStatus.PUBLISHED, published_at=now, created_at=now)
    session.add(revision)
    session.flush()
    assert revision.id is not None
    session.add_all(
        Score(revision_id=revision.id, round_year=2021, country_code=country, indicator_code=c,
              value=value)
        for c in codes
    )
    session.flush()
    record_publication(session, revision)
    session.commit()


def test_a_published_figure_that_current_data_contradict_says_both(engine: Engine) -> None:
    with open_session(engine) as session:
        publish_expert_values(session, "LV", 80.0)
    results, rounds, _, facts = _shipped(engine)
    ranking = explorer.figures_for(results, 2021, Measure("overall"), facts)
    latvia = ranking.set_index("country").loc["LV"]
    assert latvia["shown"] == "50.7 published · 80.0 from current data"
    assert latvia["origin"] == "published figure, source ogreszinas.news"
    indicator = results[
        (results["round"] == 2021) & (results["country"] == "LV") & (results["code"] == "MAI-L-01")
    ]
    described = explorer.indicator_table(
        indicator, load_catalogue_from(engine), 2021, dimensions=["mainstreaming"]
    )
    assert described["origin"].iloc[0].startswith("expert data, revision ")
    assert described["origin"].iloc[0].endswith(", LV, " + utc_now().date().isoformat())


def load_catalogue_from(engine: Engine) -> Catalogue:
    with open_session(engine) as session:
        return load_catalogue(session)
