"""Where a number comes from, and the weakest-input rule for derived numbers, over every
combination of the four kinds."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from niem import provenance
from niem.facts import make_fact
from niem.figures import average, derived, describe, rank_among, rank_of
from niem.provenance import Provenance, Strength, weakest

PUBLISHED = provenance.published("https://www.diversitygroup.lt/2022/report")
OTHER_SOURCE = provenance.published("https://businessinsider.com.pl/raport")
PARTNER = provenance.partner(2, "LV", "2026-11-20")
COMPUTED = provenance.computed(9, 10)
ILLUSTRATIVE = provenance.illustrative()
KINDS = {
    "published": PUBLISHED,
    "partner": PARTNER,
    "computed": COMPUTED,
    "illustrative": ILLUSTRATIVE,
}


def test_each_kind_is_said_in_words_a_reader_understands() -> None:
    assert [(p.strength, p.words, p.kind) for p in KINDS.values()] == [
        (Strength.PUBLISHED, "published figure, source diversitygroup.lt", "published"),
        (Strength.PARTNER, "expert data, revision 2, LV, 2026-11-20", "expert data"),
        (Strength.COMPUTED, "computed from 9 of 10 indicators", "computed"),
        (Strength.ILLUSTRATIVE, "illustrative", "illustrative"),
    ]
    assert PUBLISHED.source == "https://www.diversitygroup.lt/2022/report"


def test_figure_table_codes_become_provenance_and_never_raw_codes() -> None:
    latvia = "https://ogreszinas.news/?p=5561"
    assert provenance.of_figure("published", 118, 120, source=latvia) == Provenance(
        Strength.PUBLISHED, "published figure, source ogreszinas.news", latvia
    )
    assert provenance.of_figure("revision:7", 1, 1, country="LT", revised="2026-11-20") == (
        Provenance(Strength.PARTNER, "expert data, revision 7, LT, 2026-11-20")
    )
    assert provenance.of_figure("computed", 3, 4) == Provenance(
        Strength.COMPUTED, "computed from 3 of 4 indicators", coverage=0.75
    )
    assert provenance.of_figure("illustrative", 9, 10) == ILLUSTRATIVE
    assert provenance.of_figure("", 0, 1) is None


# (first, second) -> the kind of the derived number; worked out from the ranking
# published > partner > computed > illustrative.
PAIRS = {
    ("published", "published"): "published",
    ("published", "partner"): "partner",
    ("published", "computed"): "computed",
    ("published", "illustrative"): "illustrative",
    ("partner", "published"): "partner",
    ("partner", "partner"): "partner",
    ("partner", "computed"): "computed",
    ("partner", "illustrative"): "illustrative",
    ("computed", "published"): "computed",
    ("computed", "partner"): "computed",
    ("computed", "computed"): "computed",
    ("computed", "illustrative"): "illustrative",
    ("illustrative", "published"): "illustrative",
    ("illustrative", "partner"): "illustrative",
    ("illustrative", "computed"): "illustrative",
    ("illustrative", "illustrative"): "illustrative",
}


@pytest.mark.parametrize(("pair", "expected"), sorted(PAIRS.items()))
def test_a_number_derived_from_two_is_as_weak_as_the_weaker(
    pair: tuple[str, str], expected: str
) -> None:
    assert weakest([KINDS[pair[0]], KINDS[pair[1]]]) == KINDS[expected]


@pytest.mark.parametrize("triple", list(itertools.product(KINDS, repeat=3)))
def test_a_number_derived_from_three_is_as_weak_as_the_weakest(
    triple: tuple[str, str, str],
) -> None:
    order = ["illustrative", "computed", "partner", "published"]
    expected = min(triple, key=order.index)
    assert weakest(KINDS[k] for k in triple) == KINDS[expected]


def test_published_figures_from_several_sources_make_a_number_from_published_figures() -> None:
    assert weakest([PUBLISHED, OTHER_SOURCE]) == Provenance(
        Strength.PUBLISHED, "from published figures"
    )
    assert weakest([PUBLISHED, PUBLISHED]) == PUBLISHED


def test_among_computed_figures_the_least_covered_is_the_weakest() -> None:
    assert weakest([provenance.computed(9, 10), provenance.computed(2, 4)]).words == (
        "computed from 2 of 4 indicators"
    )


def test_a_derived_number_needs_an_input() -> None:
    with pytest.raises(ValueError, match="at least one input"):
        weakest([])


def _rows(*rows: tuple[str, float | None, str]) -> pd.DataFrame:
    """Overall figures of 2021: (country, score, provenance code)."""
    return pd.DataFrame(
        [
            {
                "round": 2021, "country": c, "level": "overall", "code": "", "score": s,
                "computed": s, "covered": 120 if s is not None else 10, "total": 120,
                "provenance": p, "source": "https://www.lastampa.it/x" if p == "published" else "",
                "revised": "", "note": "",
            }
            for c, s, p in rows
        ]
    )


ROWS = _rows(
    ("SE", 72.5, "published"),
    ("NL", 63.9, "illustrative"),
    ("IT", 52.9, "published"),
    ("CZ", 51.6, "illustrative"),
    ("LV", 51.6, "published"),
    ("XX", None, "illustrative"),
)
IT_FOURTH = make_fact("it_fourth", 2021, "Italy is 4th", "https://www.lastampa.it/x", "rank",
                      "country=IT; rank=4")


def test_a_rank_among_illustrative_neighbours_is_illustrative_and_ties_are_joint() -> None:
    ranked = rank_among(describe(ROWS))
    assert ranked[["country", "rank_text", "rank_origin"]].values.tolist() == [
        ["SE", "1st of 5", "illustrative"],
        ["NL", "2nd of 5", "illustrative"],
        ["IT", "3rd of 5", "illustrative"],
        ["CZ", "joint 4th of 5", "illustrative"],
        ["LV", "joint 4th of 5", "illustrative"],
        ["XX", "not ranked", ""],
    ]
    assert ranked["shown"].tolist()[-1] == "insufficient data (10 of 120 indicators)"


def test_one_figure_s_rank_is_worded_as_in_the_whole_ranking() -> None:
    scores = ROWS["score"]
    assert [rank_of(scores, s) for s in (72.5, 51.6, None)] == [
        "1st of 5", "joint 4th of 5", "not ranked"
    ]


def test_a_rank_a_published_fact_states_is_shown_as_published_with_its_source() -> None:
    ranked = rank_among(describe(ROWS), {"IT": IT_FOURTH}).set_index("country")
    assert ranked.loc["IT", "rank_text"] == "4th of 5"
    assert ranked.loc["IT", "rank_origin"] == (
        "published rank, source lastampa.it; current data give 3rd of 5"
    )
    assert ranked.loc["IT", "rank_source"] == "https://www.lastampa.it/x"


def test_a_rank_among_published_figures_only_is_from_published_figures() -> None:
    ranked = rank_among(describe(ROWS[ROWS["provenance"] == "published"]))
    assert set(ranked["rank_origin"]) == {"published figure, source lastampa.it"}


def test_averages_and_gaps_take_the_weakest_provenance() -> None:
    described = describe(ROWS)
    mean = average(described)
    assert mean is not None
    assert (mean.value, mean.provenance.words) == (58.5, "illustrative")
    published_only = average(described[described["provenance"] == "published"])
    assert published_only is not None
    assert (published_only.value, published_only.provenance.words) == (
        59.0,
        "published figure, source lastampa.it",
    )
    gap = derived(72.5 - 52.9, [PUBLISHED, PARTNER], "IT")
    assert (gap.value, gap.provenance) == (19.6, PARTNER)
