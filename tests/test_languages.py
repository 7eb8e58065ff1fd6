"""Every page in Latvian, and in a pseudo-language that marks every translated string.

The pseudo-language finds text left out of the catalogs: every message the translation
function returns is wrapped in ⟦…⟧, so whatever a page shows outside the markers must be data
(names, numbers, notes, sources, codes). Esperanto stands in for it: Babel knows its number
conventions and the app has no catalog for it.
"""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from niem import i18n, practices, store
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.localise import localised_catalogue
from niem.models import Revision, Score, User
from niem.ui import language
from tests.test_partner_pages import _database, _use, open_page

PSEUDO = "eo"
EXPLORER_PAGES = [
    "app_pages/home.py",
    "app_pages/compare.py",
    "app_pages/policy-areas.py",
    "app_pages/rounds.py",
    "app_pages/country.py",
    "app_pages/practices.py",
    "app_pages/methodology.py",
    "app_pages/history.py",
    "app_pages/sign-in.py",
]
# Pages for a signed-in account: the coordinator sees the most.
PARTNER_PAGES = [
    "app_pages/submit.py",
    "app_pages/review.py",
    "app_pages/accounts.py",
    "app_pages/manage-rounds.py",
]
# Proto fields that hold no text a reader sees.
NOT_SHOWN = {"id", "key", "form_id", "icon", "page_script_hash", "url_path", "css", "type",
             "default", "format", "page", "placeholder_icon", "html", "data", "spec", "datasets",
             "query_string", "page_name", "menu_items", "theme", "emoji", "url", "anchor",
             "autocomplete", "deferred_file_id", "shortcut"}
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")
WORD = re.compile(r"[^\W\d_]{2,}")


