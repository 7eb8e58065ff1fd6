"""Altair chart builders; pages and PDF reports display them, tests read their specs.

Each builder takes described rows (`niem.figures`), so numbers are written by the one
rounding rule, empty figures by the one wording and provenance by `niem.provenance`. Every
chart carries a `description` saying what it shows (read out by screen readers), dark axis
labels, and colours from `niem.palette`. A focus country is drawn with an orange outline and
a bold orange label; illustrative figures are pale with a dashed outline.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from typing import Any, TypeVar

import altair as alt
import pandas as pd

from niem.i18n import N_, _
from niem.palette import (
    DASH,
    DIRECTION_COLOURS,
    FOCUS,
    KIND_FILL,
    KIND_STROKE,
    MUTED_TEXT,
    NO_DATA_COLOUR,
    TEXT,
    score_colour,
    text_colour_on,
)
from niem.provenance import Strength, kind_label
from niem.wording import score_text, signed_text

FONT_SIZE = 16
SCORE_SCALE = alt.Scale(domain=[0, 100])
SCORE_AXIS = alt.Axis(values=[0, 25, 50, 75, 100])
BAND = 36
# A dimension's band in the profile chart: its name above, its dots below.
PROFILE_BAND = 46
CELL_WIDTH, CELL_HEIGHT = 64, 50
ROW_LABEL_WIDTH = 230
# Heat map row names are wrapped onto up to three short lines, so that the cells, not the
# names, take the width of a phone.
ROW_LABEL_CHARACTERS = 22

DIRECTION_WORDS = {"up": N_("up"), "down": N_("down"), "flat": N_("flat")}

Chart = TypeVar("Chart", alt.Chart, alt.LayerChart, alt.VConcatChart)


# A heat map of every indicator of fifty countries has more rows than Altair's default 5,000.
alt.data_transformers.disable_max_rows()

# Every chart's axes, legends and title, set once: configuring a chart call by call copies it
# whole each time, which took a third of the time of building one.
CONFIG = alt.Config(
    axis=alt.AxisConfig(
        labelFontSize=FONT_SIZE,
        titleFontSize=FONT_SIZE,
        labelLimit=ROW_LABEL_WIDTH,
        labelColor=TEXT,
        titleColor=TEXT,
        domainColor=MUTED_TEXT,
        tickColor=MUTED_TEXT,
        titleFontWeight="normal",
    ),
    legend=alt.LegendConfig(
        labelFontSize=FONT_SIZE,
        titleFontSize=FONT_SIZE,
        labelLimit=320,
        labelColor=TEXT,
        titleColor=TEXT,
    ),
    title=alt.TitleConfig(fontSize=FONT_SIZE + 4, color=TEXT),
    view=alt.ViewConfig(strokeWidth=0),
)


def _configured(chart: Chart, description: str) -> Chart:
    """The chart just built, with its description and the shared configuration."""
    chart.description = description
    chart.config = CONFIG
    return chart


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """A chart's Vega-Lite spec. The tests validate every chart against the schema; the app
    does not, since checking the schema costs more than building the chart."""
    return chart.to_dict(validate=False)


def _if(test: str, value: object) -> dict[str, object]:
    """A channel's value where the test holds (else the channel's own). Written as the
    channel's `condition` rather than with `alt.condition`, whose dict Altair resolves
    against the schema on every chart built."""
    return {"test": test, "value": value}


def _focus_label(name: str | None) -> dict[str, Any]:
    """Axis label styles that make the focus country's name bold and orange."""
    if name is None:
        return {}
    # The name is written as a JSON string literal, which Vega's expressions read as one.
    test = f"datum.value == {json.dumps(name)}"
    return {
        "labelFontWeight": {"expr": f"{test} ? 'bold' : 'normal'"},
        "labelColor": {"expr": f"{test} ? {json.dumps(FOCUS)} : {json.dumps(TEXT)}"},
    }


def _kinds(strengths: pd.Series) -> list[str]:
    present = {int(s) for s in strengths if int(s) >= 0}
    return [kind_label(s) for s in sorted(Strength, reverse=True) if int(s) in present]


