"""The coordinator's rounds page headless (AppTest): open a round, carry one over, add a
country; a partner and a visitor are told why they cannot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from niem import rounds
from niem.database import open_session
from tests.test_partner_pages import _database, _use, open_page, table, texts

PAGE = "app_pages/manage-rounds.py"


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    url, engine = _database(tmp_path)
    _use(url, monkeypatch)
    yield engine


def test_the_coordinator_sees_every_round_with_its_counts(fresh: Engine) -> None:
    app = open_page(PAGE, "anna")
    assert not app.exception
    listed = table(app, "Carried over")
    assert listed["Year"].tolist() == ["2017", "2019", "2021"]
    assert listed["Current values"].tolist() == [1680, 1680, 1680]
    assert listed["Carried over"].tolist() == [0, 0, 0]
    assert listed["Countries"].iloc[-1] == "BG CZ ES FR GR HU IT LT LV NL PL RO SE SI"


def test_the_coordinator_opens_a_round_carried_over_and_adds_a_country(fresh: Engine) -> None:
    app = open_page(PAGE, "anna")
    assert app.number_input(key="round_year").value == 2023
    app.text_input(key="round_label").input("Evaluation 3")
    app.text_input(key="round_situation").input("2023-06-30")
    app.multiselect(key="round_countries").select("LV").select("DE")
    app.checkbox(key="round_carry_over").check()
    app.button(key="add_round_button").click().run()
    assert not app.exception
    assert "Round 2023 is open." in texts(app)
    listed = table(app, "Carried over").set_index("Year")
    assert listed.loc["2023", "Countries"] == "DE LV"
    assert (listed.loc["2023", "Current values"], listed.loc["2023", "Carried over"]) == (120, 120)

    app.selectbox(key="country_round").select(2023).run()
    app.selectbox(key="round_country").select("BE").run()
    app.button(key="add_round_country").click().run()
    assert "Belgium is in round 2023 now; its scores start empty." in texts(app)
    with open_session(fresh) as session:
        assert rounds.round_summaries(session)[-1].round.countries == ("BE", "DE", "LV")


def test_a_bad_round_is_refused_with_its_reason_and_nothing_opened(fresh: Engine) -> None:
    app = open_page(PAGE, "anna")
    app.number_input(key="round_year").set_value(2021)
    app.text_input(key="round_label").input("Again")
    app.text_input(key="round_situation").input("2021")
    app.multiselect(key="round_countries").select("LV")
    app.button(key="add_round_button").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "Round 2021 exists already; add countries to it on the Manage rounds page or with "
        "`niem round add-country`."
    ]
    with open_session(fresh) as session:
        assert [s.round.year for s in rounds.round_summaries(session)] == [2017, 2019, 2021]


def test_a_partner_is_told_only_a_coordinator_manages_rounds(fresh: Engine) -> None:
    app = open_page(PAGE, "providus")
    assert not app.exception
    assert [i.value for i in app.info] == [
        "Only a coordinator can open rounds and add countries to them."
    ]
    assert not app.button and not app.text_input


def test_a_visitor_is_asked_to_sign_in(fresh: Engine) -> None:
    app = open_page(PAGE)
    assert not app.exception
    assert [i.value for i in app.info] == ["Sign in to manage rounds."]
