"""The Europe choropleth: a pydeck deck on the shipped boundaries, with no basemap or tiles."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from niem.config import load_settings
from niem.palette import NO_DATA_COLOUR, NOT_IN_ROUND_COLOUR, VIRIDIS, rgb

LAYER_ID = "countries"
VIEW = pdk.ViewState(latitude=53.0, longitude=16.0, zoom=3.1, min_zoom=2, max_zoom=7)


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A deck serialised without indentation: pydeck's indented JSON of the boundaries is 1.2 MB."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def score_colour(score: float) -> list[int]:
    """The viridis colour of a 0-100 score, interpolated between the palette's stops."""
    position = max(0.0, min(100.0, score)) / 100 * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    fraction = position - low
    start, end = rgb(VIRIDIS[low]), rgb(VIRIDIS[low + 1])
    return [round(a + (b - a) * fraction) for a, b in zip(start, end, strict=True)] + [255]


@cache
def _boundaries(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def load_boundaries(path: Path | None = None) -> dict[str, Any]:
    """The shipped Europe boundaries (a GeoJSON FeatureCollection keyed by `iso_a2`)."""
    return _boundaries(path or load_settings().boundaries_file)


def colour_features(
    boundaries: Mapping[str, Any], values: Mapping[str, Mapping[str, object]]
) -> dict[str, Any]:
    """A copy of the boundaries with fill colour and tooltip per country.

    `values` maps participating countries to {"name", "score" (None: insufficient data),
    "tooltip"}; every other country is drawn as not in this round.
    """
    collection = copy.deepcopy(dict(boundaries))
    for feature in collection["features"]:
        properties = feature["properties"]
        value = values.get(properties["iso_a2"])
        if value is None:
            properties["fill"] = NOT_IN_ROUND_COLOUR
            properties["tooltip"] = f"{properties['name']}: not in this round"
        elif value["score"] is None:
            properties["fill"] = NO_DATA_COLOUR
            properties["tooltip"] = str(value["tooltip"])
        else:
            properties["fill"] = score_colour(float(value["score"]))  # type: ignore[arg-type]
            properties["tooltip"] = str(value["tooltip"])
        properties["participating"] = value is not None
    return collection


def build_map(
    values: Mapping[str, Mapping[str, object]], boundaries: Mapping[str, Any] | None = None
) -> CompactDeck:
    """The choropleth deck: countries coloured by score; clicking one selects it."""
    data = colour_features(boundaries or load_boundaries(), values)
    countries = pdk.Layer(
        "GeoJsonLayer",
        data=data,
        id=LAYER_ID,
        pickable=True,
        stroked=False,
        filled=True,
        get_fill_color="properties.fill",
        auto_highlight=True,
        highlight_color=[255, 140, 0, 160],
    )
    return CompactDeck(
        layers=[countries],
        initial_view_state=VIEW,
        map_provider=None,
        map_style=None,
        tooltip={
            "text": "{tooltip}",
            "style": {"fontSize": "18px", "backgroundColor": "#111827", "color": "white"},
        },
    )


def selected_country(selection: Mapping[str, Any] | None) -> str | None:
    """The ISO code of the clicked country in a pydeck selection event, if any."""
    if not selection:
        return None
    objects = selection.get("selection", {}).get("objects", {}).get(LAYER_ID, [])
    for picked in objects:
        properties = picked.get("properties", picked)
        code = properties.get("iso_a2")
        if code:
            return str(code)
    return None
