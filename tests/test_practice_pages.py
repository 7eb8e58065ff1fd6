"""The practices in the app, headless (AppTest): the Practices page, the gap links on the
country profile and policy areas, a partner's form and file, and the coordinator's review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from niem import accounts, practices
from niem.accounts import OPERATOR
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from tests.conftest import session_token, table_rows

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "uploads" / "practices"
TIMEOUT = 60
HOSTILE_TITLE = "**Sign in again** [here](https://evil.example) <img src=x onerror=alert(1)>"


def _database(folder: Path, *, demo: bool = True) -> tuple[str, Engine]:
    url = f"sqlite:///{folder / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings(), demo=demo)
    with open_session(engine) as session:
        accounts.add_user(session, "providus", "partner", "latvija-2021", ["LV"], by=OPERATOR)
        accounts.add_user(session, "anna", "coordinator", "coordinate-21", by=OPERATOR)
    return url, engine


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database(tmp_path_factory.mktemp("practices-demo"))[0]


@pytest.fixture(scope="module")
def published_only_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database(tmp_path_factory.mktemp("practices-nodemo"), demo=False)[0]


@pytest.fixture
def shipped(shipped_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(shipped_url, monkeypatch)


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A database of its own, for a test that writes."""
    url, engine = _database(tmp_path)
    _use(url, monkeypatch)
    yield engine


def open_page(page: str, user: str | None = None, **params: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if user is not None:
        app.session_state["session_token"] = session_token(user)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page)
    return app.run()


