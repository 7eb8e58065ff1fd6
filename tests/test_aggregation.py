"""The scoring method over arrays gives, figure for figure, what the pure rule gives."""

from __future__ import annotations

import math
import random
from statistics import fmean

import numpy as np
import pytest

from niem.aggregation import aggregate_arrays, exact_means, layout_of, round_scores
from niem.methodology import aggregate, round_score
from tests.test_methodology import FRAMEWORK, VALUES

NAN = float("nan")


def test_a_mean_is_the_exact_sum_divided_by_the_count_as_fmean_takes_it() -> None:
    rows = np.array(
        [
            [0.1, 0.2, 0.3, NAN],  # a plain float sum is 0.6000000000000001
            [36.0, 36.5, NAN, NAN],
            [1e-17, 1.0, -1.0, NAN],  # a plain float sum loses the small term
            [NAN, NAN, NAN, NAN],
        ]
    )
    means = exact_means(rows)
    assert means[:3].tolist() == [
        fmean([0.1, 0.2, 0.3]),
        36.25,
        fmean([1e-17, 1.0, -1.0]),
    ]
    assert means[2] == 1e-17 / 3
    assert math.isnan(means[3])


def test_figures_are_rounded_half_up_on_their_decimal_value_as_round_score_rounds() -> None:
    values = np.array([[39.55, 40.75, 36.25], [33.333333333333336, 0.05, NAN]])
    rounded = round_scores(values)
    assert rounded[0].tolist() == [39.6, 40.8, 36.3]
    assert rounded[1, :2].tolist() == [33.3, 0.1]
    assert math.isnan(rounded[1, 2])


def test_the_layout_lists_the_aggregates_in_the_order_of_the_figures_table() -> None:
    layout = layout_of(FRAMEWORK)
    assert list(zip(layout.levels, layout.codes, strict=True)) == [
        ("cell", "d1.s1"), ("cell", "d1.s2"), ("cell", "d2.s1"), ("cell", "d2.s2"),
        ("cell", "d3.s1"), ("cell", "d3.s2"),
        ("dimension", "d1"), ("dimension", "d2"), ("dimension", "d3"),
        ("step", "s1"), ("step", "s2"),
        ("area", "A"), ("area", "B"),
        ("overall", ""),
    ]
    # The statistical indicator x counts nowhere.
    assert layout.totals.tolist() == [2, 1, 1, 2, 1, 1, 3, 3, 2, 4, 4, 6, 2, 8]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_aggregate_over_arrays_equals_the_pure_rule(seed: int) -> None:
    chooser = random.Random(seed)
    layout = layout_of(FRAMEWORK)
    countries = [
        {code: chooser.choice([None, 0, 12.5, 33.3, 50, 62.5, 66.7, 100]) for code in VALUES}
        for _ in range(40)
    ]
    values = np.array(
        [[NAN if c[code] is None else c[code] for code in layout.indicators] for c in countries],
        dtype=float,
    )
    none = np.zeros(values.shape, dtype=bool)
    found = aggregate_arrays(layout, values, none, np.full(values.shape, NAN))
    place = layout.position
    for row, country in enumerate(countries):
        for figure in aggregate(FRAMEWORK, country):
            column = place[(figure.level, figure.code)]
            assert found.covered[row, column] == figure.covered
            expected = round_score(figure.score)
            got = round_scores(found.score[row : row + 1, column : column + 1])[0, 0]
            assert (expected is None and math.isnan(got)) or got == expected


def test_an_aggregate_rests_on_illustrative_and_carried_values_beneath_it() -> None:
    layout = layout_of(FRAMEWORK)
    values = np.array([[60, 80, 40, NAN, 30, 50, 100, 0, 999]], dtype=float)
    illustrative = np.zeros(values.shape, dtype=bool)
    illustrative[0, layout.indicators.index("g")] = True
    carried = np.full(values.shape, NAN)
    carried[0, layout.indicators.index("a")] = 2019
    carried[0, layout.indicators.index("d")] = 2021  # no value: it counts for nothing
    found = aggregate_arrays(layout, values, illustrative, carried)
    place = layout.position
    assert found.illustrative[0, place[("dimension", "d3")]]
    assert not found.illustrative[0, place[("dimension", "d1")]]
    assert found.illustrative[0, place[("overall", "")]]
    assert found.carried[0, place[("cell", "d1.s1")]] == 2019
    assert math.isnan(found.carried[0, place[("dimension", "d2")]])
    assert found.carried[0, place[("overall", "")]] == 2019
