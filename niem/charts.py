"""Altair chart builders; pages display them, tests read their specs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import altair as alt
import pandas as pd

from niem.palette import NO_DATA_COLOUR, NOT_IN_ROUND_COLOUR, VIRIDIS, hex_colour

FONT_SIZE = 16
SCORE_SCALE = alt.Scale(domain=[0, 100])
SCORE_AXIS = alt.Axis(values=[0, 25, 50, 75, 100])
PROVENANCE_COLOURS = {
    "published": "#1f4e79",
    "computed": "#3b8bc2",
    "partner data": "#3b8bc2",
    "illustrative": "#9db9d3",
}
DIRECTION_COLOURS = {"up": "#0072b2", "down": "#d55e00", "flat": "#6b7280"}


Chart = TypeVar("Chart", alt.Chart, alt.LayerChart, alt.VConcatChart)


def _configured(chart: Chart) -> Chart:
    return (
        chart.configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=320)
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=320)
        .configure_title(fontSize=FONT_SIZE + 4)
        .configure_view(strokeWidth=0)
    )


def provenance_kind(provenance: str) -> str:
    """Published, computed, partner data or illustrative, for colouring."""
    if provenance.startswith("revision:"):
        return "partner data"
    return provenance or "no data"


def ranking_chart(
    figures: pd.DataFrame,
    names: Mapping[str, str],
    *,
    focus: str | None = None,
    reference: float | None = None,
    reference_label: str = "average",
) -> alt.LayerChart:
    """Horizontal bars, highest first, coloured by where each figure comes from."""
    data = figures.dropna(subset=["score"]).assign(
        name=lambda f: [names.get(c, c) for c in f["country"]],
        kind=lambda f: [provenance_kind(p) for p in f["provenance"]],
        focus=lambda f: f["country"] == focus,
    )[["country", "name", "score", "kind", "focus", "rank"]]
    order = list(data.sort_values(["score", "name"], ascending=[False, True])["name"])
    kinds = [k for k in PROVENANCE_COLOURS if k in set(data["kind"])]
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("score:Q", scale=SCORE_SCALE, title="Score (0-100)", axis=SCORE_AXIS),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "kind:N",
            title="Figure",
            scale=alt.Scale(domain=kinds, range=[PROVENANCE_COLOURS[k] for k in kinds]),
            legend=alt.Legend(orient="top"),
        ),
        stroke=alt.condition("datum.focus", alt.value("#d55e00"), alt.value(None)),
        strokeWidth=alt.condition("datum.focus", alt.value(3), alt.value(0)),
        tooltip=["name", alt.Tooltip("score:Q", format=".1f"), "rank", "kind"],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=FONT_SIZE).encode(
        text=alt.Text("score:Q", format=".1f")
    )
    layers: list[alt.Chart] = [bars, labels]
    if reference is not None:
        rule = alt.Chart(pd.DataFrame({"x": [reference], "label": [reference_label]}))
        layers.append(
            rule.mark_rule(color="#d55e00", strokeDash=[6, 4], strokeWidth=2).encode(x="x:Q")
        )
    height = 34 * len(data) + 90
    return _configured(alt.LayerChart(layer=layers, height=height))


def heatmap(
    matrix: pd.DataFrame, row_names: Mapping[str, str], column_names: Mapping[str, str]
) -> alt.LayerChart:
    """Codes (rows) by country (columns), coloured by score, with the numbers written in."""
    data = matrix.assign(
        row=lambda f: [row_names.get(c, c) for c in f["code"]],
        column=lambda f: [column_names.get(c, c) for c in f["country"]],
        label=lambda f: ["n/a" if pd.isna(s) else f"{s:.0f}" for s in f["score"]],
        dark=lambda f: f["score"].fillna(100) < 55,
    )
    row_order = list(dict.fromkeys(row_names[c] for c in matrix["code"] if c in row_names))
    base = alt.Chart(data).encode(
        x=alt.X(
            "column:N",
            title=None,
            axis=alt.Axis(orient="top", labelAngle=-40, labelOverlap=False),
        ),
        y=alt.Y("row:N", title=None, sort=row_order),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("score:Q", scale=alt.Scale(domain=[0, 100], range=VIRIDIS), title="Score"),
        tooltip=["row", "column", alt.Tooltip("score:Q", format=".1f")],
    )
    text = base.mark_text(fontSize=FONT_SIZE - 1).encode(
        text="label:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value("#111827")),
    )
    # Streamlit fits the whole chart, top axis labels included, into the height.
    height = 40 * max(1, len(row_order)) + 110
    return _configured(alt.LayerChart(layer=[cells, text], height=height))


def profile_chart(
    own: pd.DataFrame, others: pd.DataFrame, names: Mapping[str, str], country_name: str
) -> alt.Chart:
    """A country's score per code as dots, the average of the others as ticks."""
    data = pd.concat(
        [
            own[["code", "score"]].assign(series=country_name),
            others.rename(columns={"average of others": "score"})[["code", "score"]].assign(
                series="Average of the other countries"
            ),
        ]
    ).assign(name=lambda f: [names.get(c, c) for c in f["code"]])
    order = [names[c] for c in own["code"] if c in names]
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("score:Q", scale=SCORE_SCALE, title="Score (0-100)", axis=SCORE_AXIS),
        tooltip=["name", "series", alt.Tooltip("score:Q", format=".1f")],
    )
    series = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(
            domain=[country_name, "Average of the other countries"], range=["#1f4e79", "#d55e00"]
        ),
        legend=alt.Legend(orient="top"),
    )
    dots = base.mark_point(size=220, filled=True, opacity=1).encode(
        color=series, shape=alt.Shape("series:N", legend=None)
    )
    return _configured(dots.properties(height=36 * max(1, len(order)) + 90))


