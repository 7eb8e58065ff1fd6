"""How things are put into words, the same on the pages and on the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from niem.wording import (
    country_label,
    describe_scores,
    empty_text,
    figure_text,
    moment_text,
    names_text,
    plural,
    rank_text,
    review_text,
    score_text,
    sentence,
    signed_text,
    status_text,
    value_text,
)

NAMES = {"LV": "Latvia", "BG": "Bulgaria", "PT": "Portugal"}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("wrong user name or password", "Wrong user name or password."),
        ("the password needs at least 8 characters.", "The password needs at least 8 characters."),
        ("  is this right?  ", "Is this right?"),
        ("", ""),
    ],
)
def test_a_message_becomes_a_sentence(message: str, expected: str) -> None:
    assert sentence(message) == expected


def test_counts_take_the_plural_after_one() -> None:
    assert [plural(n, "score") for n in (0, 1, 2)] == ["0 scores", "1 score", "2 scores"]


def test_times_are_shown_in_utc_with_or_without_the_zone() -> None:
    stored_by_sqlite = datetime(2021, 6, 30, 14, 5)
    assert moment_text(stored_by_sqlite) == "2021-06-30 14:05 UTC"
    assert moment_text(stored_by_sqlite, zone=False) == "2021-06-30 14:05"
    riga = datetime(2021, 6, 30, 17, 5, tzinfo=timezone(timedelta(hours=3)))
    assert moment_text(riga) == "2021-06-30 14:05 UTC"
    assert moment_text(datetime(2021, 1, 2, 3, 4, tzinfo=UTC)) == "2021-01-02 03:04 UTC"
    assert moment_text(None) == ""


def test_values_show_as_entered_and_aggregates_to_one_decimal() -> None:
    assert [value_text(v) for v in (None, 42.0, 55.5, 0.0)] == ["no data", "42", "55.5", "0"]
    assert [score_text(s) for s in (None, float("nan"), 50.66, 72)] == [
        "no data",
        "no data",
        "50.7",
        "72.0",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(39.55, "39.6"), (40.75, "40.8"), (62.25, "62.3"), (50.65, "50.7"), (0.05, "0.1")],
)
def test_figures_round_half_up_on_the_decimal_value(value: float, expected: str) -> None:
    assert score_text(value) == expected


def test_changes_carry_their_sign_and_never_a_negative_zero() -> None:
    assert [signed_text(c) for c in (7.25, -0.35, -0.04, 0.0)] == ["+7.3", "-0.4", "0.0", "0.0"]


def test_an_empty_figure_says_how_much_data_it_has() -> None:
    assert empty_text(1, 3) == "insufficient data (1 of 3 indicators)"
    assert empty_text(1, 1) == "insufficient data (1 of 1 indicator)"
    assert empty_text(0, 3) == "no data"
    assert figure_text(None, 1, 3) == "insufficient data (1 of 3 indicators)"
    assert figure_text(62.5, 1, 1, stored=True) == "62.5"
    assert figure_text(62.55, 3, 3) == "62.6"


@pytest.mark.parametrize(
    ("rank", "count", "joint", "expected"),
    [
        (1, 14, False, "1st of 14"),
        (2, 14, False, "2nd of 14"),
        (3, 14, False, "3rd of 14"),
        (12, 14, False, "12th of 14"),
        (13, 14, True, "joint 13th of 14"),
        (21, 22, False, "21st of 22"),
        (22, 22, False, "22nd of 22"),
    ],
)
def test_ranks_are_ordinals_with_ties_said(
    rank: int, count: int, joint: bool, expected: str
) -> None:
    assert rank_text(rank, count, joint=joint) == expected


@pytest.mark.parametrize(
    ("status", "author", "reviewer", "reason", "expected"),
    [
        ("pending", "lv", None, None, ""),
        ("published", "coord", "coord", None, ""),
        ("published", "lv", "coord", None, "approved by coord"),
        ("rejected", "lv", "coord", "Source missing", "rejected by coord: Source missing"),
        ("withdrawn", "lv", "lv", None, "withdrawn by lv"),
    ],
)
def test_the_review_says_who_decided_and_why(
    status: str, author: str, reviewer: str | None, reason: str | None, expected: str
) -> None:
    assert review_text(status, author, reviewer, reason) == expected


def test_statuses_are_named_for_people() -> None:
    assert [status_text(s) for s in ("pending", "published", "rejected", "withdrawn")] == [
        "waiting for review",
        "published",
        "rejected",
        "withdrawn",
    ]


def test_countries_are_named_with_their_code() -> None:
    assert country_label(NAMES, "LV") == "Latvia (LV)"
    assert country_label(NAMES, "XK") == "XK (XK)"
    assert names_text(NAMES, ["BG", "PT"]) == "Bulgaria (BG), Portugal (PT)"


def test_long_lists_of_scores_are_cut_after_five() -> None:
    keys = [(2021, "LV", f"BRI-I-0{i}") for i in range(1, 8)]
    assert describe_scores(keys[:2]) == "2021 LV BRI-I-01, 2021 LV BRI-I-02"
    assert describe_scores(keys) == (
        "2021 LV BRI-I-01, 2021 LV BRI-I-02, 2021 LV BRI-I-03, 2021 LV BRI-I-04, "
        "2021 LV BRI-I-05 and 2 more"
    )