def _kind_scales(kinds: list[str]) -> dict[str, alt.Scale]:
    order = [kind_label(s) for s in sorted(Strength, reverse=True)]
    keys = dict(zip(order, KIND_FILL, strict=True))
    return {
        "fill": alt.Scale(domain=kinds, range=[KIND_FILL[keys[k]] for k in kinds]),
        "stroke": alt.Scale(domain=kinds, range=[KIND_STROKE[keys[k]] for k in kinds]),
        "dash": alt.Scale(
            domain=kinds, range=[DASH if keys[k] == "illustrative" else [1, 0] for k in kinds]
        ),
    }


def tooltips(*fields: tuple[str, str]) -> list[alt.Tooltip]:
    """A tooltip of text fields, each with the title a reader sees."""
    return [alt.Tooltip(f"{field}:N", title=title) for field, title in fields]


def _names(frame: pd.DataFrame, names: Mapping[str, str], column: str = "country") -> list[str]:
    return [names.get(c, c) for c in frame[column]]


def _summary(frame: pd.DataFrame, names: Mapping[str, str]) -> str:
    scored = frame.dropna(subset=["score"])
    if scored.empty:
        return _("no country has a figure")
    first, last = scored.iloc[0], scored.iloc[-1]
    return _("highest {first} {first_score} ({first_origin}), lowest {last} {last_score} "
             "({last_origin})").format(
        first=names.get(first["country"], first["country"]),
        first_score=first["shown"],
        first_origin=first["origin"],
        last=names.get(last["country"], last["country"]),
        last_score=last["shown"],
        last_origin=last["origin"],
    )


def ranking_chart(
    figures: pd.DataFrame,
    names: Mapping[str, str],
    what: str,
    *,
    focus: str | None = None,
    reference: float | None = None,
    reference_label: str = "",
) -> alt.LayerChart:
    """Horizontal bars in rank order, drawn by where each figure comes from; countries
    without enough data keep their row, saying so."""
    data = figures.assign(
        name=_names(figures, names),
        focus=figures["country"] == focus,
        missing=figures["score"].isna(),
        x=figures["score"].fillna(0),
    )[["name", "score", "x", "shown", "origin", "kind", "strength", "rank_text",
       "rank_origin", "focus", "missing"]]
    kinds = _kinds(data["strength"])
    scales = _kind_scales(kinds)
    base = alt.Chart(data).encode(
        y=alt.Y(
            "name:N",
            sort=list(data["name"]),
            title=None,
            axis=alt.Axis(**_focus_label(names.get(focus, focus) if focus else None)),
        ),
        x=alt.X("x:Q", scale=SCORE_SCALE, title=_("Score (0-100)"), axis=SCORE_AXIS),
        tooltip=tooltips(
            ("name", _("Country")),
            ("shown", _("Score")),
            ("origin", _("Where it comes from")),
            ("rank_text", _("Rank")),
            ("rank_origin", _("Rank from")),
        ),
    )
    legend = alt.Legend(orient="top", title=None)
    bars = base.transform_filter("!datum.missing").mark_bar(strokeWidth=1.5).encode(
        fill=alt.Fill("kind:N", scale=scales["fill"], legend=legend),
        stroke=alt.Stroke(
            "kind:N", scale=scales["stroke"], legend=legend, condition=_if("datum.focus", FOCUS)
        ),
        strokeDash=alt.StrokeDash("kind:N", scale=scales["dash"], legend=legend),
        strokeWidth=alt.StrokeWidthValue(1.5, condition=_if("datum.focus", 4)),
    )
    # An empty figure and a published one the current data contradict say it in words.
    labels = base.mark_text(align="left", dx=6, fontSize=FONT_SIZE, color=TEXT).encode(
        text=alt.Text("shown:N")
    )
    layers: list[alt.Chart] = [bars, labels]
    if reference is not None:
        rule = alt.Chart(pd.DataFrame({"x": [reference]}))
        layers.append(
            rule.mark_rule(color=FOCUS, strokeDash=[6, 4], strokeWidth=2).encode(x=alt.X("x:Q"))
        )
    description = _("Bar chart of {what}, one bar per country in rank order: {summary}.").format(
        what=what, summary=_summary(figures, names)
    )
    if reference is not None:
        description += " " + _("A dashed line marks {label}, {value}.").format(
            label=reference_label, value=score_text(reference)
        )
    chart = alt.LayerChart(layer=layers, height=alt.Step(BAND))
    return _configured(chart, description)