SLOPE_HEIGHT = 560
LABEL_GAP_PX = 19


def spread_labels(values: list[float], gap: float) -> list[float]:
    """Label positions at least `gap` apart, in the values' order, centred on their values."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    groups: list[list[int]] = []
    for i in order:
        groups.append([i])
        # Merge with the group below while their labels would overlap.
        while (
            len(groups) > 1
            and _bottom(groups[-1], values, gap) < _top(groups[-2], values, gap) + gap
        ):
            last = groups.pop()
            groups[-1].extend(last)
    positions = [0.0] * len(values)
    for group in groups:
        start = _bottom(group, values, gap)
        for offset, i in enumerate(group):
            positions[i] = start + offset * gap
    return positions


def _bottom(group: list[int], values: list[float], gap: float) -> float:
    centre = sum(values[i] for i in group) / len(group)
    return centre - gap * (len(group) - 1) / 2


def _top(group: list[int], values: list[float], gap: float) -> float:
    return _bottom(group, values, gap) + gap * (len(group) - 1)


def slope_chart(
    changes: pd.DataFrame, names: Mapping[str, str], before: int, after: int
) -> alt.LayerChart:
    """Each country's score in two rounds joined by a line, coloured by direction."""
    shown = changes.dropna(subset=["before", "after"])
    long = pd.concat(
        [
            shown.assign(round=str(before), score=shown["before"]),
            shown.assign(round=str(after), score=shown["after"]),
        ]
    ).assign(name=lambda f: [names.get(c, c) for c in f["country"]])
    long = long[["country", "name", "round", "score", "change", "direction"]]
    low = max(0.0, float(long["score"].min()) - 5) if len(long) else 0.0
    high = min(100.0, float(long["score"].max()) + 5) if len(long) else 100.0
    gap = (high - low) * LABEL_GAP_PX / SLOPE_HEIGHT
    ends = shown.assign(
        round=str(after),
        name=[names.get(c, c) for c in shown["country"]],
        label_y=spread_labels([float(v) for v in shown["after"]], gap),
        label=[
            f"{names.get(c, c)} {d:+.1f}"
            for c, d in zip(shown["country"], shown["change"], strict=True)
        ],
    )[["round", "label_y", "label", "direction"]]
    colour = alt.Color(
        "direction:N",
        title="Change",
        scale=alt.Scale(domain=list(DIRECTION_COLOURS), range=list(DIRECTION_COLOURS.values())),
    )
    y_scale = alt.Scale(domain=[low, high])
    base = alt.Chart(long).encode(
        x=alt.X("round:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("score:Q", scale=y_scale, title="Score (0-100)"),
        color=colour,
        detail="country:N",
        tooltip=["name", "round", alt.Tooltip("score:Q", format=".1f"), "change"],
    )
    labels = (
        alt.Chart(ends)
        .mark_text(align="left", dx=12, fontSize=FONT_SIZE - 1)
        .encode(x="round:O", y=alt.Y("label_y:Q", scale=y_scale), color=colour, text="label:N")
    )
    return _configured(
        alt.LayerChart(
            layer=[base.mark_line(strokeWidth=3), base.mark_point(size=90, filled=True), labels],
            height=SLOPE_HEIGHT,
        )
    )


def map_legend() -> alt.LayerChart:
    """The map's colour key: the score gradient, then insufficient data and not in this round."""
    gradient = pd.DataFrame({"start": list(range(0, 100, 2))}).assign(
        end=lambda f: f["start"] + 2, colour=lambda f: f["start"] + 1, row="Score"
    )
    no_data, not_in_round = hex_colour(NO_DATA_COLOUR), hex_colour(NOT_IN_ROUND_COLOUR)
    swatches = pd.DataFrame(
        {
            "start": [0, 50],
            "end": [6, 56],
            "fill": [no_data, not_in_round],
            "label": ["insufficient data", "not in this round"],
            "row": ["Other", "Other"],
        }
    )
    y = alt.Y("row:N", title=None, sort=["Score", "Other"], axis=None)
    x_axis = alt.Axis(values=[0, 25, 50, 75, 100], title="0 = least, 100 = most favourable")
    scale = (
        alt.Chart(gradient)
        .mark_rect()
        .encode(
            x=alt.X("start:Q", scale=SCORE_SCALE, axis=x_axis),
            x2="end:Q",
            y=y,
            color=alt.Color(
                "colour:Q", scale=alt.Scale(domain=[0, 100], range=VIRIDIS), legend=None
            ),
        )
    )
    keys = (
        alt.Chart(swatches)
        .mark_rect(stroke="#6b7280")
        .encode(x="start:Q", x2="end:Q", y=y, color=alt.Color("fill:N", scale=None))
    )
    labels = (
        alt.Chart(swatches)
        .mark_text(align="left", dx=8, fontSize=FONT_SIZE)
        .encode(x="end:Q", y=y, text="label:N")
    )
    return _configured(alt.LayerChart(layer=[scale, keys, labels], height=150))
