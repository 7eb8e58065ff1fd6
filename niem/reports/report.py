"""The comparative report of a round: the Europe map, the overall ranking, one page per area,
the change since the previous round, the method and the sources, on A4 pages.

Numbers and their words come from `niem.explorer`, `niem.trends` and `niem.tables`, charts
from `niem.charts`, as on the pages. The page map is interactive; the report draws the same
values, colours and outlines as a static map (`niem.reports.europe`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd

from niem import charts, explorer, maps, methodology, tables, trends
from niem.explorer import Measure
from niem.facts import check_facts
from niem.i18n import _
from niem.provenance import rule_text
from niem.reports.europe import static_map
from niem.reports.pdf import ReportPdf, stamp_text
from niem.reports.sources import (
    ReportData,
    has_illustrative,
    illustrative_notice,
    own_name,
    sources_of,
)
from niem.store import RoundInfo


def _map_key() -> str:
    return _("Grey: insufficient data; light grey: not in this round; dashed outline: "
             "illustrative figure.")


def _headline_lines(summary: explorer.Headline, names: Mapping[str, str]) -> list[str]:
    lines = [_("Countries with a figure: {scored} of {total}").format(
        scored=summary.with_score, total=summary.countries)]
    for label, stat in ((_("Average"), summary.average), (_("Highest"), summary.highest),
                        (_("Lowest"), summary.lowest)):
        if stat is None:
            continue
        who = f" {names.get(stat.country, stat.country)}" if stat.country else ""
        lines.append(_("{label}: {value}{who} ({origin})").format(
            label=label, value=stat.text, who=who, origin=stat.provenance.words))
    return lines


def _ranking_table(figures: pd.DataFrame, data: ReportData) -> pd.DataFrame:
    table = tables.ranking_table(figures, data.catalogue)
    table[_("Country")] = [
        f"{name} ({own})" if (own := own_name(code)) and own != name else name
        for name, code in zip(table[_("Country")], table[_("Code")], strict=True)
    ]
    return table[[_("Rank"), _("Country"), _("Score"), _("Where it comes from"),
                  _("Rank from"), _("Coverage")]]


def _area_page(pdf: ReportPdf, data: ReportData, info: RoundInfo, area: str) -> None:
    catalogue = data.catalogue
    dimensions = [d for d, a in catalogue.dimension_area.items() if a == area]
    pdf.add_page()
    pdf.heading(_("{area}: its dimensions across countries").format(
        area=catalogue.areas[area]), 2)
    matrix = explorer.comparison_matrix(data.results, info.year, list(info.countries))
    matrix = matrix[matrix["code"].isin(dimensions)]
    if has_illustrative(matrix):
        pdf.paragraph(_("Numbers in italics are illustrative; grey cells have no figure."),
                      size=8, muted=True)
    chart = charts.heatmap(matrix, catalogue.dimensions, catalogue.countries,
                           catalogue.areas[area])
    pdf.chart(chart, width=pdf.epw, height=110)
    figures = explorer.figures_for(data.results, info.year, Measure("area", area), data.facts)
    pdf.heading(_("Area score by country"), 3)
    pdf.data_table(_ranking_table(figures, data), widths=(14, 32, 15, 40, 38, 22), size=6.5)


def _change_page(pdf: ReportPdf, data: ReportData, info: RoundInfo) -> None:
    pdf.add_page()
    earlier = [r.year for r in data.rounds if r.year < info.year]
    if not earlier:
        pdf.heading(_("Change since the previous round"), 2)
        pdf.paragraph(_("{round} is the first round: there is no earlier one to compare "
                        "with.").format(round=info.label))
        return
    before = earlier[-1]
    pdf.heading(_("Change in the overall score since {year}").format(year=before), 2)
    changes = trends.round_changes(data.results, before, info.year, Measure("overall"))
    if has_illustrative(changes):
        pdf.paragraph(_("Dashed lines are illustrative changes."), size=8, muted=True)
    chart = charts.slope_chart(changes, data.catalogue.countries, before, info.year,
                               _("the overall score"))
    pdf.chart(chart, width=120, height=105)
    pdf.data_table(tables.change_table(changes, data.catalogue), widths=(30, 12, 12, 12, 16, 50),
                   size=6.5)


def _method_page(pdf: ReportPdf, data: ReportData, info: RoundInfo) -> None:
    pdf.add_page()
    pdf.heading(_("Method"), 2)
    pdf.paragraph(methodology.METHOD_TEXT, size=8)
    pdf.paragraph(methodology.rounding_text(), size=8)
    pdf.paragraph(rule_text(), size=8)
    pdf.heading(_("Sources"), 2)
    published = [f for f in data.published if f.round_year == info.year]
    if published:
        table = tables.published_table(published, data.catalogue)
        shown = table[[_("Country"), _("Figure"), _("Score"), _("Source")]]
        pdf.data_table(shown, widths=(22, 30, 13, 87), size=6.5)
    else:
        pdf.paragraph(_("No figure of this round has been published; every figure here is "
                        "computed from the data in the store."), size=8)
    checks = check_facts([f for f in data.facts if f.round_year == info.year], data.results)
    if checks:
        pdf.heading(_("Published statements about this round"), 3)
        pdf.bullets([f"{c.fact.statement} ({c.fact.source_url})" for c in checks], size=7.5)
    sources = sources_of(data.published, info.year)
    pdf.paragraph(_("{count} sources of published figures for this round.").format(
        count=len(sources)), size=7, muted=True)


def build_report(data: ReportData, round_year: int, generated: datetime | None = None) -> bytes:
    """The comparative report of a round, as PDF bytes."""
    info = data.round_info(round_year)
    names = data.catalogue.countries
    figures = explorer.figures_for(data.results, round_year, Measure("overall"), data.facts)
    stamp = stamp_text(info.label, generated or datetime.now(UTC), data.version)
    pdf = ReportPdf(_("NIEM comparative report, {round}").format(round=info.label), stamp)
    pdf.add_page()
    pdf.heading(_("Refugee integration in Europe: {round}").format(round=info.label))
    pdf.paragraph(
        _("Comparative report of the National Integration Evaluation Mechanism (NIEM) for "
          "{count} countries. Situation as of {situation}; published {published}. Scores from "
          "0 (least) to 100 (most favourable).").format(
            count=len(info.countries), situation=info.situation, published=info.published),
        muted=True,
    )
    dimensions = explorer.comparison_matrix(data.results, round_year, list(info.countries))
    if has_illustrative(figures, dimensions):
        pdf.notice(illustrative_notice())
    frame = {c for r in data.rounds for c in r.countries} | set(maps.FRAME)
    values = explorer.map_values(figures, info, data.catalogue)
    pdf.chart(static_map(values, frame), width=160, height=160)
    pdf.paragraph(_map_key(), size=7.5, muted=True)
    pdf.bullets(_headline_lines(explorer.headline(figures), names))

    pdf.add_page()
    pdf.heading(_("Overall ranking"), 2)
    if figures["score"].notna().any():
        chart = charts.ranking_chart(figures, names, _("the overall score")).properties(width=520)
        pdf.chart(chart, width=140, height=105)
    pdf.data_table(_ranking_table(figures, data), widths=(14, 34, 26, 40, 40, 22), size=6.5)
    for area in data.catalogue.areas:
        _area_page(pdf, data, info, area)
    _change_page(pdf, data, info)
    _method_page(pdf, data, info)
    return bytes(pdf.output())
