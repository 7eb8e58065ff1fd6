"""Chart and map builders, tested on their specs."""

from __future__ import annotations

import pandas as pd

from niem import charts, maps

FIGURES = pd.DataFrame(
    {
        "country": ["SE", "LV", "CZ"],
        "score": [72.5, 50.7, 41.8],
        "provenance": ["published", "published", "illustrative"],
        "rank": [1, 2, 3],
    }
)
NAMES = {"SE": "Sweden", "LV": "Latvia", "CZ": "Czechia"}


def test_ranking_chart_orders_bars_by_score_and_draws_the_reference() -> None:
    spec = charts.ranking_chart(FIGURES, NAMES, focus="LV", reference=61.1).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["y"]["sort"] == ["Sweden", "Latvia", "Czechia"]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["published", "illustrative"]
    assert spec["layer"][2]["mark"]["type"] == "rule"


def test_heatmap_writes_the_numbers_and_marks_missing_ones() -> None:
    matrix = pd.DataFrame(
        {"code": ["housing", "housing"], "country": ["SE", "LV"], "score": [70.4, None]}
    )
    chart = charts.heatmap(matrix, {"housing": "Housing"}, NAMES)
    values = chart.to_dict()["datasets"]
    (rows,) = values.values()
    assert [r["label"] for r in rows] == ["70", "n/a"]


def test_score_colours_run_along_viridis() -> None:
    assert maps.score_colour(0) == [68, 1, 84, 255]
    assert maps.score_colour(100) == [253, 231, 37, 255]
    assert maps.score_colour(50) == [33, 145, 140, 255]
    assert maps.score_colour(120) == maps.score_colour(100)


def test_map_tells_no_data_and_not_in_round_apart_from_low_scores() -> None:
    values = {
        "LV": {"name": "Latvia", "score": 0.0, "tooltip": "Latvia: 0.0"},
        "LT": {"name": "Lithuania", "score": None, "tooltip": "Lithuania: insufficient data"},
    }
    data = maps.colour_features(maps.load_boundaries(), values)
    fills = {f["properties"]["iso_a2"]: f["properties"]["fill"] for f in data["features"]}
    assert fills["LV"] == [68, 1, 84, 255]
    assert fills["LT"] == maps.NO_DATA_COLOUR
    assert fills["EE"] == maps.NOT_IN_ROUND_COLOUR
    assert len({tuple(fills["LV"]), tuple(fills["LT"]), tuple(fills["EE"])}) == 3


def test_map_deck_has_no_basemap_and_a_pickable_country_layer() -> None:
    deck = maps.build_map({"LV": {"name": "Latvia", "score": 50.7, "tooltip": "Latvia: 50.7"}})
    assert deck.map_provider is None
    # Borders are gaps cut into the shipped shapes, so one unstroked layer draws the map.
    (countries,) = deck.layers
    assert (countries.id, countries.pickable, countries.stroked) == (maps.LAYER_ID, True, False)
    assert len(countries.data["features"]) == 53


def test_map_json_is_compact() -> None:
    deck = maps.build_map({"LV": {"name": "Latvia", "score": 50.7, "tooltip": "Latvia: 50.7"}})
    text = deck.to_json()
    assert "\n" not in text
    assert len(text) < 400_000


def test_shipped_boundaries_cover_every_niem_country_with_iso_codes() -> None:
    codes = {f["properties"]["iso_a2"] for f in maps.load_boundaries()["features"]}
    niem = set("BG CZ FR GR HU IT LV LT NL PL PT RO SI ES SE".split())
    assert niem <= codes
    assert {"BE", "DE", "GB", "UA"} <= codes
    assert "EL" not in codes and "UK" not in codes


def test_a_clicked_country_is_read_from_the_selection_event() -> None:
    event = {"selection": {"objects": {"countries": [{"properties": {"iso_a2": "LV"}}]}}}
    assert maps.selected_country(event) == "LV"
    assert maps.selected_country({"selection": {"objects": {}}}) is None
    assert maps.selected_country(None) is None


def test_slope_labels_are_spread_apart_in_order() -> None:
    assert charts.spread_labels([50.0, 50.5, 60.0], 2.0) == [49.25, 51.25, 60.0]
    assert charts.spread_labels([10.0, 30.0], 2.0) == [10.0, 30.0]
    assert charts.spread_labels([], 2.0) == []


def test_slope_chart_zooms_to_the_scores_and_labels_each_country() -> None:
    changes = pd.DataFrame(
        {
            "country": ["SE", "LV"],
            "before": [72.3, 53.3],
            "after": [72.5, 50.7],
            "change": [0.2, -2.6],
            "direction": ["flat", "down"],
        }
    )
    spec = charts.slope_chart(changes, NAMES, 2019, 2021).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [45.7, 77.5]
    labels = [d for d in spec["datasets"].values() if "label" in d[0]]
    assert [r["label"] for r in labels[0]] == ["Sweden +0.2", "Latvia -2.6"]
