"""The Europe choropleth: a pydeck (deck.gl) map of the shipped boundaries.

The map has no basemap, tiles or fonts from elsewhere: it draws offline and makes no request.
Its first view is fitted to the countries of every NIEM round (and `FRAME`), so that on a
phone as on a projector it shows Spain to Finland and Portugal to Cyprus. Participating
countries are outlined so light score colours keep their shape; illustrative figures have a
double dark outline and the reader's country a thick orange one; clicking a country selects it.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from niem.config import load_settings
from niem.i18n import _
from niem.palette import (
    FOCUS,
    ILLUSTRATIVE_OUTLINE,
    NO_DATA_COLOUR,
    NOT_IN_ROUND_COLOUR,
    OUTLINE,
    PAGE,
    TEXT,
    VIRIDIS,
    rgb,
    score_colour,
)

LAYER_ID = "countries"
# Beside the participants, these frame the region as readers know it.
FRAME = ("FI", "CY")
# The first view must show the whole region in the narrowest map (a 390 px phone, less the
# page's margins) and in the map's height; wider maps show more of the neighbours.
PHONE_MAP_WIDTH = 350
MAP_HEIGHT = 500
MARGIN = 0.04
TILE = 512  # deck.gl's world is 512 px wide at zoom 0
# Outline colours and widths in screen pixels: participant, illustrative figure, focus.
OUTLINE_WIDTH = 1.0
ILLUSTRATIVE_WIDTH = 4.5
ILLUSTRATIVE_INNER_WIDTH = 1.5
FOCUS_WIDTH = 4.5


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A deck serialised without indentation: pydeck's indented JSON of the boundaries is 1.2 MB."""

    def to_json(self) -> str:
        # A deck is never changed once built, and the app hands the same deck to every
        # visitor of a view: serialise it once.
        serialised = _SERIALISED.get(self)
        if serialised is None:
            serialised = json.dumps(
                self, sort_keys=True, default=default_serialize, separators=(",", ":")
            )
            _SERIALISED[self] = serialised
        return serialised


_SERIALISED: weakref.WeakKeyDictionary[CompactDeck, str] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class View:
    """Where the map first looks: its centre and deck.gl zoom."""

    longitude: float
    latitude: float
    zoom: float


@cache
def _boundaries(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def load_boundaries(path: Path | None = None) -> dict[str, Any]:
    """The shipped Europe boundaries (GeoJSON features keyed by `iso_a2`)."""
    return _boundaries(path or load_settings().boundaries_file)


def rgba(hex_colour: str) -> list[int]:
    """[68, 1, 84, 255] for '#440154': the colour as deck.gl reads it."""
    return [*rgb(hex_colour), 255]


def _tooltip(drawn: Mapping[str, Any]) -> str:
    lines = [drawn["name"], _("Score: {shown}").format(shown=drawn["shown"])]
    for label, key in ((_("Where it comes from: {value}"), "origin"),
                       (_("Rank: {value}"), "rank"),
                       (_("Coverage: {value}"), "coverage")):
        if drawn[key]:
            lines.append(label.format(value=drawn[key]))
    return "\n".join(lines)


def _outline(participating: bool, illustrative: bool, focus: bool) -> tuple[list[int], float]:
    if focus:
        return rgba(FOCUS), FOCUS_WIDTH
    if illustrative:
        return rgba(ILLUSTRATIVE_OUTLINE), ILLUSTRATIVE_WIDTH
    if participating:
        return rgba(OUTLINE), OUTLINE_WIDTH
    return [0, 0, 0, 0], 0.0


def map_features(
    boundaries: Mapping[str, Any], values: Mapping[str, Mapping[str, object]]
) -> list[dict[str, Any]]:
    """One GeoJSON feature per country with what the map draws and its tooltip says.

    `values` maps participating countries to `explorer.map_values` entries; every other
    country is drawn as not in this round.
    """
    features = []
    for feature in boundaries["features"]:
        code = feature["properties"]["iso_a2"]
        value = values.get(code)
        drawn: dict[str, Any] = {
            "code": code,
            "name": feature["properties"]["name"],
            "participating": value is not None,
            "illustrative": False,
            "focus": False,
        }
        if value is None:
            drawn.update(
                fill=rgba(NOT_IN_ROUND_COLOUR), shown=_("not in this round"), origin="",
                rank="", coverage="",
            )
        else:
            score = value["score"]
            colour = NO_DATA_COLOUR if score is None else score_colour(float(score))  # type: ignore[arg-type]
            drawn.update(
                {key: value[key] for key in ("name", "shown", "origin", "rank", "coverage")},
                fill=rgba(colour),
                illustrative=bool(value["illustrative"]),
                focus=bool(value["focus"]),
            )
        drawn["line"], drawn["width"] = _outline(
            drawn["participating"], drawn["illustrative"], drawn["focus"]
        )
        drawn["tooltip"] = _tooltip(drawn)
        features.append({"type": "Feature", "geometry": feature["geometry"], "properties": drawn})
    return features


def _points(geometry: Mapping[str, Any]) -> Iterator[list[float]]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for rings in polygons:
        yield from rings[0]


def _mercator(longitude: float, latitude: float) -> tuple[float, float]:
    """The point in deck.gl's Web Mercator world, 0 to 1 from the west and from the north."""
    y = math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))
    return (longitude + 180) / 360, (1 - y / math.pi) / 2


