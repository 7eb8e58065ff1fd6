"""Chart and map builders, tested on their specs; the palette, tested on its contrast."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from niem import charts, maps, palette
from niem.figures import describe, rank_among

NAMES = {"SE": "Sweden", "LV": "Latvia", "CZ": "Czechia", "IT": "Italy"}


def overall(rows: list[tuple[str, float | None, str]]) -> pd.DataFrame:
    """Described, ranked overall figures: (country, score, provenance code)."""
    frame = pd.DataFrame(
        [
            {
                "round": 2021, "country": c, "level": "overall", "code": "", "score": s,
                "computed": s, "covered": 1 if s is None else 120, "total": 120,
                "provenance": p, "source": "https://www.diversitygroup.lt/x", "revised": "",
                "note": "",
            }
            for c, s, p in rows
        ]
    )
    return rank_among(describe(frame))


FIGURES = overall(
    [("SE", 72.5, "published"), ("LV", 50.7, "published"), ("CZ", 41.8, "illustrative"),
     ("IT", None, "illustrative")]
)


def layers(spec: dict) -> list[dict]:  # type: ignore[type-arg]
    return spec["layer"]


def dataset(spec: dict, column: str) -> list[dict]:  # type: ignore[type-arg]
    return next(rows for rows in spec["datasets"].values() if rows and column in rows[0])


def test_ranking_chart_keeps_insufficient_countries_and_draws_illustrative_bars_apart() -> None:
    spec = charts.ranking_chart(
        FIGURES, NAMES, "the overall score", focus="LV", reference=61.1, reference_label="x"
    ).to_dict()
    bars, labels, rule = layers(spec)
    assert bars["encoding"]["y"]["sort"] == ["Sweden", "Latvia", "Czechia", "Italy"]
    assert bars["encoding"]["fill"]["scale"] == {
        "domain": ["published", "illustrative"], "range": ["#1f4e79", "#dbe7f3"]
    }
    assert bars["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0], [5, 3]]
    assert bars["transform"] == [{"filter": "!datum.missing"}]
    assert [r["shown"] for r in dataset(spec, "shown")] == [
        "72.5", "50.7", "41.8", "insufficient data (1 of 120 indicators)"
    ]
    assert labels["encoding"]["text"] == {"field": "shown", "type": "nominal"}
    assert rule["mark"]["type"] == "rule"
    axis = bars["encoding"]["y"]["axis"]
    assert axis["labelFontWeight"] == {"expr": "datum.value == \"Latvia\" ? 'bold' : 'normal'"}
    assert spec["description"] == (
        "Bar chart of the overall score, one bar per country in rank order: highest Sweden "
        "72.5 (published figure, source diversitygroup.lt), lowest Czechia 41.8 "
        "(illustrative). A dashed line marks x, 61.1."
    )
    assert spec["config"]["axis"]["labelColor"] == "#111827"


def test_ranking_chart_gives_every_country_a_band_so_two_stay_readable() -> None:
    spec = charts.ranking_chart(FIGURES.head(2), NAMES, "the overall score").to_dict()
    assert spec["height"] == {"step": charts.BAND}


def matrix(rows: list[tuple[str, str, float | None, str, str]]) -> pd.DataFrame:
    """Described figures: (code, country, score, level, provenance code)."""
    frame = pd.DataFrame(
        [
            {
                "round": 2021, "country": c, "level": lvl, "code": code, "score": s,
                "computed": s, "covered": 1, "total": 3 if s is None else 1, "provenance": p,
                "source": "", "revised": "2026-11-20", "note": "",
            }
            for code, c, s, lvl, p in rows
        ]
    )
    return describe(frame)


def test_heatmap_writes_stored_values_as_entered_and_says_why_cells_are_empty() -> None:
    cells = matrix(
        [
            ("FAM-L-01", "SE", 62.5, "indicator", "revision:2"),
            ("FAM-L-01", "LV", 70.0, "indicator", "illustrative"),
            ("housing", "SE", 40.75, "dimension", "illustrative"),
            ("housing", "LV", None, "dimension", "illustrative"),
        ]
    )
    spec = charts.heatmap(
        cells, {"FAM-L-01": "FAM-L-01 Family members eligible beyond the nuclear family",
                "housing": "Housing"}, NAMES, "scores", focus="LV"
    ).to_dict()
    rows = dataset(spec, "label")
    assert [(r["label"], r["italic"], r["ink"]) for r in rows] == [
        ("62.5", False, "#000000"),
        ("70", True, "#000000"),
        ("40.8", True, "#ffffff"),
        ("insufficient\ndata", False, "#ffffff"),
    ]
    assert rows[0]["row"] == "FAM-L-01 Family|members eligible|beyond the nuclear…"
    assert rows[3]["shown"] == "insufficient data (1 of 3 indicators)"
    assert rows[0]["origin"] == "expert data, revision 2, SE, 2026-11-20"
    assert [r["focus"] for r in rows] == [False, True, False, True]
    assert spec["width"] == {"step": charts.CELL_WIDTH}
    assert spec["description"].startswith("Heat map of scores: 2 rows by 2 countries")


def test_profile_chart_writes_names_above_the_dots_and_hollows_illustrative_ones() -> None:
    own = matrix(
        [("housing", "LV", 55.25, "dimension", "illustrative"),
         ("health", "LV", 60.0, "dimension", "computed")]
    )
    others = pd.DataFrame(
        {"code": ["housing", "health"], "average of others": [50.0, 48.0],
         "others origin": ["illustrative", "illustrative"]}
    )
    spec = charts.profile_chart(own, others, {"housing": "Housing", "health": "Health"},
                                "Latvia").to_dict()
    assert [r["title"] for r in dataset(spec, "title")] == ["Housing · 55.3", "Health · 60.0"]
    points = dataset(spec, "hollow")
    assert [(r["series"], r["hollow"]) for r in points] == [
        ("Latvia", True), ("Latvia", False),
        ("Average of the other countries", False), ("Average of the other countries", False),
    ]
    assert spec["height"] == {"step": charts.PROFILE_BAND}


def test_trend_chart_says_every_round_with_its_provenance() -> None:
    trend = pd.DataFrame(
        {"round": [2019, 2021], "label": ["Evaluation 1 (2019)", "Evaluation 2 (2021)"],
         "score": [50.0, 50.7], "shown": ["50.0", "50.7"],
         "origin": ["illustrative", "published figure, source ogreszinas.news"],
         "kind": ["illustrative", "published"], "strength": [0, 3],
         "rank_text": ["7th of 14", "8th of 14"]}
    )
    spec = charts.trend_chart(trend, "Latvia").to_dict()
    assert spec["description"] == (
        "Line chart of Latvia's overall score in each round: Evaluation 1 (2019) 50.0 "
        "(illustrative), Evaluation 2 (2021) 50.7 (published figure, source ogreszinas.news)."
    )
    assert [r["hollow"] for r in dataset(spec, "hollow")] == [True, False]


def test_slope_labels_are_spread_apart_in_order() -> None:
    assert charts.spread_labels([50.0, 50.5, 60.0], 2.0) == [49.25, 51.25, 60.0]
    assert charts.spread_labels([10.0, 30.0], 2.0) == [10.0, 30.0]
    assert charts.spread_labels([], 2.0) == []


def test_slope_chart_zooms_labels_each_country_and_dashes_illustrative_changes() -> None:
    changes = pd.DataFrame(
        {
            "country": ["SE", "LV"],
            "before": [72.3, 53.3],
            "after": [72.5, 50.7],
            "change": [0.2, -2.6],
            "direction": ["flat", "down"],
            "origin": ["from published figures", "illustrative"],
            "strength": [3, 0],
        }
    )
    spec = charts.slope_chart(changes, NAMES, 2019, 2021, "Overall score", focus="LV").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [45.7, 77.5]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == charts.SLOPE_DOMAIN
    labels = dataset(spec, "label_y")
    assert [r["label"] for r in labels] == ["Sweden +0.2", "Latvia -2.6"]
    lines = dataset(spec, "dashed")
    assert [(r["name"], r["dashed"], r["focus"]) for r in lines[:2]] == [
        ("Sweden", False, False), ("Latvia", True, True)
    ]


VALUES = {
    "LV": {"name": "Latvia", "score": 50.7, "shown": "50.7", "origin": "published figure",
           "rank": "8th of 14 (illustrative)", "coverage": "118 of 120 indicators have a value",
           "illustrative": False, "focus": True},
    "CZ": {"name": "Czechia", "score": 51.6, "shown": "51.6", "origin": "illustrative",
           "rank": "7th of 14 (illustrative)", "coverage": "117 of 120 indicators have a value",
           "illustrative": True, "focus": False},
    "LT": {"name": "Lithuania", "score": None, "shown": "insufficient data (50 of 120 "
           "indicators)", "origin": "", "rank": "", "coverage": "", "illustrative": False,
           "focus": False},
}


def _drawn(code: str) -> dict[str, object]:
    features = maps.map_features(maps.load_boundaries(), VALUES)
    assert len(features) == 53
    return next(f["properties"] for f in features if f["properties"]["code"] == code)


def test_the_map_colours_scores_and_tells_missing_data_apart() -> None:
    assert _drawn("LV")["fill"] == [35, 147, 139, 255]  # viridis at 50.7
    assert _drawn("LT")["fill"] == [107, 114, 128, 255]  # insufficient data
    assert (_drawn("EE")["fill"], _drawn("EE")["shown"]) == (
        [229, 231, 235, 255], "not in this round"
    )


def test_the_map_outlines_participants_illustrative_figures_and_the_focus_apart() -> None:
    outlines = {code: (_drawn(code)["line"], _drawn(code)["width"])
                for code in ("LT", "CZ", "LV", "EE")}
    assert outlines == {
        "LT": ([75, 85, 99, 255], 1.0),  # participating
        "CZ": ([17, 24, 39, 255], 4.5),  # illustrative: thick and dark, a white line inside
        "LV": ([185, 58, 0, 255], 4.5),  # the reader's country, orange
        "EE": ([0, 0, 0, 0], 0.0),  # not in this round: the border gap only
    }


def test_the_map_tooltip_is_text_with_the_score_and_where_it_comes_from() -> None:
    assert _drawn("LV")["tooltip"] == (
        "Latvia\nScore: 50.7\nWhere it comes from: published figure\n"
        "Rank: 8th of 14 (illustrative)\nCoverage: 118 of 120 indicators have a value"
    )
    deck = maps.build_map(VALUES, ["LV"])
    assert deck._tooltip["text"] == "{tooltip}"
    assert "html" not in deck._tooltip


def test_the_map_needs_nothing_from_elsewhere_and_is_sent_compactly() -> None:
    text = maps.build_map(VALUES, ["LV", "CZ", "LT", "ES", "SE"]).to_json()
    spec = json.loads(text)
    # Streamlit draws no basemap for pydeck's style sentinel; for null it fetches Carto's.
    assert spec["mapStyle"] == "__MAP_STYLE__"
    assert "mapProvider" not in spec
    assert "http" not in text
    assert "\n " not in text and len(text) < 250_000
    background, countries, outlines, doubled = spec["layers"]
    assert (countries["id"], countries["pickable"], countries["stroked"]) == (
        maps.LAYER_ID, True, False
    )
    # Only the round's countries can be hovered or clicked.
    assert [f["properties"]["code"] for f in countries["data"]["features"]] == ["CZ", "LT", "LV"]
    assert background["pickable"] is False and len(background["data"]["features"]) == 50
    assert [f["properties"]["code"] for f in outlines["data"]["features"]] == ["LT", "CZ", "LV"]
    assert outlines["lineWidthUnits"] == "pixels"
    assert [f["properties"]["code"] for f in doubled["data"]["features"]] == ["CZ"]
    assert (doubled["getLineColor"], doubled["getLineWidth"]) == ([255, 255, 255, 255], 1.5)


def test_an_illustrative_figure_of_the_readers_country_keeps_its_double_line() -> None:
    values = {**VALUES, "LV": {**VALUES["LV"], "illustrative": True}}
    spec = json.loads(maps.build_map(values, ["LV"]).to_json())
    outlines, doubled = spec["layers"][2:]
    assert [f["properties"]["code"] for f in outlines["data"]["features"]] == ["LT", "CZ", "LV"]
    assert [f["properties"]["code"] for f in doubled["data"]["features"]] == ["CZ", "LV"]
    assert doubled["data"]["features"][1]["properties"]["line"] == [185, 58, 0, 255]


def test_a_view_is_fitted_to_the_bounds_of_its_countries() -> None:
    square = {"geometry": {"type": "Polygon", "coordinates": [
        [[-10, 35], [30, 35], [30, 70], [-10, 70], [-10, 35]]
    ]}}
    # Mercator makes 35-70°N taller than 40° of longitude: the height decides the zoom.
    assert maps.fitted_view([square]) == maps.View(longitude=10.0, latitude=56.29, zoom=2.38)
    assert maps.fitted_view([square], width=1000, height=1000).zoom == 3.38


def _pixel(view: dict[str, float], longitude: float, latitude: float) -> tuple[float, float]:
    """Where deck.gl draws a point in a phone-wide map with this first view."""
    scale = 512 * 2 ** view["zoom"]
    x, y = maps._mercator(longitude, latitude)
    centre_x, centre_y = maps._mercator(view["longitude"], view["latitude"])
    return (x - centre_x) * scale + maps.PHONE_MAP_WIDTH / 2, (
        (y - centre_y) * scale + maps.MAP_HEIGHT / 2
    )


def test_the_first_view_shows_portugal_to_finland_and_cyprus_on_a_phone() -> None:
    spec = json.loads(maps.build_map(VALUES, ["LV", "CZ", "LT", "ES", "PT", "SE"]).to_json())
    view = spec["initialViewState"]
    for longitude, latitude in ((-9.45, 37.0), (31.5, 70.03), (34.41, 34.6), (4.29, 43.7)):
        x, y = _pixel(view, longitude, latitude)
        assert 0 < x < maps.PHONE_MAP_WIDTH and 0 < y < maps.MAP_HEIGHT, (longitude, latitude)
    # Fitted, not lost in space: Portugal to Cyprus spans most of the phone's width.
    assert _pixel(view, 34.41, 35)[0] - _pixel(view, -9.45, 35)[0] > 0.8 * maps.PHONE_MAP_WIDTH


def test_the_map_says_in_words_what_it_shows() -> None:
    assert maps.map_description(VALUES, "the overall score") == (
        "Map of Europe coloured by the overall score for the 3 countries of this round. "
        "Highest Czechia, lowest Latvia. Outlined with a double line, as illustrative: "
        "Czechia. The ranking table beside the map lists every figure."
    )


def test_a_clicked_country_is_read_from_the_selection_event() -> None:
    clicked = {"selection": {"indices": {"countries": [27]}, "objects": {"countries": [
        {"type": "Feature", "geometry": {}, "properties": {"code": "LV", "name": "Latvia"}}
    ]}}}
    assert maps.selected_country(clicked) == "LV"
    assert maps.selected_country({"selection": {"indices": {}, "objects": {}}}) is None
    assert maps.selected_country({"selection": {"objects": {"outlines": [clicked]}}}) is None
    assert maps.selected_country(None) is None


def test_the_legend_sets_missing_data_apart_and_says_what_each_outline_means() -> None:
    html = maps.legend_html("Latvia <b>")
    assert html.index('class="niem-scale"') < html.index('class="niem-keys"')
    assert "insufficient data" in html and "not in this round (no outline)" in html
    assert "illustrative figure (double outline)" in html
    assert "border:4px double #111827" in html
    assert "Latvia &lt;b&gt; (orange outline)" in html


def test_shipped_boundaries_cover_every_niem_country_with_iso_codes() -> None:
    codes = {f["properties"]["iso_a2"] for f in maps.load_boundaries()["features"]}
    niem = set("BG CZ FR GR HU IT LV LT NL PL PT RO SI ES SE".split())
    assert niem <= codes
    assert {"BE", "DE", "GB", "UA", "FI", "CY"} <= codes
    assert "EL" not in codes and "UK" not in codes


MEANINGFUL = {
    "no data": palette.NO_DATA_COLOUR,
    "country outline": palette.OUTLINE,
    "illustrative outline": palette.ILLUSTRATIVE_OUTLINE,
    "focus": palette.FOCUS,
    **{f"{k} bar": v for k, v in palette.KIND_STROKE.items()},
    **{f"{k} change": v for k, v in palette.DIRECTION_COLOURS.items()},
}


@pytest.mark.parametrize(("what", "colour"), sorted(MEANINGFUL.items()))
def test_every_meaningful_colour_reaches_three_to_one_on_the_page(what: str, colour: str) -> None:
    assert palette.contrast(colour, palette.PAGE) >= 3.0


@pytest.mark.parametrize("score", range(0, 101, 5))
def test_numbers_written_on_score_colours_reach_four_and_a_half_to_one(score: int) -> None:
    background = palette.score_colour(score)
    assert palette.contrast(palette.text_colour_on(background), background) >= 4.5


def test_text_colours_reach_four_and_a_half_to_one_on_the_page() -> None:
    texts = (palette.TEXT, palette.MUTED_TEXT, palette.FOCUS, *palette.DIRECTION_COLOURS.values())
    for colour in texts:
        assert palette.contrast(colour, palette.PAGE) >= 4.5


def test_score_colours_run_along_viridis() -> None:
    assert palette.score_colour(0) == "#440154"
    assert palette.score_colour(100) == "#fde725"
    assert palette.score_colour(50) == "#21918c"
    assert palette.score_colour(120) == palette.score_colour(100)
