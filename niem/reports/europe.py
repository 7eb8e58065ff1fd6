"""The Europe map for print: the shipped boundaries drawn as a static Altair (Vega-Lite) map.

The app's map is interactive (`niem.maps`); a PDF needs a picture. It is drawn from the same
map values (`explorer.map_values`), colours (`niem.palette`) and outlines: participants
outlined, illustrative figures with a dashed outline, the focus country in orange.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from niem.config import load_settings
from niem.i18n import _
from niem.palette import (
    DASH,
    FOCUS,
    ILLUSTRATIVE_OUTLINE,
    NO_DATA_COLOUR,
    NOT_IN_ROUND_COLOUR,
    OUTLINE,
    score_colour,
)

MAP_WIDTH, MAP_HEIGHT = 620, 560


def _ring_area(ring: list[list[float]]) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)


def _wound(ring: list[list[float]], exterior: bool) -> list[list[float]]:
    # Vega's d3-geo takes a clockwise exterior ring (negative planar area) as the inside;
    # the other way round it would fill the whole globe but the country.
    clockwise = _ring_area(ring) < 0
    return ring if clockwise == exterior else ring[::-1]


def rewind(geometry: Mapping[str, Any]) -> dict[str, Any]:
    """A (Multi)Polygon with its rings wound as d3-geo reads them."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    wound = [[_wound(ring, i == 0) for i, ring in enumerate(rings)] for rings in polygons]
    return {"type": geometry["type"], "coordinates": wound[0] if geometry["type"] == "Polygon"
            else wound}


@cache
def _shapes(path: Path) -> tuple[tuple[str, dict[str, Any]], ...]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(
        (f["properties"]["iso_a2"], rewind(f["geometry"])) for f in data["features"]
    )


def print_features(values: Mapping[str, Mapping[str, object]]) -> list[dict[str, Any]]:
    """One feature per country: its fill, and whether it takes part, is illustrative or is
    the focus (`values` are `explorer.map_values` of the participants)."""
    features = []
    for code, geometry in _shapes(load_settings().boundaries_file):
        value = values.get(code)
        score = value["score"] if value else None
        fill = NOT_IN_ROUND_COLOUR if value is None else (
            NO_DATA_COLOUR if score is None else score_colour(float(score))  # type: ignore[arg-type]
        )
        features.append({
            "type": "Feature",
            "geometry": geometry,
            "code": code,
            "fill": fill,
            "participating": value is not None,
            "illustrative": bool(value and value["illustrative"]),
            "focus": bool(value and value["focus"]),
        })
    return features


def _shapes_layer(features: list[dict[str, Any]], mark: dict[str, Any],
                  encoding: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"data": {"values": features}, "mark": {"type": "geoshape", **mark},
            "encoding": encoding or {}}


def static_map(
    values: Mapping[str, Mapping[str, object]], frame: Collection[str]
) -> dict[str, Any]:
    """The map of one measure for print, fitted to the `frame` countries, with its colour
    key, as a Vega-Lite spec (written out: Altair would validate and copy every boundary
    point several times, which took most of a report's time)."""
    features = print_features(values)
    fit = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {}}
            for f in features
            if f["code"] in frame
        ],
    }
    layers = [
        _shapes_layer(features, {"strokeWidth": 0.8}, {
            "fill": {"field": "fill", "type": "nominal", "scale": None},
            "stroke": {"condition": {"test": "datum.participating", "value": OUTLINE},
                       "value": "#ffffff"},
        })
    ]
    for subset, stroke, width, dash in (
        ([f for f in features if f["illustrative"]], ILLUSTRATIVE_OUTLINE, 2.2, DASH),
        ([f for f in features if f["focus"]], FOCUS, 4, [1, 0]),
    ):
        if subset:
            layers.append(_shapes_layer(subset, {
                "filled": False, "stroke": stroke, "strokeWidth": width, "strokeDash": dash,
            }))
    steps = [{"score": s, "end": s + 1, "colour": score_colour(s)} for s in range(100)]
    key = {
        "data": {"values": steps},
        "mark": "rect",
        "width": MAP_WIDTH * 0.6,
        "height": 14,
        "encoding": {
            "x": {"field": "score", "type": "quantitative", "scale": {"domain": [0, 100]},
                  "axis": {"values": [0, 25, 50, 75, 100]},
                  "title": _("Score: 0 = least, 100 = most favourable")},
            "x2": {"field": "end"},
            "fill": {"field": "colour", "type": "nominal", "scale": None},
        },
    }
    europe = {"width": MAP_WIDTH, "height": MAP_HEIGHT,
              "projection": {"type": "mercator", "fit": fit}, "layer": layers}
    return {"vconcat": [europe, key], "center": True, "config": {"view": {"stroke": None}}}
