"""The translation function: catalogs compiled on first use, one language per run."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from niem import i18n

LATVIAN_CATALOG = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);\n"

msgid "Country"
msgstr "Valsts"

msgid "{count} score"
msgid_plural "{count} scores"
msgstr[0] "{count} vērtējums"
msgstr[1] "{count} vērtējumi"
msgstr[2] "{count} vērtējumu"
"""


@pytest.fixture
def latvian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "lv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "niem.po").write_text(LATVIAN_CATALOG, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._translations.cache_clear()
    yield
    i18n._translations.cache_clear()


def test_english_is_always_available_and_messages_pass_through() -> None:
    assert i18n.available_languages()[0] == "en"
    with i18n.using_language("en"):
        assert i18n._("Country") == "Country"
        assert i18n.ngettext("{count} score", "{count} scores", 2) == "{count} scores"


def test_a_catalog_translates_messages_and_latvian_plurals(latvian: None) -> None:
    assert i18n.available_languages() == ("en", "lv")
    with i18n.using_language("lv"):
        assert i18n._("Country") == "Valsts"
        forms = [i18n.ngettext("{count} score", "{count} scores", n) for n in (1, 2, 11, 21, 0)]
    assert forms == [
        "{count} vērtējums",
        "{count} vērtējumi",
        "{count} vērtējumi",
        "{count} vērtējums",
        "{count} vērtējumu",
    ]


def test_an_untranslated_message_and_an_unknown_language_fall_back_to_english(
    latvian: None,
) -> None:
    with i18n.using_language("lv"):
        assert i18n._("Round") == "Round"
    with i18n.using_language("xx"):
        assert i18n.current_language() == "en"
        assert i18n._("Country") == "Country"


def test_each_thread_keeps_its_own_language(latvian: None) -> None:
    seen: dict[str, str] = {}

    def read(language: str) -> None:
        i18n.set_language(language)
        seen[language] = i18n._("Country")

    threads = [threading.Thread(target=read, args=(code,)) for code in ("lv", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"lv": "Valsts", "en": "Country"}
    assert i18n.current_language() == "en"


def test_numbers_and_dates_are_written_in_the_readers_convention() -> None:
    from datetime import UTC, date, datetime

    from niem.wording import moment_text, score_text, signed_text, value_text

    moment = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)
    with i18n.using_language("en"):
        english = [score_text(50.65), signed_text(-7.25), value_text(33.3), moment_text(moment)]
        assert i18n.date_text(date(2026, 11, 27)) == "November 27, 2026"
    with i18n.using_language("lv"):
        latvian = [score_text(50.65), signed_text(-7.25), value_text(33.3), moment_text(moment)]
        assert i18n.date_text(date(2026, 11, 27)) == "2026. gada 27. novembris"
        assert i18n.count_text(10000) == "10\xa0000"
    assert english == ["50.7", "-7.3", "33.3", "2026-11-27 14:05 UTC"]
    assert latvian == ["50,7", "-7,3", "33,3", "2026. gada 27. novembris, 14:05 UTC"]


def test_code_outside_the_app_runs_in_latvian_inside_using_language() -> None:
    # What a PDF brief or a command needs: domain wording with no Streamlit around it.
    from niem.provenance import partner
    from niem.wording import empty_text, rank_text

    with i18n.using_language("lv"):
        words = [
            rank_text(8, 14),
            rank_text(13, 14, joint=True),
            empty_text(1, 3),
            partner(2, "LV", "2026-11-20").words,
        ]
    assert words == [
        "8. no 14",
        "dalīta 13. vieta no 14",
        "nepietiekami dati (1 no 3 indikatoriem)",
        "ekspertu dati, pārskatījums 2, LV, 2026. gada 20. novembris",
    ]
    assert i18n.current_language() == "en"
