"""The scoring method, on a small framework worked out by hand."""

from __future__ import annotations

import pytest

from niem.methodology import (
    COVERAGE_THRESHOLD,
    Aggregate,
    Framework,
    IndicatorRef,
    aggregate,
    differs_from_published,
    indicators_beneath,
    round_score,
)

# Three dimensions in two areas, two steps, eight scored indicators and one statistical.
FRAMEWORK = Framework(
    dimension_area={"d1": "A", "d2": "A", "d3": "B"},
    steps=("s1", "s2"),
    indicators=(
        IndicatorRef("a", "d1", "s1"),
        IndicatorRef("b", "d1", "s1"),
        IndicatorRef("c", "d1", "s2"),
        IndicatorRef("d", "d2", "s1"),
        IndicatorRef("e", "d2", "s2"),
        IndicatorRef("f", "d2", "s2"),
        IndicatorRef("g", "d3", "s1"),
        IndicatorRef("h", "d3", "s2"),
        IndicatorRef("x", "d1", "s2", scored=False),
    ),
)

VALUES: dict[str, float | None] = {
    "a": 60,
    "b": 80,
    "c": 40,
    "d": None,
    "e": 30,
    "f": 50,
    "g": 100,
    "h": 0,
    "x": 999,
}


def by_key(figures: list[Aggregate]) -> dict[tuple[str, str], Aggregate]:
    return {(f.level, f.code): f for f in figures}


def test_cells_are_means_of_their_indicators_with_a_value() -> None:
    figures = by_key(aggregate(FRAMEWORK, VALUES))
    assert figures[("cell", "d1.s1")].score == 70
    assert figures[("cell", "d1.s2")].score == 40
    assert figures[("cell", "d2.s2")].score == 40
    assert figures[("cell", "d3.s1")].score == 100
    assert figures[("cell", "d3.s2")].score == 0


def test_a_cell_with_no_value_is_insufficient_not_zero() -> None:
    cell = by_key(aggregate(FRAMEWORK, VALUES))[("cell", "d2.s1")]
    assert cell.score is None
    assert (cell.covered, cell.total, cell.coverage) == (0, 1, 0.0)


def test_dimensions_are_means_of_their_cells() -> None:
    figures = by_key(aggregate(FRAMEWORK, VALUES))
    assert figures[("dimension", "d1")].score == 55
    # d2.s1 has no value; d2 still has 2 of 3 indicators, so it is the mean of d2.s2 alone.
    assert figures[("dimension", "d2")].score == 40
    assert figures[("dimension", "d2")].coverage == pytest.approx(2 / 3)
    assert figures[("dimension", "d3")].score == 50


def test_steps_are_means_of_their_cells_across_dimensions() -> None:
    figures = by_key(aggregate(FRAMEWORK, VALUES))
    assert figures[("step", "s1")].score == 85
    assert (figures[("step", "s1")].covered, figures[("step", "s1")].total) == (3, 4)
    assert figures[("step", "s2")].score == pytest.approx(80 / 3)


def test_areas_and_overall_are_means_of_dimensions() -> None:
    figures = by_key(aggregate(FRAMEWORK, VALUES))
    assert figures[("area", "A")].score == 47.5
    assert figures[("area", "B")].score == 50
    # Overall is the mean of the three dimensions (55, 40, 50), not of the two areas (48.75).
    assert figures[("overall", "")].score == pytest.approx(145 / 3)
    assert (figures[("overall", "")].covered, figures[("overall", "")].total) == (7, 8)


def test_unscored_indicators_never_count() -> None:
    with_statistic = by_key(aggregate(FRAMEWORK, VALUES))
    without_statistic = by_key(aggregate(FRAMEWORK, {**VALUES, "x": None}))
    assert with_statistic == without_statistic
    assert [i.code for i in indicators_beneath(FRAMEWORK, "cell", "d1.s2")] == ["c"]


def test_coverage_exactly_at_the_threshold_is_sufficient() -> None:
    assert COVERAGE_THRESHOLD == 0.5
    figures = by_key(aggregate(FRAMEWORK, {"e": 30}))
    assert figures[("cell", "d2.s2")].score == 30
    assert figures[("cell", "d2.s2")].coverage == 0.5


def test_coverage_below_the_threshold_is_insufficient_data() -> None:
    figures = by_key(aggregate(FRAMEWORK, {"e": 30}))
    assert figures[("dimension", "d2")].score is None
    assert figures[("dimension", "d2")].covered == 1
    assert figures[("overall", "")].score is None


def test_a_country_missing_from_a_round_has_no_figures() -> None:
    figures = aggregate(FRAMEWORK, {})
    assert len(figures) == 6 + 3 + 2 + 2 + 1
    assert all(f.score is None and f.coverage == 0.0 for f in figures)


def test_published_figures_differing_by_more_than_half_a_point_are_flagged() -> None:
    assert not differs_from_published(50.5, 50.0)
    assert differs_from_published(50.51, 50.0)
    assert differs_from_published(None, 50.0)
    # On the decimal values: 50.7 - 50.2 is 0.5000000000000071 in binary.
    assert not differs_from_published(50.2, 50.7)
    assert differs_from_published(50.1, 50.7)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (39.55, 39.6),
        (40.75, 40.8),
        (62.25, 62.3),
        ((39.5 + 39.6) / 2, 39.6),
        (-7.25, -7.3),
        (72.0, 72.0),
        (None, None),
    ],
)
def test_the_one_rounding_rule_rounds_half_up_on_the_decimal_value(
    value: float | None, expected: float | None
) -> None:
    assert round(39.55, 1) == 39.5  # what binary rounding would have shown
    assert round_score(value) == expected
