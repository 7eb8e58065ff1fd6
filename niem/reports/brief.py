"""The national brief: one country in one round on two A4 pages, with the numbers, words and
provenance of the country profile (the same `niem.explorer` and `niem.tables` functions)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from niem import charts, explorer, practice_tables, tables
from niem.errors import UnknownChoice
from niem.explorer import CountryProfile
from niem.i18n import _
from niem.provenance import rule_text
from niem.reports.pdf import ReportPdf, stamp_text
from niem.reports.sources import (
    ReportData,
    country_title,
    has_illustrative,
    illustrative_notice,
    sources_of,
)
from niem.wording import score_text, signed_text

LOWEST_INDICATORS = 3


def overall_text(profile: CountryProfile) -> str:
    """The overall figure exactly as the profile's headline shows it."""
    row = profile.overall
    return str(row["shown"]) if pd.isna(row["score"]) else score_text(row["score"])


def lowest_indicators(
    data: ReportData, round_year: int, country: str, count: int = LOWEST_INDICATORS
) -> pd.DataFrame:
    """The country's lowest-scoring scored indicators of the round, lowest first."""
    indicators = explorer.indicator_table(
        data.results,
        data.catalogue,
        round_year,
        dimensions=list(data.catalogue.dimensions),
        countries=[country],
    )
    scored = indicators[indicators["scored"]].dropna(subset=["score"])
    return scored.sort_values(["score", "code"], kind="stable").head(count)


def _headline_lines(profile: CountryProfile, data: ReportData) -> list[str]:
    row = profile.overall
    lines = [
        _("Overall score: {score} ({origin})").format(
            score=overall_text(profile), origin=row["origin"] or _("no figure")
        ),
        _("Rank: {rank} ({origin})").format(
            rank=row["rank_text"], origin=row["rank_origin"] or _("not ranked")
        ),
    ]
    if row["differs"]:
        lines.append(str(row["shown"]))
    change = profile.overall_change
    if change is not None:
        lines.append(
            _("Change since {year}: {change} ({origin})").format(
                year=profile.previous, change=signed_text(change.value),
                origin=change.provenance.words,
            )
        )
    elif profile.previous is None:
        lines.append(_("No earlier round of this country to compare with."))
    for step in profile.steps.itertuples():
        lines.append(
            _("{step}: {score} ({origin})").format(
                step=data.catalogue.steps.get(step.code, step.code),
                score=step.shown,
                origin=step.origin or _("no figure"),
            )
        )
    return lines


def _dimension_lines(dimensions: pd.DataFrame, data: ReportData) -> list[str]:
    return [
        f"{row.shown} · {data.catalogue.dimensions.get(row.code, row.code)} ({row.origin})"
        for row in dimensions.itertuples()
    ] or [_("No dimension has enough data.")]


def _dimension_table(profile: CountryProfile, data: ReportData) -> pd.DataFrame:
    table = tables.profile_table(profile, data.catalogue)
    return table.drop(columns=[_("Coverage"), _("Direction")], errors="ignore")


def _indicator_lines(lowest: pd.DataFrame) -> list[str]:
    if lowest.empty:
        return [_("No scored indicator has a value.")]
    lines = []
    for row in lowest.itertuples():
        line = _("{code} {title}: {score} ({origin})").format(
            code=row.code, title=row.indicator, score=row.shown, origin=row.origin
        )
        note = str(row.note or "").strip()
        lines.append(line + (" — " + _("note: {note}").format(note=note) if note else ""))
    return lines


def _practice_groups(
    data: ReportData, round_year: int, country: str
) -> list[tuple[str, list[str]]]:
    """Per weak dimension, its leaders' published practices in words."""
    names = data.catalogue.countries
    groups = []
    for link in practice_tables.gap_links(data.results, data.practices, round_year, country):
        lines = [
            _("“{title}”, {organisation}, {countries}, {years}; {country} scores {score} here "
              "({origin}){label}").format(
                title=practice.title,
                organisation=practice.organisation,
                countries=practice_tables.names(practice.countries, names),
                years=practice_tables.years_text(practice),
                country=names.get(leader.country, leader.country),
                score=score_text(leader.score),
                origin=leader.origin,
                label=f" — {label}" if (label := practice_tables.illustrative_text(practice))
                else "",
            )
            for practice, leader in link.practices
        ] or [_("No published practice yet from the countries that score better.")]
        groups.append((data.catalogue.dimensions.get(link.dimension, link.dimension), lines))
    return groups


def build_brief(
    data: ReportData, round_year: int, country: str, generated: datetime | None = None
) -> bytes:
    """The national brief of a country in a round, as PDF bytes."""
    info = data.round_info(round_year)
    if country not in info.countries:
        raise UnknownChoice(
            f"{country} is not in round {round_year}; its countries are "
            f"{', '.join(info.countries)}"
        )
    profile = explorer.country_profile(data.results, data.rounds, round_year, country, data.facts)
    names = data.catalogue.countries
    name = names.get(country, country)
    lowest = lowest_indicators(data, round_year, country)
    stamp = stamp_text(info.label, generated or datetime.now(UTC), data.version)
    pdf = ReportPdf(_("NIEM brief: {country}, {round}").format(country=name, round=info.label),
                    stamp)
    pdf.add_page()
    pdf.heading(_("{country}: {round}").format(country=country_title(country, names),
                                               round=info.label))
    pdf.paragraph(
        _("National brief of the National Integration Evaluation Mechanism (NIEM). Situation "
          "as of {situation}; published {published}. Scores from 0 (least) to 100 (most "
          "favourable).").format(situation=info.situation, published=info.published),
        muted=True,
    )
    if has_illustrative(profile.figures, profile.trend, lowest):
        pdf.notice(illustrative_notice())
    pdf.bullets(_headline_lines(profile, data), size=10)
    pdf.heading(_("Strongest dimensions"), 3)
    pdf.bullets(_dimension_lines(profile.strongest, data))
    pdf.heading(_("Weakest dimensions"), 3)
    pdf.bullets(_dimension_lines(profile.weakest, data))
    if profile.dimensions["score"].notna().any():
        chart = charts.profile_chart(profile.dimensions, profile.others, data.catalogue.dimensions,
                                     name).properties(width=520)
        pdf.chart(chart, width=150, height=pdf.h - pdf.get_y() - 22)
        pdf.paragraph(_("A hollow dot is an illustrative figure; the table on the next page says "
                        "where each comes from."), size=7.5, muted=True)

    pdf.add_page()
    pdf.heading(_("The twelve dimensions against the average of the others"), 2)
    pdf.data_table(_dimension_table(profile, data), widths=(30, 13, 21, 13, 21, 12, 21), size=6.5)
    pdf.heading(_("The three lowest-scoring indicators"), 2)
    pdf.bullets(_indicator_lines(lowest), size=8)
    pdf.heading(_("Practices from countries that do better on the weakest dimensions"), 2)
    groups = _practice_groups(data, round_year, country)
    for dimension, lines in groups:
        pdf.paragraph(dimension, size=8.5, bold=True)
        pdf.bullets(lines, size=8)
    if not groups:
        pdf.paragraph(_("No dimension has enough data to find the weakest."), size=8)
    pdf.heading(_("Where the numbers come from"), 2)
    pdf.paragraph(rule_text(), size=7.5)
    sources = sources_of(data.published, round_year, country)
    if sources:
        pdf.paragraph(_("Sources of {country}'s published figures: {sources}").format(
            country=name,
            sources=" · ".join(sources)), size=7, muted=True)
    return bytes(pdf.output())
