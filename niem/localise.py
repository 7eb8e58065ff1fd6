"""The framework's names in the reader's language, for display.

Areas, dimensions, steps, rounds and indicators take the translated columns of the data
files (`name_lv`…); an indicator title with no translation is shown in English and marked so.
Country names come from pycountry's own `iso3166-1` catalogs, and from Babel's territory
names (CLDR) where pycountry has none (it has no Latvian name for Czechia).
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError

from niem.countries import country_name
from niem.i18n import DEFAULT_LANGUAGE, _, using_language
from niem.store import Catalogue, RoundInfo

# (language, kind, code, field) -> text, as `store.load_local_names` reads them.
LocalNames = Mapping[tuple[str, str, str, str], str]


@cache
def _pycountry_names(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name_in(code: str, language: str) -> str:
    """A country's name in `language`: 'Latvija', 'Čehija'; English if neither catalog has it."""
    english = country_name(code)
    if language == DEFAULT_LANGUAGE:
        return english
    country = pycountry.countries.get(alpha_2=code)
    if country is not None:
        local = _pycountry_names(language).gettext(country.name)
        if local != country.name:
            return local
    try:
        return str(Locale.parse(language).territories.get(code, english))
    except UnknownLocaleError:
        return english


def sort_key(name: str) -> str:
    """Names in alphabetical order whatever their diacritics ('Čehija' among the C's)."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def localised_catalogue(catalogue: Catalogue, names: LocalNames, language: str) -> Catalogue:
    """The catalogue with every name it can give in `language`; untranslated indicator
    titles stay English with a mark."""
    if language == DEFAULT_LANGUAGE:
        return catalogue

    def local(kind: str, code: str, field: str, english: str) -> str:
        return names.get((language, kind, code, field), english)

    def named(kind: str, table: Mapping[str, str], field: str = "name") -> dict[str, str]:
        return {code: local(kind, code, field, text) for code, text in table.items()}

    with using_language(language):
        untranslated = _("{title} (in English)")
    countries = {code: country_name_in(code, language) for code in catalogue.countries}
    indicators = {
        code: indicator.model_copy(
            update={
                "title": names.get(
                    (language, "indicator", code, "title"),
                    untranslated.format(title=indicator.title),
                ),
                "description": local("indicator", code, "description", indicator.description),
            }
        )
        for code, indicator in catalogue.indicators.items()
    }
    return replace(
        catalogue,
        countries=dict(sorted(countries.items(), key=lambda item: sort_key(item[1]))),
        areas=named("area", catalogue.areas),
        dimensions=named("dimension", catalogue.dimensions),
        dimension_descriptions=named("dimension", catalogue.dimension_descriptions, "description"),
        steps=named("step", catalogue.steps),
        step_descriptions=named("step", catalogue.step_descriptions, "description"),
        indicators=indicators,
    )


def localised_rounds(
    rounds: Sequence[RoundInfo], names: LocalNames, language: str
) -> list[RoundInfo]:
    """The rounds with their labels and situations in `language` where the data give them."""
    return [
        replace(
            r,
            label=names.get((language, "round", str(r.year), "label"), r.label),
            situation=names.get((language, "round", str(r.year), "situation"), r.situation),
        )
        for r in rounds
    ]
