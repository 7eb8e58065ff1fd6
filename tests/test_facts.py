"""Published facts: read from their file, checked against the figures, and enforced by
`niem check` on whatever the illustrative generator produces."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from niem import illustrative
from niem.cli import cli
from niem.config import DATA_DIR, load_settings
from niem.database import make_engine, open_session
from niem.facts import BadFact, check_facts, make_fact
from niem.loading import initialise
from niem.results import load_results
from niem.store import load_published_facts

SOURCE = "https://example.org/report"


def fact(check: str, arguments: str, round_year: int = 2021):  # type: ignore[no-untyped-def]
    return make_fact("f", round_year, "a statement", SOURCE, check, arguments)


def figures(rows: list[tuple[int, str, str, str, float | None]]) -> pd.DataFrame:
    """(round, country, level, code, score)."""
    return pd.DataFrame(rows, columns=["round", "country", "level", "code", "score"])


OVERALL = figures(
    [
        (2021, "SE", "overall", "", 72.5),
        (2021, "FR", "overall", "", 67.5),
        (2021, "IT", "overall", "", 52.9),
        (2021, "CZ", "overall", "", 52.9),
        (2021, "GR", "overall", "", 39.5),
        (2021, "HU", "overall", "", 32.8),
    ]
)


@pytest.mark.parametrize(
    ("check", "arguments", "message"),
    [
        ("ranking", "country=IT; rank=6", "fact f: unknown check 'ranking'; use one of rank, "
         "lowest, only_above, below, mean_gap, widest_gap, averages_change, "
         "below_average_of_others"),
        ("rank", "country=IT", "fact f: check rank needs country, rank; missing rank"),
        ("rank", "country=IT; rank=6; colour=red",
         "fact f: check rank needs country, rank; unknown colour"),
        ("rank", "country=IT; rank=sixth", "fact f: rank must be a number, not 'sixth'"),
        ("rank", "country IT", "fact f: argument 'country IT' is not written as name=value"),
    ],
)
def test_a_fact_that_cannot_be_read_says_why(check: str, arguments: str, message: str) -> None:
    with pytest.raises(BadFact) as raised:
        fact(check, arguments)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("check", "arguments", "holds", "numbers"),
    [
        ("rank", "country=FR; rank=2", True, "FR is 2nd of 6 (67.5)"),
        ("rank", "country=IT; rank=3", False, "IT is joint 3rd of 6 (52.9)"),
        ("rank", "country=XX; rank=1", False, "XX has no score"),
        ("lowest", "country=HU", True, "HU is 6th of 6 (32.8)"),
        ("lowest", "country=GR", False, "GR is 5th of 6 (39.5)"),
        ("only_above", "country=SE; score=70", True, "above 70: SE 72.5"),
        ("only_above", "country=SE; score=60", False, "above 60: SE 72.5, FR 67.5"),
        ("below", "countries=GR HU; score=50", True, "2 below 50: GR 39.5, HU 32.8"),
        ("below", "countries=HU; score=50", False, "2 below 50: GR 39.5, HU 32.8"),
        ("below_average_of_others", "country=SE", False,
         "SE 72.5, average of the 5 others 49.1"),
        ("below_average_of_others", "country=HU", True,
         "HU 32.8, average of the 5 others 57.1"),
    ],
)
def test_facts_about_one_measure_are_checked_with_their_numbers(
    check: str, arguments: str, holds: bool, numbers: str
) -> None:
    (verdict,) = check_facts([fact(check, arguments)], OVERALL)
    assert (verdict.holds, verdict.numbers) == (holds, numbers)


DIMENSIONS = figures(
    [
        (2019, "AA", "dimension", "housing", 60.0),
        (2019, "BB", "dimension", "housing", 50.0),
        (2019, "AA", "dimension", "health", 40.0),
        (2019, "BB", "dimension", "health", 40.0),
        (2021, "AA", "dimension", "housing", 80.0),
        (2021, "BB", "dimension", "housing", 10.05),
        (2021, "AA", "dimension", "health", 45.0),
        (2021, "BB", "dimension", "health", 40.0),
        (2021, "CC", "dimension", "health", None),
    ]
)


def test_gaps_are_best_minus_worst_and_their_mean_is_rounded_half_up() -> None:
    mean, widest, wrong = check_facts(
        [
            fact("mean_gap", "level=dimension; gap=37.5"),
            fact("widest_gap", "level=dimension; code=housing; gap=70.0"),
            fact("widest_gap", "level=dimension; code=health; gap=5.0"),
        ],
        DIMENSIONS,
    )
    # Gaps 69.95 and 5.0: their mean 37.475 is shown as 37.5.
    assert (mean.holds, mean.numbers) == (True, "mean gap 37.5 points over 2")
    assert (widest.holds, widest.numbers) == (True, "widest gap 70.0 in housing; next 5.0")
    assert wrong.holds is False


def test_average_changes_between_rounds_fall_or_rise_as_published() -> None:
    holds, broken = check_facts(
        [
            fact("averages_change", "level=dimension; since=2019; falls=housing; rises=health"),
            fact("averages_change", "level=dimension; since=2019; rises=housing"),
        ],
        DIMENSIONS,
    )
    assert (holds.holds, holds.numbers) == (
        True, "housing 55.0 → 45.0 (falls); health 40.0 → 42.5 (rises)"
    )
    assert (broken.holds, broken.numbers) == (False, "housing 55.0 → 45.0 (does not rise)")


def test_every_published_fact_holds_on_the_shipped_data(engine: Engine) -> None:
    with open_session(engine) as session:
        facts = load_published_facts(session)
        results = load_results(session)
    verdicts = {v.fact.key: (v.holds, v.numbers) for v in check_facts(facts, results)}
    assert verdicts == {
        "ro_legal_below_average": (True, "RO 58.9, average of the 13 others 70.3"),
        "backsliding": (
            True,
            "residency 49.6 → 45.7 (falls); housing 53.6 → 49.6 (falls); social_security 52.7 "
            "→ 48.8 (falls); citizenship 51.7 → 53.2 (rises); family_reunification 47.6 → "
            "49.0 (rises); language_learning 52.9 → 54.3 (rises); implementation 35.6 → 37.2 "
            "(rises)",
        ),
        "five_below_50": (True, "5 below 50: GR 39.5, RO 38.5, BG 37.1, PL 36.9, HU 32.8"),
        "fr_second": (True, "FR is 2nd of 14 (67.5)"),
        "hu_lowest": (True, "HU is 14th of 14 (32.8)"),
        "it_sixth": (True, "IT is 6th of 14 (52.9)"),
        "mean_gap_59_4": (True, "mean gap 59.4 points over 12"),
        "se_only_above_70": (True, "above 70: SE 72.5"),
        "widest_gap_language": (True, "widest gap 92.7 in language_learning; next 89.1"),
    }


def test_niem_check_passes_on_the_shipped_data(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0
    assert "fact it_sixth (2021): holds: IT is 6th of 14 (52.9)" in result.stdout
    assert result.stdout.splitlines()[-1] == "9 of 9 published facts hold."


def test_a_generator_whose_scores_break_a_fact_makes_niem_check_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Czechia placed above Italy: Italy is no longer 6th.
    monkeypatch.setitem(illustrative.UNPUBLISHED_LEVELS, "CZ", 54.0)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("niem.db*", "screenshots"))
    settings = dataclasses.replace(load_settings(), data_dir=data, framework_dir=data / "framework")
    (data / "illustrative_scores.csv").write_text(
        illustrative.generate_from_shipped_files(settings), encoding="utf-8"
    )
    url = f"sqlite:///{tmp_path / 'niem.db'}"
    initialise(make_engine(url), settings)
    monkeypatch.setenv("NIEM_DATABASE_URL", url)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "fact it_sixth (2021): does not hold: IT is 7th of 14 (52.9)" in result.stdout
    assert result.stdout.splitlines()[-1] == "8 of 9 published facts hold."
