"""Country codes: ISO 3166 alpha-2 in the store, the spellings partners send accepted."""

from __future__ import annotations

import pycountry

# EU statistics write Greece as EL and the United Kingdom as UK.
ALIASES = {"EL": "GR", "UK": "GB"}

EUROPEAN_CODES = (
    "AD AL AM AT AZ BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IS IT LI LT "
    "LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM TR UA VA XK"
).split()

SHORT_NAMES = {
    "CZ": "Czechia",
    "GB": "United Kingdom",
    "MD": "Moldova",
    "RU": "Russia",
    "TR": "Türkiye",
    "VA": "Holy See",
    "XK": "Kosovo",
}


def country_name(code: str) -> str:
    """The English short name of an ISO alpha-2 code."""
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", country.name))


def resolve_country(text: str) -> str | None:
    """The ISO alpha-2 code for a code, alias, alpha-3 code or English name; None if unknown."""
    cleaned = text.strip()
    # ISO's numeric codes (428 for Latvia) are not accepted: nobody reads them at a glance.
    if not cleaned or cleaned.isdigit():
        return None
    upper = cleaned.upper()
    if upper in ALIASES:
        return ALIASES[upper]
    if upper == "XK" or cleaned.casefold() == "kosovo":
        return "XK"
    for code, name in SHORT_NAMES.items():
        if cleaned.casefold() == name.casefold():
            return code
    try:
        country = pycountry.countries.lookup(cleaned)
    except LookupError:
        return None
    return str(country.alpha_2)


def european_countries() -> list[tuple[str, str]]:
    """Every European country the store accepts, as (code, name)."""
    return [(code, country_name(code)) for code in EUROPEAN_CODES]