def fitted_view(
    features: Collection[Mapping[str, Any]], width: float = PHONE_MAP_WIDTH,
    height: float = MAP_HEIGHT,
) -> View:
    """The centre and zoom that show every feature, with a margin, in `width` × `height` px."""
    projected = [_mercator(*point) for f in features for point in _points(f["geometry"])]
    xs, ys = [x for x, _y in projected], [y for _x, y in projected]
    west, east, north, south = min(xs), max(xs), min(ys), max(ys)
    scale = min(width / (east - west), height / (south - north)) * (1 - 2 * MARGIN)
    centre_x, centre_y = (west + east) / 2, (north + south) / 2
    latitude = math.degrees(2 * math.atan(math.exp(math.pi * (1 - 2 * centre_y))) - math.pi / 2)
    return View(
        longitude=round(centre_x * 360 - 180, 3),
        latitude=round(latitude, 3),
        zoom=round(math.log2(scale / TILE), 2),
    )


def _layer(layer_id: str, features: list[dict[str, Any]], **style: Any) -> pdk.Layer:
    collection = {"type": "FeatureCollection", "features": features}
    return pdk.Layer("GeoJsonLayer", data=collection, id=layer_id, **style)


def _outlines(
    layer_id: str, features: list[dict[str, Any]], colour: object, width: object
) -> pdk.Layer:
    return _layer(
        layer_id, features, pickable=False, filled=False, stroked=True, get_line_color=colour,
        get_line_width=width, line_width_units=pdk.types.String("pixels"),
        line_joint_rounded=True,
    )


def build_map(
    values: Mapping[str, Mapping[str, object]],
    frame: Collection[str],
    boundaries: Mapping[str, Any] | None = None,
) -> CompactDeck:
    """The choropleth of one measure, first fitted to the `frame` countries (and `FRAME`)."""
    features = map_features(boundaries or load_boundaries(), values)
    framed = set(frame) | set(FRAME)
    view = fitted_view([f for f in features if f["properties"]["code"] in framed])
    participating = [f for f in features if f["properties"]["participating"]]
    # Only the round's countries answer the pointer: a click elsewhere would select a
    # country Streamlit then highlights by fading every other colour of the map.
    background = _layer(
        "background", [f for f in features if not f["properties"]["participating"]],
        pickable=False, filled=True, stroked=False, get_fill_color="properties.fill",
    )
    countries = _layer(
        LAYER_ID, participating, pickable=True, filled=True, stroked=False,
        get_fill_color="properties.fill",
    )
    # Outlines are drawn only where they mean something: borders elsewhere are the gaps
    # cut into the shapes (data/README.md), and outlines are slow on software WebGL.
    outlined = sorted(
        participating, key=lambda f: (f["properties"]["focus"], f["properties"]["illustrative"])
    )
    layers = [
        background, countries,
        _outlines("outlines", outlined, "properties.line", "properties.width"),
    ]
    # A white line inside an illustrative country's thick outline makes it a double line,
    # unlike any other outline (dashes would need a deck.gl extension).
    doubled = [f for f in outlined if f["properties"]["illustrative"]]
    if doubled:
        layers.append(
            _outlines("illustrative", doubled, rgba(PAGE), ILLUSTRATIVE_INNER_WIDTH)
        )
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(
            longitude=view.longitude, latitude=view.latitude, zoom=view.zoom,
            min_zoom=1.5, max_zoom=7,
        ),
        # No map provider, and pydeck's default style sentinel left in place: Streamlit then
        # draws no basemap. With `map_style=None` it would fetch one from Carto.
        map_provider=None,
        # The wheel scrolls the page, not the map; zoom is a double click or a pinch away.
        views=[pdk.View(type="MapView", controller={
            "scrollZoom": False, "dragRotate": False, "touchRotate": False,
        })],
        tooltip={
            "text": "{tooltip}",
            "style": {"fontSize": "15px", "backgroundColor": TEXT, "color": "white",
                      "whiteSpace": "pre-line", "maxWidth": "280px"},
        },
    )


