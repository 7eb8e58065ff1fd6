"""Every page headless (AppTest), on the shipped data and on a database with no demo scores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from tests.test_explorer import publish_expert_values

PAGES = [
    "app_pages/home.py",
    "app_pages/compare.py",
    "app_pages/policy-areas.py",
    "app_pages/rounds.py",
    "app_pages/country.py",
    "app_pages/methodology.py",
]
TIMEOUT = 30


def _database(tmp_path_factory: pytest.TempPathFactory, *, demo: bool) -> str:
    folder = tmp_path_factory.mktemp("demo" if demo else "nodemo")
    url = f"sqlite:///{folder / 'niem.db'}"
    initialise(make_engine(url), load_settings(), demo=demo)
    return url


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database(tmp_path_factory, demo=True)


@pytest.fixture(scope="module")
def published_only_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database(tmp_path_factory, demo=False)


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def shipped(shipped_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _use(shipped_url, monkeypatch)
    yield


@pytest.fixture
def published_only(published_only_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _use(published_only_url, monkeypatch)
    yield


def open_page(page: str, **params: str) -> AppTest:
    app = AppTest.from_file(str(Path(__file__).parent.parent / "app.py"), default_timeout=TIMEOUT)
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(page)
    return app.run()


def texts(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [t.value for t in app.title]
    parts += [h.value for h in app.header] + [h.value for h in app.subheader]
    parts += [c.value for c in app.caption]
    parts += [f"{m.label}={m.value}" for m in app.metric]
    parts += [i.value for i in app.info] + [w.value for w in app.warning]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_shipped_data(shipped: None, page: str) -> None:
    app = open_page(page)
    assert not app.exception


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_only_published_figures(published_only: None, page: str) -> None:
    app = open_page(page)
    assert not app.exception


def test_overview_headline_numbers_for_2021(shipped: None) -> None:
    app = open_page("app_pages/home.py")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {
        "Countries": "14 of 14",
        "Average": "51.0",
        "Highest": "72.5",
        "Lowest": "32.8",
    }
    captions = [c.value for c in app.caption]
    assert "illustrative" in captions
    assert any(c.startswith("[published figure, source diversitygroup.lt ↗](") for c in captions)


def test_overview_with_only_published_figures_shows_the_eleven(published_only: None) -> None:
    app = open_page("app_pages/home.py")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {
        "Countries": "11 of 14",
        "Average": "49.2",
        "Highest": "72.5",
        "Lowest": "32.8",
    }
    assert "Illustrative data" not in texts(app)


def test_overview_reads_round_and_measure_from_the_url(shipped: None) -> None:
    app = open_page("app_pages/home.py", round="2019", measure="dimension:housing")
    assert app.selectbox(key="round").value == 2019
    assert app.selectbox(key="measure").value == "dimension:housing"
    assert "Ranking: Dimension: Housing, Evaluation 1 (2019)" in texts(app)


def test_overview_writes_the_chosen_view_into_the_url(shipped: None) -> None:
    app = open_page("app_pages/home.py")
    app.selectbox(key="measure").select("step:policy").run()
    app.selectbox(key="round").select(2017).run()
    assert app.query_params["measure"] == "step:policy"
    assert app.query_params["round"] == "2017"


def test_a_bad_value_in_a_link_falls_back_with_a_notice(shipped: None) -> None:
    app = open_page("app_pages/home.py", round="1999", measure="dimension:nonsense")
    assert not app.exception
    assert app.selectbox(key="round").value == 2021
    assert app.selectbox(key="measure").value == "overall"
    warnings = [w.value for w in app.warning]
    assert "The link asked for round “1999”, which does not exist here; showing 2021." in warnings


def test_country_profile_shows_published_overall_and_change(shipped: None) -> None:
    app = open_page("app_pages/country.py", country="LV", round="2021")
    assert app.title[0].value == "Latvia: Evaluation 2 (2021)"
    metrics = {m.label: m.value for m in app.metric}
    assert (metrics["Overall"], metrics["Rank"]) == ("50.7", "8th of 14")
    assert "[published figure, source ogreszinas.news ↗](https://ogreszinas.news/?p=5561)" in (
        texts(app)
    )


def test_country_profile_of_romania_2017_shows_the_published_steps(shipped: None) -> None:
    app = open_page("app_pages/country.py", country="RO", round="2017")
    steps = {m.label: m.value for m in app.metric if m.label not in ("Overall", "Rank")}
    assert steps == {
        "Setting the legal framework": "64.8",
        "Building the policy framework": "36.9",
        "Implementation and collaboration": "21.7",
    }


def test_compare_ranks_the_chosen_countries(shipped: None) -> None:
    app = open_page("app_pages/compare.py", countries="LV,LT,SE", country="LV")
    assert not app.exception
    assert app.multiselect(key="countries").value == ["LV", "LT", "SE"]
    assert app.selectbox(key="country").value == "LV"
    ranking = app.dataframe[0].value
    assert list(ranking["Code"]) == ["SE", "LT", "LV"]
    # The reader's own country is named as theirs in words, not by a colour alone.
    assert list(ranking["Country"]) == ["Sweden", "Lithuania", "Latvia (your country)"]
    assert list(ranking["Rank"]) == ["1st of 3", "2nd of 3", "3rd of 3"]
    assert list(ranking["Rank from"]) == ["from published figures"] * 3
    assert (
        "the average of the other chosen countries: 67.6 (from published figures)" in texts(app)
    )


def test_the_readers_own_country_is_named_as_theirs_in_latvian(shipped: None) -> None:
    app = open_page("app_pages/policy-areas.py", country="LT", lang="lv")
    assert not app.exception
    leaders = app.dataframe[0].value
    assert list(leaders.columns[:3]) == ["Vieta", "Valsts", "Kods"]
    marked = [name for name in leaders["Valsts"] if "(jūsu valsts)" in name]
    assert marked == ["Lietuva (jūsu valsts)"]
    assert list(leaders["Kods"][leaders["Valsts"] == "Lietuva (jūsu valsts)"]) == ["LT"]


def test_compare_of_published_countries_still_warns_about_illustrative_heatmaps(
    shipped: None,
) -> None:
    app = open_page("app_pages/compare.py", countries="SE,FR")
    assert any(w.value.startswith("Illustrative data:") for w in app.warning)


def test_the_chosen_country_and_round_travel_to_every_page(shipped: None) -> None:
    app = open_page("app_pages/home.py", country="LV", round="2019")
    assert app.selectbox(key="country").value == "LV"
    for page in PAGES[1:-1]:
        for key in list(app.query_params):
            del app.query_params[key]
        app.switch_page(page).run()
        assert not app.exception, page
        assert app.selectbox(key="country").value == "LV", page
        assert app.query_params["country"] == "LV", page
        round_key = "to" if page.endswith("rounds.py") else "round"
        assert app.selectbox(key=round_key).value == 2019, page
        assert app.query_params[round_key] == "2019", page


def test_a_page_that_needs_a_country_asks_for_one(shipped: None) -> None:
    app = open_page("app_pages/country.py")
    assert not app.exception
    assert app.selectbox(key="country").value is None
    assert [i.value for i in app.info] == ["Choose a country to see its profile."]


def test_a_country_not_in_the_round_is_kept_and_said(shipped: None) -> None:
    app = open_page("app_pages/country.py", country="BG", round="2017")
    assert not app.exception
    assert "Bulgaria did not take part in Baseline 2017." in texts(app)
    assert app.query_params["country"] == "BG"


def test_policy_areas_show_the_gap_of_your_country_to_the_best(shipped: None) -> None:
    app = open_page(
        "app_pages/policy-areas.py", measure="dimension:housing", step="policy", country="LV"
    )
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"Latvia": "64.3", "Best: France": "76.3", "Gap to the best": "12.0"}
    assert "Latvia against the best" in texts(app)


def test_policy_areas_lists_every_indicator_for_every_country(shipped: None) -> None:
    app = open_page(
        "app_pages/policy-areas.py", measure="dimension:family_reunification", step="legal"
    )
    indicators = app.dataframe[-1].value
    assert len(indicators) == 4 * 14
    assert set(indicators["Code"]) == {"FAM-L-01", "FAM-L-02", "FAM-L-03", "FAM-L-04"}


def test_rounds_names_countries_that_joined_and_left(shipped: None) -> None:
    app = open_page("app_pages/rounds.py", **{"from": "2017", "to": "2019"})
    infos = [i.value for i in app.info]
    assert "Joined in 2019: Bulgaria (BG) (no earlier score to compare)." in infos
    assert "Took part in 2017 but not in 2019: Portugal (PT)." in infos


def test_methodology_states_the_threshold_and_lists_published_figures(shipped: None) -> None:
    app = open_page("app_pages/methodology.py")
    text = texts(app)
    assert "Coverage needed for a figure: **50%**" in text
    assert "17 figures are real published NIEM results" in text


@pytest.fixture(scope="module")
def contradicted_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shipped data, with a partner's revision giving Latvia 80 on every 2021 indicator."""
    url = _database(tmp_path_factory, demo=True)
    with open_session(make_engine(url)) as session:
        publish_expert_values(session, "LV", 80.0)
    return url


