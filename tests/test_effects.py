"""The effect of changed indicator values on every figure above them, worked out by hand."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from niem import effects, revisions
from niem.accounts import OPERATOR, add_user
from niem.database import open_session
from niem.effects import FigureEffect
from niem.importing import UploadRow
from niem.methodology import Framework, IndicatorRef
from tests.conftest import table_rows

FRAMEWORK = Framework(
    dimension_area={"D1": "A", "D2": "A"},
    steps=("S1", "S2"),
    indicators=(
        IndicatorRef("I1", "D1", "S1"),
        IndicatorRef("I2", "D1", "S1"),
        IndicatorRef("I3", "D1", "S2"),
        IndicatorRef("I4", "D2", "S1"),
        IndicatorRef("I5", "D2", "S2"),
    ),
)
# LV: cells 50, 80, 20, 40; D1 65, D2 30; S1 35, S2 60; A and overall 47.5 (2nd of 3).
VALUES = {
    "LV": {"I1": 40.0, "I2": 60.0, "I3": 80.0, "I4": 20.0, "I5": 40.0},
    "LT": dict.fromkeys(["I1", "I2", "I3", "I4", "I5"], 50.0),
    "EE": dict.fromkeys(["I1", "I2", "I3", "I4", "I5"], 45.0),
}


def test_raising_one_indicator_moves_each_figure_above_it_and_the_rank() -> None:
    moved = effects.figure_effects(FRAMEWORK, 2021, VALUES, {"LV": {"I1": 100.0}})
    assert [(e.level, e.code, e.before, e.after, e.rank_before, e.rank_after) for e in moved] == [
        ("cell", "D1.S1", 50.0, 80.0, 1, 1),
        ("dimension", "D1", 65.0, 80.0, 1, 1),
        ("step", "S1", 35.0, 50.0, 3, 1),
        ("area", "A", 47.5, 55.0, 2, 1),
        ("overall", "", 47.5, 55.0, 2, 1),
    ]
    assert moved[-1] == FigureEffect(2021, "LV", "overall", "", 47.5, 55.0, 2, 1, 3)
    assert moved[-1].rank_change == 1


def test_emptying_a_cell_leaves_it_out_of_the_means_above() -> None:
    moved = effects.figure_effects(FRAMEWORK, 2021, VALUES, {"LV": {"I1": None, "I2": None}})
    assert [(e.level, e.code, e.before, e.after, e.rank_before, e.rank_after) for e in moved] == [
        ("cell", "D1.S1", 50.0, None, 1, None),
        # D1 and S1 each keep one of their three indicators: below half, insufficient data.
        ("dimension", "D1", 65.0, None, 1, None),
        ("step", "S1", 35.0, None, 3, None),
        # A keeps three of five indicators, so it is D2 alone.
        ("area", "A", 47.5, 30.0, 2, 3),
        ("overall", "", 47.5, 30.0, 2, 3),
    ]


def test_an_unchanged_value_moves_nothing() -> None:
    assert effects.figure_effects(FRAMEWORK, 2021, VALUES, {"LV": {"I1": 40.0}}) == []


@pytest.mark.both_databases
def test_the_effect_of_a_pending_revision_writes_nothing(engine: Engine) -> None:
    with open_session(engine) as session:
        partner = add_user(session, "lv", "partner", "correct horse", ["LV"], by=OPERATOR)
        revision = revisions.submit(
            session,
            [UploadRow(2, 2021, "LV", "BRI-I-01", 100.0, "", "", None)],
            user=partner,
            comment="higher",
        )
        before = table_rows(engine)
        moved = effects.revision_effect(session, revision.id or 0, viewer=OPERATOR)
        assert table_rows(engine) == before
    assert [e.level for e in moved][-1] == "overall"
    assert {(e.round_year, e.country) for e in moved} == {(2021, "LV")}
    cell = moved[0]
    assert (cell.level, cell.code) == ("cell", "building_bridges.implementation")
    assert cell.after is not None and cell.before is not None and cell.after > cell.before
    assert cell.ranked == 14


def test_a_what_if_scenario_moves_the_figures_as_a_revision_would() -> None:
    moved = effects.what_if(FRAMEWORK, 2021, VALUES, "LV", {"I1": 100.0})
    assert moved == effects.figure_effects(FRAMEWORK, 2021, VALUES, {"LV": {"I1": 100.0}})
    assert effects.what_if(FRAMEWORK, 2021, VALUES, "LV", {}) == []


def test_a_scenario_travels_in_a_compact_url_form_and_back() -> None:
    scenario = {"I3": 12.5, "I1": 100.0, "I2": None}
    text = effects.encode_scenario(scenario)
    assert text == "I1:100,I2:-,I3:12.5"
    assert effects.decode_scenario(text, ["I1", "I2", "I3"]) == scenario


@pytest.mark.parametrize(
    "text",
    ["I9:50", "I1:101", "I1:-1", "I1:abc", "I1: 5", "I1:50," * 41, "I1:" + "1" * 1300, "I1"],
)
def test_a_scenario_not_understood_is_ignored(text: str) -> None:
    assert effects.decode_scenario(text, ["I1", "I2"]) == {}
