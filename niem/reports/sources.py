"""What a report is made from: the store's data at one version, read once, and the words
both reports share (a country's own name, the illustrative notice, the provenance rule)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd
from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from sqlmodel import Session

from niem import store
from niem.errors import UnknownChoice
from niem.facts import Fact
from niem.i18n import DEFAULT_LANGUAGE, _
from niem.localise import localised_catalogue, localised_rounds
from niem.models import PublishedFigure
from niem.practices import PracticeRecord, current_practices
from niem.provenance import Strength
from niem.results import load_results
from niem.store import Catalogue, RoundInfo

Version = tuple[int, int, str]


@dataclass(frozen=True)
class ReportData:
    """Everything the reports read, at one data version."""

    results: pd.DataFrame
    catalogue: Catalogue
    rounds: list[RoundInfo]
    facts: list[Fact]
    published: list[PublishedFigure]
    practices: list[PracticeRecord]
    version: Version

    def round_info(self, year: int) -> RoundInfo:
        """The round of that year, or UnknownChoice naming the rounds there are."""
        for info in self.rounds:
            if info.year == year:
                return info
        known = ", ".join(str(r.year) for r in self.rounds)
        raise UnknownChoice(f"there is no round {year}; choose one of {known}")


def load_report_data(session: Session, language: str = DEFAULT_LANGUAGE) -> ReportData:
    """The store's data as the reports read it, with names in `language`."""
    names = store.load_local_names(session)
    return ReportData(
        results=load_results(session),
        catalogue=localised_catalogue(store.load_catalogue(session), names, language),
        rounds=localised_rounds(store.load_rounds(session), names, language),
        facts=store.load_published_facts(session),
        published=store.load_published_figures(session),
        practices=current_practices(session),
        version=store.data_version(session),
    )


@cache
def own_name(code: str) -> str:
    """A country's name in its first official language ('Latvija', 'Česko'); '' if unknown."""
    for language in get_official_languages(code):
        try:
            return str(Locale.parse(language).territories.get(code, ""))
        except (UnknownLocaleError, ValueError):
            continue
    return ""


def country_title(code: str, names: dict[str, str]) -> str:
    """'Czechia (Česko)': the reader's name and, when it differs, the country's own."""
    name = names.get(code, code)
    own = own_name(code)
    return f"{name} ({own})" if own and own != name else name


def has_illustrative(*frames: pd.DataFrame) -> bool:
    """Whether any figure in the frames is illustrative or rests on one."""
    return any(
        (frame["strength"] == int(Strength.ILLUSTRATIVE)).any()
        for frame in frames
        if "strength" in frame
    )


def illustrative_notice() -> str:
    """What a report says wherever it shows an illustrative figure."""
    return _(
        "Illustrative data: the indicator scores are generated for demonstration, and so is "
        "every score, rank, average or change computed from them. Only figures marked "
        "“published” are real NIEM results, with their sources."
    )


def sources_of(
    published: Sequence[PublishedFigure], year: int, country: str | None = None
) -> list[str]:
    """The distinct sources of a round's published figures (of one country), in order."""
    urls = (
        f.source_url
        for f in published
        if f.round_year == year and f.source_url and country in (None, f.country_code)
    )
    return list(dict.fromkeys(urls))
