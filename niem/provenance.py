"""Where a number comes from, in words a reader understands, and the rule for derived numbers.

Every figure is one of four kinds, strongest first: a published figure (with its source),
expert data a partner submitted (an indicator value from a revision), a figure computed from
expert data, and illustrative data. A number derived from others (a change, rank, average,
highest or lowest, mover or gap) is only as strong as its weakest input: `weakest` decides
it, and every page, table, chart, export note and report takes its words from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from urllib.parse import urlsplit

from niem.i18n import _, day_text


class Strength(IntEnum):
    """How far a number can be trusted: published > expert data > computed > illustrative."""

    ILLUSTRATIVE = 0
    COMPUTED = 1
    PARTNER = 2
    PUBLISHED = 3


@dataclass(frozen=True)
class Provenance:
    """Where a number comes from: its strength, the words for it, and a published source."""

    strength: Strength
    words: str
    source: str = ""
    # Among computed figures the least covered is the weakest.
    coverage: float = 1.0

    @property
    def kind(self) -> str:
        """A one- or two-word name of the strength, for legends and colour keys."""
        return kind_label(self.strength)

    @property
    def illustrative(self) -> bool:
        return self.strength == Strength.ILLUSTRATIVE


def rule_text() -> str:
    """The provenance rule in words, for the methodology page."""
    return _(
        "Every number says where it comes from: a published figure (with its source), expert "
        "data from a partner's revision, a figure computed from expert data, or illustrative "
        "data. A number derived from others (a change, rank, average, highest or lowest, "
        "mover or gap) is only as strong as its weakest input, and is labelled so; a rank "
        "that a published report states is shown as published, with its source."
    )


def kind_label(strength: Strength) -> str:
    """'published', 'expert data', 'computed' or 'illustrative'."""
    labels = {
        Strength.PUBLISHED: _("published"),
        Strength.PARTNER: _("expert data"),
        Strength.COMPUTED: _("computed"),
        Strength.ILLUSTRATIVE: _("illustrative"),
    }
    return labels[strength]


def source_name(url: str) -> str:
    """The site a source lives on, as a reader would say it: 'diversitygroup.lt'."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def published(source_url: str) -> Provenance:
    """A published figure: 'published figure, source diversitygroup.lt'."""
    words = _("published figure, source {source}").format(source=source_name(source_url))
    return Provenance(Strength.PUBLISHED, words, source_url)


def published_rank(source_url: str) -> Provenance:
    """A rank a published report states: 'published rank, source lastampa.it'."""
    words = _("published rank, source {source}").format(source=source_name(source_url))
    return Provenance(Strength.PUBLISHED, words, source_url)


def partner(revision: int, country: str, published_on: str = "") -> Provenance:
    """An expert's value: 'expert data, revision 2, LV, 2026-11-20' (the day it was
    published, in Latvian '2026. gada 20. novembris')."""
    if published_on:
        words = _("expert data, revision {revision}, {country}, {date}").format(
            revision=revision, country=country, date=day_text(date.fromisoformat(published_on))
        )
    else:
        words = _("expert data, revision {revision}, {country}").format(
            revision=revision, country=country
        )
    return Provenance(Strength.PARTNER, words)


def computed(covered: int, total: int) -> Provenance:
    """A figure computed from expert data: 'computed from 9 of 10 indicators'."""
    words = _("computed from {covered} of {total} indicators").format(
        covered=covered, total=total
    )
    return Provenance(Strength.COMPUTED, words, coverage=covered / total if total else 0.0)


def illustrative() -> Provenance:
    """Illustrative data, or anything computed from it: 'illustrative'."""
    return Provenance(Strength.ILLUSTRATIVE, _("illustrative"))


def of_figure(
    code: str,
    covered: int,
    total: int,
    *,
    country: str = "",
    source: str = "",
    revised: str = "",
) -> Provenance | None:
    """The provenance of one row of the figures table, from its `provenance` code
    (`published`, `computed`, `illustrative`, `revision:N`; a value carried over from a round
    has `carried:YEAR:` before its code, a figure computed over such values `with-carried:YEAR:`);
    None when it has no value."""
    if code.startswith(("carried:", "with-carried:")):
        marker, year, original = code.split(":", 2)
        origin = of_figure(
            original, covered, total, country=country, source=source, revised=revised
        )
        if origin is None:
            return None
        if marker == "with-carried":
            words = _("{origin}, including values carried over from {year}").format(
                origin=origin.words, year=year
            )
            return Provenance(origin.strength, words, origin.source, origin.coverage)
        return carried_over(int(year), origin)
    if code == "published":
        return published(source)
    if code == "computed":
        return computed(covered, total)
    if code == "illustrative":
        return illustrative()
    if code.startswith("revision:"):
        return partner(int(code.removeprefix("revision:")), country, revised)
    return None


def carried_over(from_year: int, origin: Provenance) -> Provenance:
    """A value carried over from an earlier round as the starting point of this one: as strong
    as it was, and saying so first: 'carried over from 2021 · illustrative'."""
    words = _("carried over from {year} · {origin}").format(year=from_year, origin=origin.words)
    return Provenance(origin.strength, words, origin.source, origin.coverage)


def weakest(inputs: Iterable[Provenance]) -> Provenance:
    """The provenance of a number derived from others: that of its weakest input.

    Published inputs from several sources make a number 'from published figures'.
    """
    items = list(inputs)
    if not items:
        raise ValueError("a derived number needs at least one input")
    low = min(items, key=lambda p: (p.strength, p.coverage))
    if low.strength == Strength.PUBLISHED and len({p.source for p in items}) > 1:
        return Provenance(Strength.PUBLISHED, _("from published figures"))
    return low