def heatmap(
    matrix: pd.DataFrame,
    row_names: Mapping[str, str],
    column_names: Mapping[str, str],
    what: str,
    *,
    focus: str | None = None,
) -> alt.LayerChart:
    """Codes (rows) by country (columns), coloured by score, with the numbers written in
    (stored indicator values as entered, other figures to one decimal); empty cells are grey
    and say why; illustrative numbers are in italics. Its width is fixed by the cells, so
    on a narrow screen it scrolls sideways inside its frame."""
    rows = [_wrapped(row_names.get(c, c)) for c in matrix["code"]]
    fills = [NO_DATA_COLOUR if pd.isna(s) else score_colour(float(s)) for s in matrix["score"]]
    data = matrix.assign(
        row=rows,
        name=[row_names.get(c, c) for c in matrix["code"]],
        column=_names(matrix, column_names),
        fill=fills,
        ink=[text_colour_on(f) for f in fills],
        label=[_cell_label(s, t) for s, t in zip(matrix["score"], matrix["shown"], strict=True)],
        italic=[o is not None and o.illustrative for o in matrix["origin_of"]],
        focus=matrix["country"] == focus,
    )[["row", "name", "column", "fill", "ink", "label", "shown", "origin", "italic", "focus"]]
    row_order = list(dict.fromkeys(rows))
    columns = sorted(set(data["column"]))
    focus_name = column_names.get(focus, focus) if focus else None
    base = alt.Chart(data).encode(
        x=alt.X(
            "column:N",
            title=None,
            sort=columns,
            axis=alt.Axis(orient="top", labelAngle=-40, labelOverlap=False,
                          **_focus_label(focus_name)),
        ),
        y=alt.Y(
            "row:N",
            title=None,
            sort=row_order,
            axis=alt.Axis(
                labelExpr="split(datum.label, '|')",
                labelFontSize=FONT_SIZE - 2,
                labelOverlap=False,
            ),
        ),
        tooltip=tooltips(
            ("name", _("Row")),
            ("column", _("Country")),
            ("shown", _("Score")),
            ("origin", _("Where it comes from")),
        ),
    )
    cells = base.mark_rect().encode(
        fill=alt.Fill("fill:N", scale=None),
        stroke=alt.StrokeValue("#ffffff", condition=_if("datum.focus", FOCUS)),
        strokeWidth=alt.StrokeWidthValue(1, condition=_if("datum.focus", 3)),
    )
    texts = [
        base.transform_filter(test)
        .mark_text(fontSize=FONT_SIZE - 1, lineBreak="\n", fontStyle=style)
        .encode(text=alt.Text("label:N"), color=alt.Color("ink:N", scale=None))
        for test, style in (("datum.italic", "italic"), ("!datum.italic", "normal"))
    ]
    description = _(
        "Heat map of {what}: {rows} rows by {columns} countries, darker for lower scores, "
        "with every number written in the cell; grey cells have no figure."
    ).format(what=what, rows=len(row_order), columns=len(columns))
    chart = alt.LayerChart(
        layer=[cells, *texts], width=alt.Step(CELL_WIDTH), height=alt.Step(CELL_HEIGHT)
    )
    return _configured(chart, description)


def _wrapped(name: str) -> str:
    lines = textwrap.wrap(name, ROW_LABEL_CHARACTERS)
    if len(lines) > 3:
        rest = textwrap.shorten(" ".join(lines[2:]), ROW_LABEL_CHARACTERS, placeholder="…")
        lines = [*lines[:2], rest]
    return "|".join(lines) or name


def _cell_label(score: object, shown: str) -> str:
    if pd.isna(score):  # type: ignore[call-overload]
        return _("no data") if shown == _("no data") else _("insufficient\ndata")
    return shown.split(" ")[0]