def texts(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [t.value for t in app.title]
    parts += [h.value for h in app.header] + [h.value for h in app.subheader]
    parts += [c.value for c in app.caption] + [t.value for t in app.text]
    parts += [i.value for i in app.info] + [w.value for w in app.warning]
    parts += [e.value for e in app.error] + [s.value for s in app.success]
    return "\n".join(str(p) for p in parts)


def titles(app: AppTest) -> list[str]:
    """The practice titles shown, as the escaped HTML text they are drawn with."""
    bodies = [h.proto.body for h in app.get("html")]
    return [b.split(">", 1)[1].rsplit("<", 1)[0] for b in bodies if b.startswith("<p style")]


@pytest.mark.parametrize("params", [{}, {"practice": "3"}, {"q": "language", "year": "2019"}])
def test_the_practices_page_runs_on_the_shipped_data(shipped: None, params: dict[str, str]) -> None:
    app = open_page("app_pages/practices.py", **params)
    assert not app.exception
    assert app.title[0].value == "Promising practices"


@pytest.mark.parametrize("user", [None, "providus", "anna"])
def test_the_practices_page_runs_with_no_practices(
    published_only_url: str, monkeypatch: pytest.MonkeyPatch, user: str | None
) -> None:
    _use(published_only_url, monkeypatch)
    app = open_page("app_pages/practices.py", user)
    assert not app.exception
    assert [i.value for i in app.info] == [
        "No practice is published yet. Partners submit practices here once signed in; "
        "the coordinator publishes them."
    ]


def test_the_list_says_the_shipped_practices_are_illustrative(shipped: None) -> None:
    app = open_page("app_pages/practices.py")
    assert [s.value for s in app.subheader] == ["31 practices"]
    assert app.warning[0].value.startswith("Illustrative examples: the practices marked so")
    labels = [c.value for c in app.caption if "Illustrative example" in c.value]
    assert len(labels) == 31
    assert titles(app)[:3] == [
        "Anti-discrimination helpline",
        "Apprenticeships with language support",
        "Bridging courses for nurses and teachers",
    ]


def test_a_link_reopens_the_search_and_filters(shipped: None) -> None:
    app = open_page("app_pages/practices.py", q="language", country="LV")
    assert app.text_input(key="practice_search").value == "language"
    assert app.selectbox(key="country").value == "LV"
    assert titles(app) == [
        "Free language courses up to level B1",
        "One-stop integration desk in the city hall",
    ]


def test_searching_and_filtering_write_the_view_into_the_link(shipped: None) -> None:
    app = open_page("app_pages/practices.py")
    app.text_input(key="practice_search").input("housing").run()
    app.selectbox(key="step").select("legal").run()
    assert app.query_params["q"] == "housing"
    assert app.query_params["step"] == "legal"
    assert titles(app) == ["Housing benefit on equal terms"]


def test_a_practice_page_shows_its_text_link_and_its_countries_scores(shipped: None) -> None:
    app = open_page("app_pages/practices.py", practice="1")
    assert not app.exception
    assert titles(app) == ["One-stop integration desk in the city hall"]
    shown = texts(app)
    assert "Countries: Latvia" in shown
    assert "Dimensions: Mainstreaming, Housing" in shown
    assert "Years: since 2019" in shown
    assert "https://example.org/practices/one-stop-desk" in shown
    assert app.warning[0].value == (
        "This practice is an illustrative example, written to show how this page works; "
        "it is not a real project."
    )
    scores = app.dataframe[0].value
    assert list(scores.columns) == [
        "Country",
        "Dimension",
        "Round",
        "Score",
        "Rank",
        "Where it comes from",
        "Source",
    ]
    assert list(scores["Dimension"]) == ["Mainstreaming", "Housing"]
    assert list(scores["Round"]) == [2021, 2021]
    assert list(scores["Where it comes from"]) == ["illustrative", "illustrative"]


def test_a_link_to_an_unknown_practice_falls_back_to_the_list(shipped: None) -> None:
    app = open_page("app_pages/practices.py", practice="999")
    assert [w.value for w in app.warning][0] == (
        "The link asked for a practice that is not published here; showing the list."
    )
    assert [s.value for s in app.subheader] == ["31 practices"]


def test_the_country_profile_lists_practices_for_its_weakest_dimensions(shipped: None) -> None:
    app = open_page("app_pages/country.py", country="LV", round="2021")
    assert not app.exception
    assert "Ideas for the weakest dimensions" in [h.value for h in app.header]
    subheaders = [s.value for s in app.subheader]
    assert subheaders[-3:] == [
        "Language learning and social orientation",
        "Building bridges",
        "Residency",
    ]
    assert titles(app) == [
        "Social orientation course in the mother tongue",
        "Citizenship preparation course",
        "Refugee voices in municipal councils",
        "Buddy programme with local families",
        "Shared flats with local students",
    ]
    shown = texts(app)
    assert (
        "Latvia: 37.3 (illustrative). Better here: Netherlands 98.0, Spain 95.3, Lithuania 86.7."
        in shown
    )
    assert "No published practice yet from the countries that score better." in shown
    assert "Netherlands scores 98.0 here (illustrative)." in shown


def test_the_policy_area_shows_the_leaders_practices(shipped: None) -> None:
    app = open_page("app_pages/policy-areas.py", measure="dimension:family_reunification")
    assert not app.exception
    assert "How the leaders do it" in [s.value for s in app.subheader]
    assert titles(app) == [
        "Family reunification counselling line",
        "Travel cost fund for joining family members",
    ]


def test_a_partner_submits_a_practice_with_the_form_and_the_coordinator_publishes_it(
    fresh: Engine,
) -> None:
    app = open_page("app_pages/practices.py", "providus")
    app.text_input(key="practice_title").input(HOSTILE_TITLE)
    app.text_input(key="practice_organisation").input("Rīgas dome")
    app.multiselect(key="practice_countries").select("LV")
    app.multiselect(key="practice_dimensions").select("housing")
    app.multiselect(key="practice_steps").select("implementation")
    app.number_input(key="practice_from").set_value(2022)
    app.text_area(key="practice_summary").input("Palīdz atrast dzīvokli. *Not bold*")
    app.text_input(key="practice_link").input("javascript:alert(1)")
    app.button(key="practice_form_submit").click().run()
    assert not app.exception
    assert "1 problem found, so nothing was stored." in texts(app)
    problems = app.dataframe[0].value
    assert list(problems["Column"]) == ["link"]
    with open_session(fresh) as session:
        assert practices.load_versions(session, status="pending") == []

    app.text_input(key="practice_link").input("https://example.org/dzivokli")
    app.button(key="practice_form_submit").click().run()
    assert "1 practice sent to the coordinator for review." in texts(app)

    review = open_page("app_pages/review.py", "anna")
    assert "Practices waiting for review" in [h.value for h in review.header]
    review.button(key="practice_publish").click().run()
    assert not review.exception
    with open_session(fresh) as session:
        (published,) = practices.search_practices(session, "dzīvokli")
    assert (published.title, published.published_by) == (HOSTILE_TITLE, "anna")

    page = open_page("app_pages/practices.py", practice=str(published.practice_id))
    assert titles(page) == [
        "**Sign in again** [here](https://evil.example) &lt;img src=x onerror=alert(1)&gt;"
    ]
    assert "Palīdz atrast dzīvokli. *Not bold*" in [t.value for t in page.text]
    assert not any("evil.example" in m.value for m in page.markdown)


def test_a_file_with_problems_is_reported_and_nothing_is_written(fresh: Engine) -> None:
    app = open_page("app_pages/practices.py", "providus")
    before = table_rows(fresh)
    data = (CORPUS / "bad-link-scheme.csv").read_bytes()
    app.file_uploader(key="practice_upload").upload("bad.csv", data, "text/csv").run()
    assert not app.exception
    assert "2 problems found, so nothing was stored." in texts(app)
    assert list(app.dataframe[0].value["Row"]) == [2, 3]
    assert "practice_file_submit" not in {b.key for b in app.button}
    assert table_rows(fresh) == before


def test_a_good_file_is_submitted_as_pending_versions(fresh: Engine) -> None:
    app = open_page("app_pages/practices.py", "providus")
    data = (CORPUS / "good-latvian-cp1257.csv").read_bytes()
    refused = data.replace(b"Latvia, Lithuania", b"Latvia")
    app.file_uploader(key="practice_upload").upload("lv.csv", refused, "text/csv").run()
    assert "No problems found: 1 row read." in texts(app)
    app.button(key="practice_file_submit").click().run()
    assert "1 practice sent to the coordinator for review." in texts(app)
    mine = open_page("app_pages/review.py", "providus")
    assert "My practices" in [h.value for h in mine.header]
    with open_session(fresh) as session:
        (pending,) = practices.load_versions(session, status="pending")
    assert (pending.title, pending.countries, pending.submitted_by) == (
        "Valodu kafejnīca",
        ("LV",),
        "providus",
    )
