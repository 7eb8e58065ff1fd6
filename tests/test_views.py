"""What the explorer pages draw, built once per view: tables in Arrow's form and charts with
their data as Arrow streams hold exactly what the tables and specs hold."""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy.engine import Engine

from niem import store, views
from niem.database import open_session
from niem.explorer import Measure
from niem.figures import describe, rank_among
from niem.results import load_results


def _shipped(engine: Engine) -> tuple[object, ...]:
    with open_session(engine) as session:
        return load_results(session, [2021]), store.load_catalogue(session)


def test_a_chart_is_drawn_from_the_same_rows_as_its_spec(engine: Engine) -> None:
    results, catalogue = _shipped(engine)
    view = views.compare_view(results, catalogue, 2021, ["LV", "LT", "EE"], "LV")
    chart = view.ranking.chart
    assert chart is not None
    # The bars' rows, and the dashed line's (the average of the others).
    assert len(chart.spec["datasets"]) == 2
    for name, records in chart.spec["datasets"].items():
        drawn = pa.ipc.open_stream(chart.drawn["datasets"][name]).read_all()
        assert drawn.to_pylist() == records
    bars = next(r for r in chart.spec["datasets"].values() if "name" in r[0])
    assert [r["name"] for r in bars] == ["Lithuania", "Latvia"]
    assert {k: v for k, v in chart.drawn.items() if k != "datasets"} == {
        k: v for k, v in chart.spec.items() if k != "datasets"
    }


def test_a_table_is_drawn_from_arrow_holding_what_it_downloads(engine: Engine) -> None:
    results, catalogue = _shipped(engine)
    view = views.compare_view(results, catalogue, 2021, ["LV", "LT"], None)
    table = view.ranking.table
    assert table.arrow.to_pandas().equals(table.frame)
    assert list(table.frame["Country"]) == ["Lithuania", "Latvia"]
    assert list(view.dimensions.table.frame.columns) == ["", "LT", "LV"]


def test_a_ranking_without_any_figure_has_no_chart_and_keeps_its_table(engine: Engine) -> None:
    results, catalogue = _shipped(engine)
    overall = results[(results["level"] == "overall") & (results["country"] == "CZ")]
    figures = rank_among(describe(overall.assign(score=float("nan"))))
    view = views.ranking_view(figures, catalogue, "overall")
    assert view.chart is None
    assert view.table.frame[["Rank", "Country"]].values.tolist() == [["not ranked", "Czechia"]]


def test_a_policy_area_offers_every_indicator_score_for_feedback_focus_first(
    engine: Engine,
) -> None:
    results, catalogue = _shipped(engine)
    view = views.policy_view(
        results, catalogue, 2021, Measure("dimension", "residency"), "Residency", "", "LV"
    )
    choices = list(view.score_choices)
    assert len(choices) == len(view.indicator_table.frame) == 14 * 10
    assert {key.split(":")[0] for key in choices[:10]} == {"LV"}
    assert view.score_choices[choices[0]].startswith("Latvia · RES-")