def profile_chart(
    own: pd.DataFrame,
    others: pd.DataFrame,
    names: Mapping[str, str],
    country_name: str,
) -> alt.LayerChart:
    """A country's figure per dimension as a dot, the average of the others as a diamond,
    each dimension's name written above its line so the chart keeps its width on a phone.
    A hollow dot is an illustrative figure."""
    average_name = _("Average of the other countries")
    mine = own.assign(
        series=country_name,
        value=own["score"],
        text=own["shown"],
        hollow=[o is None or o.illustrative for o in own["origin_of"]],
    )
    theirs = others.rename(columns={"average of others": "value", "others origin": "origin"})
    theirs = theirs.assign(
        series=average_name,
        text=[score_text(v) for v in theirs["value"]],
        hollow=False,
    )
    data = pd.concat(
        [
            mine[["code", "series", "value", "text", "origin", "hollow"]],
            theirs[["code", "series", "value", "text", "origin", "hollow"]],
        ]
    ).assign(name=lambda f: [names.get(c, c) for c in f["code"]])
    order = [names.get(c, c) for c in own["code"]]
    titles = own.assign(
        name=[names.get(c, c) for c in own["code"]],
        title=[f"{names.get(c, c)} · {t}" for c, t in zip(own["code"], own["shown"], strict=True)],
    )[["name", "title"]]
    y = alt.Y("name:N", sort=order, title=None, axis=None)
    x = alt.X("value:Q", scale=SCORE_SCALE, title=_("Score (0-100)"), axis=SCORE_AXIS)
    series_scale = alt.Scale(
        domain=[country_name, average_name], range=[KIND_FILL["published"], FOCUS]
    )
    series = alt.Color("series:N", title=None, scale=series_scale, legend=alt.Legend(orient="top"))
    points = (
        alt.Chart(data)
        .mark_point(size=240, strokeWidth=3, opacity=1)
        .encode(
            x=x,
            y=y,
            color=series,
            shape=alt.Shape(
                "series:N",
                scale=alt.Scale(domain=[country_name, average_name], range=["circle", "diamond"]),
                legend=None,
            ),
            fill=alt.Fill(
                "series:N",
                scale=series_scale,
                legend=None,
                condition=_if("datum.hollow", "#ffffff"),
            ),
            yOffset=alt.YOffsetValue(8),
            tooltip=tooltips(
                ("name", _("Dimension")),
                ("series", _("Who")),
                ("text", _("Score")),
                ("origin", _("Where it comes from")),
            ),
        )
    )
    captions = (
        alt.Chart(titles)
        .mark_text(align="left", baseline="bottom", dy=-4, fontSize=FONT_SIZE - 1, color=TEXT)
        .encode(x=alt.XValue(0), y=y, text=alt.Text("title:N"))
    )
    description = _(
        "Dot chart of {country}'s twelve dimension scores, each against the average of the "
        "other countries (diamonds); hollow dots are illustrative figures."
    ).format(country=country_name)
    chart = alt.LayerChart(layer=[captions, points], height=alt.Step(PROFILE_BAND))
    return _configured(chart, description)


