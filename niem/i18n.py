"""The one translation function: gettext catalogs managed with Babel, one language per run.

Catalogs live in `locale/<language>/LC_MESSAGES/niem.po` and are compiled in memory the first
time a language is used; `make messages` extracts the messages from the code into
`locale/niem.pot` and updates every catalog. The app's frame chooses the language for each
script run, so two visitors reading in different languages never see each other's words.
Numbers and dates on screen are written in the reader's convention (`50,7` in Latvian);
machine outputs (CSV, XLSX, the command line) never go through these helpers.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, lru_cache
from io import BytesIO

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from niem.config import PROJECT_ROOT

DOMAIN = "niem"
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = PROJECT_ROOT / "locale"

_language: ContextVar[str] = ContextVar("niem_language", default=DEFAULT_LANGUAGE)


def available_languages() -> tuple[str, ...]:
    """English, then every language that has a catalog."""
    catalogs = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (DEFAULT_LANGUAGE, *(c for c in catalogs if c != DEFAULT_LANGUAGE))


def current_language() -> str:
    """The language of this run (or command)."""
    return _language.get()


def set_language(language: str) -> None:
    """Use `language` for the rest of this run; unknown languages fall back to English."""
    _language.set(language if language in available_languages() else DEFAULT_LANGUAGE)


@contextmanager
def using_language(language: str) -> Iterator[None]:
    """Use `language` inside the block only (reports and tests)."""
    token = _language.set(language if language in available_languages() else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


@cache
def _translations(language: str) -> gettext.NullTranslations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the reader's language (English when no translation exists)."""
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message that fits `count` in the reader's language."""
    return _translations(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a module-level constant for extraction; translate it with `_` where it is shown."""
    return message


def language_name(language: str) -> str:
    """A language's name in itself, as a label: 'English', 'Latviešu'."""
    name = str(Locale.parse(language).display_name or language)
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=16_384)
def _decimal(value: float, pattern: str | None, language: str) -> str:
    # Remembered: a page writes the same few hundred scores many times, at 50 µs each.
    return format_decimal(value, format=pattern, locale=language)


def decimal_text(value: float) -> str:
    """A number as entered, in the reader's convention: '33.3', in Latvian '33,3'."""
    return _decimal(value, None, current_language())


def number_text(value: float, digits: int = 1, *, trailing_zeros: bool = True) -> str:
    """A number to `digits` decimals in the reader's convention: '50.7', '50,7', '1 234,5'
    ('5' rather than '5.0' without `trailing_zeros`)."""
    pattern = "#,##0" + ("." + ("0" if trailing_zeros else "#") * digits if digits > 0 else "")
    return _decimal(value, pattern, current_language())


def count_text(count: int) -> str:
    """A whole number with the reader's thousands separator: '10,000', '10 000'."""
    return _decimal(count, "#,##0", current_language())


def day_text(moment: date | datetime) -> str:
    """A day as the app writes it: '2026-11-27' in English, the long date in other
    languages ('2026. gada 27. novembris')."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day.isoformat() if current_language() == DEFAULT_LANGUAGE else date_text(day)


def date_text(moment: date | datetime) -> str:
    """A date in words as the reader writes it: '27 November 2026', '2026. gada 27. novembris'."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return format_date(day, format="long", locale=current_language())
