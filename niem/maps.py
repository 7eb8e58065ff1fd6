"""The Europe choropleth: an Altair (Vega-Lite) map of the shipped boundaries.

The map has no basemap, tiles or fonts from elsewhere: it draws offline and makes no request.
It is fitted to the countries of every NIEM round (and `FRAME`), so that on a phone as on a
projector it shows Spain to Finland and Portugal to Cyprus. Participating countries are
outlined so light score colours keep their shape; illustrative figures have a dashed
outline and the reader's country an orange one; clicking a country selects it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import altair as alt

from niem.charts import tooltips
from niem.config import load_settings
from niem.i18n import _
from niem.palette import (
    DASH,
    FOCUS,
    ILLUSTRATIVE_OUTLINE,
    NO_DATA_COLOUR,
    NOT_IN_ROUND_COLOUR,
    OUTLINE,
    TEXT,
    VIRIDIS,
    score_colour,
)

SELECTION = "country"
# Beside the participants, these frame the region as readers know it.
FRAME = ("FI", "CY")
MAP_HEIGHT = 480


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
    coordinates = wound[0] if geometry["type"] == "Polygon" else wound
    return {"type": geometry["type"], "coordinates": coordinates}


@cache
def _boundaries(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    for feature in data["features"]:
        feature["geometry"] = rewind(feature["geometry"])
    return data


def load_boundaries(path: Path | None = None) -> dict[str, Any]:
    """The shipped Europe boundaries (GeoJSON features keyed by `iso_a2`), wound for Vega."""
    return _boundaries(path or load_settings().boundaries_file)


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
            "type": "Feature",
            "geometry": feature["geometry"],
            "code": code,
            "name": feature["properties"]["name"],
            "participating": value is not None,
            "illustrative": False,
            "focus": False,
        }
        if value is None:
            drawn.update(
                fill=NOT_IN_ROUND_COLOUR, shown=_("not in this round"), origin="", rank="",
                coverage="",
            )
        else:
            score = value["score"]
            drawn.update(
                {key: value[key] for key in ("name", "shown", "origin", "rank", "coverage")},
                fill=NO_DATA_COLOUR if score is None else score_colour(float(score)),  # type: ignore[arg-type]
                illustrative=bool(value["illustrative"]),
                focus=bool(value["focus"]),
            )
        # What a screen reader says for the country.
        drawn["label"] = ", ".join(
            part for part in (
                f"{drawn['name']}: {drawn['shown']}", drawn["origin"], drawn["rank"]
            ) if part
        )
        features.append(drawn)
    return features


def build_map(
    values: Mapping[str, Mapping[str, object]],
    what: str,
    frame: Collection[str],
    boundaries: Mapping[str, Any] | None = None,
) -> alt.LayerChart:
    """The choropleth of one measure, fitted to the `frame` countries (and `FRAME`)."""
    features = map_features(boundaries or load_boundaries(), values)
    framed = set(frame) | set(FRAME)
    fit = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {}}
            for f in features
            if f["code"] in framed
        ],
    }
    pick = alt.selection_point(name=SELECTION, fields=["code"], on="click", clear=False)
    tooltip = tooltips(
        ("name", _("Country")),
        ("shown", _("Score")),
        ("origin", _("Where it comes from")),
        ("rank", _("Rank")),
        ("coverage", _("Coverage")),
    )
    countries = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(strokeWidth=0.8)
        .encode(
            fill=alt.Fill("fill:N", scale=None),
            stroke=alt.condition("datum.participating", alt.value(OUTLINE), alt.value("#ffffff")),
            tooltip=tooltip,
            description=alt.Description("label:N"),
        )
        .add_params(pick)
    )
    marked = [f for f in features if f["illustrative"]]
    focused = [f for f in features if f["focus"]]
    layers: list[alt.Chart] = [countries]
    if marked:
        layers.append(
            alt.Chart(alt.Data(values=marked))
            .mark_geoshape(filled=False, stroke=ILLUSTRATIVE_OUTLINE, strokeWidth=2.2,
                           strokeDash=DASH)
            .encode(tooltip=tooltip)
        )
    if focused:
        layers.append(
            alt.Chart(alt.Data(values=focused))
            .mark_geoshape(filled=False, stroke=FOCUS, strokeWidth=4)
            .encode(tooltip=tooltip)
        )
    return (
        alt.LayerChart(layer=layers)
        .project(type="mercator", fit=fit)
        .properties(height=MAP_HEIGHT, description=_map_description(values, what))
        .configure_view(strokeWidth=0)
    )


def _map_description(values: Mapping[str, Mapping[str, object]], what: str) -> str:
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
        text += " " + _("Outlined with dashes, as illustrative: {names}.").format(
            names=", ".join(marked)
        )
    return text + " " + _("The ranking table beside the map lists every figure.")


def selected_country(event: Mapping[str, Any] | None) -> str | None:
    """The ISO code of the clicked country in the chart's selection event, if any."""
    if not event:
        return None
    for picked in event.get("selection", {}).get(SELECTION, []) or []:
        code = picked.get("code") if isinstance(picked, Mapping) else None
        if code:
            return str(code)
    return None


def legend_html(focus_name: str | None = None) -> str:
    """The map's key as HTML text: the score scale, then, set apart from it, the greys for
    missing data and the outlines. It holds only the app's own words and colours."""
    ticks = "".join(f"<span>{n}</span>" for n in (0, 25, 50, 75, 100))
    keys = [
        (f"background:{NO_DATA_COLOUR}", _("insufficient data")),
        (f"background:{NOT_IN_ROUND_COLOUR};border-color:{OUTLINE}", _("not in this round")),
        (f"background:#ffffff;border:2px dashed {ILLUSTRATIVE_OUTLINE}", _("illustrative figure")),
    ]
    if focus_name:
        keys.append((f"background:#ffffff;border:3px solid {FOCUS}", escape(focus_name)))
    items = "".join(
        f'<li><span class="niem-swatch" style="{style}"></span>{label}</li>'
        for style, label in keys
    )
    gradient = f"linear-gradient(to right, {', '.join(VIRIDIS)})"
    return (
        f'<div class="niem-legend" style="color:{TEXT}">'
        f'<div class="niem-scale"><div class="niem-scale-bar" style="background:{gradient}">'
        f'</div><div class="niem-scale-ticks">{ticks}</div>'
        f'<div>{_("Score: 0 = least, 100 = most favourable")}</div></div>'
        f'<ul class="niem-keys">{items}</ul></div>'
    )