def trend_chart(trend: pd.DataFrame, country_name: str) -> alt.LayerChart:
    """A country's overall figure in every round it took part in; hollow points and a
    dashed line where a figure is illustrative."""
    data = trend.dropna(subset=["score"]).assign(
        hollow=lambda f: f["strength"] == int(Strength.ILLUSTRATIVE)
    ).assign(year=lambda f: f["round"].astype(str))
    data = data[["year", "label", "score", "shown", "origin", "rank_text", "hollow"]]
    x = alt.X("year:N", sort=list(data["year"]), title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("score:Q", scale=SCORE_SCALE, title=_("Score (0-100)"), axis=SCORE_AXIS)
    tooltip = tooltips(
        ("label", _("Round")),
        ("shown", _("Score")),
        ("origin", _("Where it comes from")),
        ("rank_text", _("Rank")),
    )
    line = alt.Chart(data).mark_line(color=KIND_FILL["published"], strokeWidth=2.5, strokeDash=DASH)
    points = alt.Chart(data).mark_point(size=200, strokeWidth=3, color=KIND_FILL["published"])
    points = points.encode(
        x=x,
        y=y,
        fill=alt.FillValue(KIND_FILL["published"], condition=_if("datum.hollow", "#ffffff")),
        tooltip=tooltip,
    )
    labels = alt.Chart(data).mark_text(dy=-18, fontSize=FONT_SIZE, color=TEXT)
    description = _("Line chart of {country}'s overall score in each round: {values}.").format(
        country=country_name,
        values=", ".join(
            f"{r.label} {r.shown} ({r.origin})" for r in data.itertuples()
        ) or _("no figures"),
    )
    chart = alt.LayerChart(
        layer=[line.encode(x=x, y=y), points, labels.encode(x=x, y=y, text=alt.Text("shown:N"))],
        height=240,
    )
    return _configured(chart, description)


LABEL_GAP_PX = 19
SLOPE_HEIGHT = 560
# The later round sits a little past the middle, leaving room for the labels on its right.
SLOPE_DOMAIN = [-0.15, 1.9]


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
    changes: pd.DataFrame, names: Mapping[str, str], before: int, after: int, what: str,
    focus: str | None = None,
) -> alt.LayerChart:
    """Each country's figure in two rounds joined by a line, coloured by direction; a dashed
    line is an illustrative change (one of its ends is illustrative)."""
    shown = changes.dropna(subset=["before", "after"])
    common = {
        "name": _names(shown, names),
        "change_text": [signed_text(c) for c in shown["change"]],
        "dashed": shown["strength"] == int(Strength.ILLUSTRATIVE),
        "focus": shown["country"] == focus,
    }
    long = pd.concat(
        [
            shown.assign(**common, x=0.0, score=shown["before"], round=str(before)),
            shown.assign(**common, x=1.0, score=shown["after"], round=str(after)),
        ]
    ).assign(score_text=lambda f: [score_text(v) for v in f["score"]])
    long = long[["country", "name", "round", "x", "score", "score_text", "change_text",
                 "direction", "origin", "dashed", "focus"]]
    low = max(0.0, float(long["score"].min()) - 5) if len(long) else 0.0
    high = min(100.0, float(long["score"].max()) + 5) if len(long) else 100.0
    gap = (high - low) * LABEL_GAP_PX / SLOPE_HEIGHT
    ends = shown.assign(
        x=1.0,
        label_y=spread_labels([float(v) for v in shown["after"]], gap),
        label=[f"{n} {t}" for n, t in zip(common["name"], common["change_text"], strict=True)],
        focus=common["focus"],
    )[["x", "label_y", "label", "direction", "focus"]]
    colour = alt.Color(
        "direction:N",
        title=_("Change"),
        scale=alt.Scale(domain=list(DIRECTION_COLOURS), range=list(DIRECTION_COLOURS.values())),
        # The data keep the codes (up, down, flat); the legend says them in the reader's words.
        legend=alt.Legend(
            orient="top",
            labelExpr=f"{json.dumps({d: _(w) for d, w in DIRECTION_WORDS.items()})}[datum.label]",
        ),
    )
    x = alt.X(
        "x:Q",
        title=None,
        scale=alt.Scale(domain=SLOPE_DOMAIN),
        axis=alt.Axis(
            values=[0, 1],
            labelExpr=f"datum.value == 0 ? '{before}' : '{after}'",
            grid=False,
        ),
    )
    y_scale = alt.Scale(domain=[low, high])
    base = alt.Chart(long).encode(
        x=x,
        y=alt.Y("score:Q", scale=y_scale, title=_("Score (0-100)")),
        color=colour,
        detail=alt.Detail("country:N"),
        tooltip=tooltips(
            ("name", _("Country")),
            ("round", _("Round")),
            ("score_text", _("Score")),
            ("change_text", _("Change")),
            ("origin", _("Where it comes from")),
        ),
    )
    lines = base.mark_line().encode(
        strokeDash=alt.StrokeDashValue([1, 0], condition=_if("datum.dashed", DASH)),
        strokeWidth=alt.StrokeWidthValue(2.5, condition=_if("datum.focus", 5)),
    )
    label_base = alt.Chart(ends).encode(
        x=x, y=alt.Y("label_y:Q", scale=y_scale), color=colour, text=alt.Text("label:N")
    )
    labels = [
        label_base.transform_filter("datum.focus").mark_text(
            align="left", dx=12, fontSize=FONT_SIZE - 1, fontWeight="bold"
        ),
        label_base.transform_filter("!datum.focus").mark_text(
            align="left", dx=12, fontSize=FONT_SIZE - 1, fontWeight="normal"
        ),
    ]
    description = _(
        "Slope chart of {what} from {before} to {after}: one line per country, rising lines "
        "up, falling lines down; dashed lines are illustrative changes."
    ).format(what=what, before=before, after=after)
    chart = alt.LayerChart(
        layer=[lines, base.mark_point(size=90, filled=True), *labels], height=SLOPE_HEIGHT
    )
    return _configured(chart, description)