def map_description(values: Mapping[str, Mapping[str, object]], what: str) -> str:
    """What the map shows, in words, for readers who cannot see the canvas."""
    scored = sorted(
        ((v["score"], str(v["name"])) for v in values.values() if v["score"] is not None),
        key=lambda pair: float(pair[0]),  # type: ignore[arg-type]
    )
    marked = [str(v["name"]) for v in values.values() if v["illustrative"]]
    text = _("Map of Europe coloured by {what} for the {count} countries of this round.").format(
        what=what, count=len(values)
    )
    if scored:
        highest, lowest = scored[-1][1], scored[0][1]
        text += " " + _("Highest {high}, lowest {low}.").format(high=highest, low=lowest)
    if marked:
        text += " " + _("Outlined with a double line, as illustrative: {names}.").format(
            names=", ".join(marked)
        )
    return text + " " + _("The ranking table beside the map lists every figure.")


def selected_country(event: Mapping[str, Any] | None) -> str | None:
    """The ISO code of the clicked country in the deck's selection event, if any."""
    if not event:
        return None
    objects = event.get("selection", {}).get("objects", {}).get(LAYER_ID, []) or []
    for picked in objects:
        properties = picked.get("properties", {}) if isinstance(picked, Mapping) else {}
        code = properties.get("code") if isinstance(properties, Mapping) else None
        if code:
            return str(code)
    return None


def legend_html(focus_name: str | None = None) -> str:
    """The map's key as HTML text: the score scale, then, set apart from it, the greys for
    missing data and the outlines. It holds only the app's own words and colours."""
    ticks = "".join(f"<span>{n}</span>" for n in (0, 25, 50, 75, 100))
    keys = [
        (f"background:{NO_DATA_COLOUR};border-color:{OUTLINE}", _("insufficient data")),
        (f"background:{NOT_IN_ROUND_COLOUR}", _("not in this round (no outline)")),
        (f"background:#ffffff;border:4px double {ILLUSTRATIVE_OUTLINE}",
         _("illustrative figure (double outline)")),
    ]
    if focus_name:
        keys.append((f"background:#ffffff;border:3px solid {FOCUS}",
                     _("{country} (orange outline)").format(country=escape(focus_name))))
    items = "".join(
        f'<li><span class="niem-swatch" style="{style}"></span>{label}</li>'
        for style, label in keys
    )
    gradient = f"linear-gradient(to right, {', '.join(VIRIDIS)})"
    scale_words = escape(_("Score: 0 = least, 100 = most favourable"))
    return (
        f'<div class="niem-legend" style="color:{TEXT}">'
        f'<div class="niem-scale"><div class="niem-scale-bar" style="background:{gradient}">'
        f'</div><div class="niem-scale-ticks">{ticks}</div>'
        f"<div>{scale_words}</div></div>"
        f'<ul class="niem-keys">{items}</ul></div>'
    )