class PseudoTranslations(gettext.NullTranslations):
    """Every message wrapped in markers."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"


@pytest.fixture(scope="module")
def partner_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database(tmp_path_factory.mktemp("languages"))[0]


@pytest.fixture
def shipped(partner_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _use(partner_url, monkeypatch)
    yield


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = i18n._translations
    languages = (*i18n.available_languages(), PSEUDO)
    monkeypatch.setattr(i18n, "available_languages", lambda: languages)
    monkeypatch.setattr(language, "available_languages", lambda: languages)
    monkeypatch.setattr(
        i18n, "_translations", lambda code: PseudoTranslations() if code == PSEUDO else real(code)
    )
    yield


def _strings(value: Any) -> Iterator[str]:
    """Every string a proto message holds in the fields a reader sees."""
    if isinstance(value, str):
        if value.startswith("{"):  # a column configuration: only its labels are shown
            yield from _json_labels(json.loads(value))
        else:
            yield value
        return
    if hasattr(value, "ListFields"):
        for field, inner in value.ListFields():
            if field.name in NOT_SHOWN:
                continue
            if isinstance(inner, str):
                yield from _strings(inner)
            elif hasattr(inner, "__iter__") and not hasattr(inner, "ListFields"):
                for item in inner:
                    yield from _strings(item)
            else:
                yield from _strings(inner)


def _json_labels(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("display_text", "label", "help") and isinstance(inner, str):
                yield inner
            yield from _json_labels(inner)
    elif isinstance(value, list):
        for item in value:
            yield from _json_labels(item)


def _chart_strings(spec: Any) -> Iterator[str]:
    """Titles and descriptions in a Vega-Lite spec (the data are checked as tables)."""
    if isinstance(spec, dict):
        for key, inner in spec.items():
            if key in ("title", "description") and isinstance(inner, str):
                yield inner
            elif key not in ("data", "datasets", "expr", "test", "field", "type"):
                yield from _chart_strings(inner)
    elif isinstance(spec, list):
        for item in spec:
            yield from _chart_strings(item)


def shown_texts(app: AppTest) -> list[str]:
    """Every piece of text the page shows: elements, widget labels and options, table
    headings and cells, chart titles."""
    found: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") != "html":
            found.extend(_strings(proto))
            spec = getattr(proto, "spec", "")
            if isinstance(spec, str) and spec.startswith("{"):
                found.extend(_chart_strings(json.loads(spec)))
        if getattr(node, "type", "") in ("arrow_data_frame", "dataframe"):
            frame = node.value
            found.extend(str(c) for c in frame.columns)
            for column in frame.columns:
                found.extend(str(v) for v in frame[column] if isinstance(v, str))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return [text for text in found if text.strip()]


def data_strings() -> list[str]:
    """Text that comes from the data, longest first: names, notes, sources, statements."""
    engine = make_engine(load_settings().database_url)
    with open_session(engine) as session:
        names = store.load_local_names(session)
        catalogue = localised_catalogue(store.load_catalogue(session), names, PSEUDO)
        rounds = store.load_rounds(session)
        figures = store.load_published_figures(session)
        facts = store.load_published_facts(session)
        records = practices.current_practices(session)
        users = session.exec(select(User.name)).all()
        revisions = session.exec(select(Revision)).all()
        scores = session.exec(select(Score.note, Score.source).distinct()).all()
    found = [*catalogue.countries.values(), *catalogue.areas.values()]
    found += [*catalogue.dimensions.values(), *catalogue.dimension_descriptions.values()]
    found += [*catalogue.steps.values(), *catalogue.step_descriptions.values()]
    for indicator in catalogue.indicators.values():
        found += [indicator.title, indicator.description]
    for r in rounds:
        found += [r.label, r.situation]
    found += [f.note for f in figures] + [f.source_url for f in figures]
    found += [f.statement for f in facts]
    for p in records:
        found += [p.title, p.organisation, p.summary, p.evidence, p.link]
    found += list(users)
    for revision in revisions:
        found += [revision.author, revision.comment, revision.file_name or ""]
    for note, source in scores:
        found += [note, source]
    # Dates are written in the language's own words (Babel's month names).
    found += list(Locale.parse(PSEUDO).months["format"]["wide"].values())
    return sorted({s for s in found if s}, key=len, reverse=True)


def leftovers(texts: list[str], data: list[str]) -> set[str]:
    """The words shown outside the markers that are not data."""
    left: set[str] = set()
    for text in texts:
        text = LINK_TARGET.sub("", text)
        while MARKED.search(text):
            text = MARKED.sub(" ", text)
        for known in data:
            if known in text:
                text = text.replace(known, " ")
        left |= {w for w in WORD.findall(text) if not w.isupper()}
    return left


def assert_only_marked_text_and_data(app: AppTest) -> None:
    """Fail naming every text that shows words outside the markers that are not data."""
    assert not app.exception
    data = data_strings()
    unmarked = [text for text in shown_texts(app) if leftovers([text], data)]
    if unmarked:
        pytest.fail("text outside the catalogs:\n" + "\n".join(unmarked), pytrace=False)


@pytest.mark.parametrize("page", EXPLORER_PAGES)
def test_every_page_shows_only_marked_text_and_data_in_the_pseudo_language(
    shipped: None, pseudo: None, page: str
) -> None:
    app = open_page(page, lang=PSEUDO)
    assert not app.exception
    assert_only_marked_text_and_data(app)


@pytest.mark.parametrize("page", PARTNER_PAGES)
def test_every_partner_page_shows_only_marked_text_and_data_in_the_pseudo_language(
    shipped: None, pseudo: None, page: str
) -> None:
    app = open_page(page, user="anna", lang=PSEUDO)
    assert not app.exception
    assert_only_marked_text_and_data(app)


def english_messages() -> set[str]:
    """Every English message whose Latvian differs: one of them on a Latvian page is a leak."""
    with (i18n.LOCALE_DIR / "lv" / "LC_MESSAGES" / "niem.po").open("rb") as source:
        catalog = read_po(source, locale="lv")
    found: set[str] = set()
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.string != message.id:
            found.add(message.id)
    return found


def labels(app: AppTest) -> list[str]:
    """Titles, headings, widget labels and options, metric labels and table headings."""
    found = [e.value for e in [*app.title, *app.header, *app.subheader]]
    for kind in ("selectbox", "multiselect", "radio", "button", "checkbox", "text_input",
                 "text_area", "segmented_control", "metric", "tabs"):
        for element in app.get(kind):
            found.append(str(getattr(element, "label", "")))
            found.extend(str(o) for o in getattr(element, "options", []) or [])
    for frame in app.dataframe:
        found.extend(str(c) for c in frame.value.columns)
    return [text for text in found if text]


@pytest.mark.parametrize("page", EXPLORER_PAGES)
def test_every_page_in_latvian_has_no_english_label(shipped: None, page: str) -> None:
    app = open_page(page, lang="lv")
    assert not app.exception
    assert app.query_params["lang"] == "lv"
    english = english_messages()
    assert [label for label in labels(app) if label in english] == []


@pytest.mark.parametrize("page", PARTNER_PAGES)
def test_every_partner_page_in_latvian_has_no_english_label(shipped: None, page: str) -> None:
    app = open_page(page, user="anna", lang="lv")
    assert not app.exception
    english = english_messages()
    assert [label for label in labels(app) if label in english] == []


def test_the_overview_in_latvian_names_countries_and_writes_decimal_commas(shipped: None) -> None:
    app = open_page("app_pages/home.py", lang="lv")
    assert app.title[0].value == "Bēgļu integrācija Eiropā"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Vidējais"] == "51,0"
    ranking = app.dataframe[0].value
    countries = list(ranking["Valsts"])
    assert {"Latvija", "Lietuva", "Zviedrija", "Čehija"} <= set(countries)
    assert all("," in score for score in ranking["Vērtējums"] if score[:1].isdigit())
    assert app.selectbox(key="round").format_func(2021) == "2. izvērtēšanas posms (2021)"
    # Two headings with one translation would merge two columns into one.
    english = open_page("app_pages/home.py", lang="en").dataframe[0].value
    assert len(ranking.columns) == len(english.columns)
    assert list(ranking["Izcelsme"])[:3] == [
        "publicēts rādītājs, avots diversitygroup.lt",
        "publicēts rādītājs, avots businessinsider.com.pl",
        "ilustratīvs",
    ]


def test_the_language_follows_the_browser_then_english_and_a_link_wins(shipped: None) -> None:
    from tests.test_partner_pages import ROOT, TIMEOUT

    def opened(locale: str | None, **params: str) -> AppTest:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        if locale is not None:
            app.context = {"locale": locale}  # type: ignore[assignment]
        for key, value in params.items():
            app.query_params[key] = value
        return app.run()

    assert opened("lv-LV").title[0].value == "Bēgļu integrācija Eiropā"
    assert opened("de-DE").title[0].value == "Refugee integration in Europe"
    assert opened("lv-LV", lang="en").title[0].value == "Refugee integration in Europe"
    unknown = opened(None, lang="xx")
    assert unknown.query_params["lang"] == "en"
    assert [w.value for w in unknown.warning][0] == (
        "The link asked for a language this app does not have; showing English."
    )


def test_choosing_latvian_in_the_frame_translates_the_page_and_keeps_it_in_the_link(
    shipped: None,
) -> None:
    app = open_page("app_pages/compare.py")
    assert app.query_params["lang"] == "en"
    app.segmented_control(key=language.CHOICE_KEY).set_value("lv").run()
    assert app.query_params["lang"] == "lv"
    assert app.title[0].value == "Valstu salīdzinājums"
