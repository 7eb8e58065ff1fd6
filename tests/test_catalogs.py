"""The catalogs: up to date with the code, and every message translated in every language.

Like a lint: the test extracts the messages from the code as `make messages` does and names
every message that is missing, left over or untranslated (run `make messages`, then translate).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from niem import i18n
from niem.config import PROJECT_ROOT

KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TRANSLATED_LANGUAGES = [code for code in i18n.available_languages() if code != "en"]


def messages_in_code() -> set[str]:
    """Every message id the code marks, as `make messages` extracts it."""
    found = [
        message
        for _, message, _, _ in extract_from_file("python", PROJECT_ROOT / "app.py", KEYWORDS)
    ]
    for folder in ("app_pages", "niem"):
        found += [
            entry[2]
            for entry in extract_from_dir(
                PROJECT_ROOT / folder, [("**.py", "python")], KEYWORDS
            )
        ]
    return {m[0] if isinstance(m, tuple) else m for m in found}


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language)


def catalog_ids(catalog: Catalog) -> set[str]:
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}


def test_the_template_holds_exactly_the_messages_in_the_code() -> None:
    in_code = messages_in_code()
    in_template = catalog_ids(read_catalog(i18n.LOCALE_DIR / "niem.pot"))
    missing, left_over = sorted(in_code - in_template), sorted(in_template - in_code)
    assert (missing, left_over) == ([], []), "run `make messages`"


def test_latvian_is_a_translated_catalog() -> None:
    assert "lv" in TRANSLATED_LANGUAGES


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_has_a_translation_with_no_unknown_placeholder(language: str) -> None:
    catalog = read_catalog(i18n.LOCALE_DIR / language / "LC_MESSAGES" / "niem.po", language)
    missing_ids = sorted(messages_in_code() - catalog_ids(catalog))
    untranslated, wrong_placeholders = [], []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(ids[0])
            continue
        # A translation may leave a placeholder out (Latvian has no articles), never add one.
        allowed = set(PLACEHOLDER.findall(ids[-1]))
        if any(not set(PLACEHOLDER.findall(text)) <= allowed for text in strings):
            wrong_placeholders.append(ids[0])
    assert (missing_ids, untranslated, wrong_placeholders) == ([], [], [])


def test_the_latvian_catalog_uses_the_gnu_plural_forms() -> None:
    # msgstr[0] is 1, 21, 101…; [1] is 2, 11, 111…; [2] is 0 (Babel's own `init` header differs).
    catalog = read_catalog(i18n.LOCALE_DIR / "lv" / "LC_MESSAGES" / "niem.po", "lv")
    assert (catalog.num_plurals, catalog.plural_expr) == (
        3,
        "(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2)",
    )