def test_a_published_figure_the_current_data_contradict_shows_both_numbers(
    contradicted_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(contradicted_url, monkeypatch)
    profile = open_page("app_pages/country.py", country="LV", round="2021")
    assert not profile.exception
    assert "50.7 published · 80.0 from current data" in texts(profile)
    overview = open_page("app_pages/home.py")
    ranking = overview.dataframe[0].value.set_index("Code")
    assert ranking.loc["LV", "Score"] == "50.7 published · 80.0 from current data"


def test_a_what_if_link_restores_the_scenario_and_saves_nothing(shipped: None) -> None:
    app = open_page("app_pages/country.py", round="2021", country="LV", whatif="BRI-I-01:100")
    assert not app.exception
    assert "What if: BRI-I-01 22 → 100" in [t.value for t in app.text]
    [table] = [d.value for d in app.dataframe if "What if" in d.value.columns]
    assert table[["Figure", "Current", "What if", "Current rank", "What-if rank"]].values.tolist(
    )[-2:] == [
        ["Socio-cultural integration", "47.2", "50.1", "9 of 14", "9 of 14"],
        ["Overall", "50.7", "51.4", "8 of 14", "8 of 14"],
    ]
    app.selectbox(key="whatif_indicator").select("BRI-I-02").run()
    app.number_input(key="whatif_value_BRI-I-02").set_value(0).run()
    app.button(key="whatif_add").click().run()
    assert app.query_params["whatif"] == "BRI-I-01:100,BRI-I-02:0"
    latvian = open_page(
        "app_pages/country.py", round="2021", country="LV", whatif="BRI-I-01:62.5", lang="lv"
    )
    assert "Ja nu: BRI-I-01 22 → 62,5" in [t.value for t in latvian.text]
    # The current figures are untouched: a fresh profile shows no what-if table.
    fresh = open_page("app_pages/country.py", round="2021", country="LV")
    assert not [d for d in fresh.dataframe if "What if" in d.value.columns]
