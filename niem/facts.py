"""Published facts: what the reports say about the figures (ranks, counts, gaps, trends).

Each fact in `data/published_facts.csv` names a check and its arguments, written
`key=value; key=value` with lists separated by spaces, so that `niem check` can say whether
the current figures still agree with it, and the pages can show a rank a report states.
A measure is `overall` unless the arguments name one (`measure=step:legal`); list items
without a level take the fact's `level` (`rises=citizenship step:implementation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING

from niem.errors import NiemError
from niem.methodology import Measure, round_score
from niem.wording import ordinal, score_text

if TYPE_CHECKING:
    import pandas as pd

# The arguments each check needs; `measure` and `level` may be given to any of them.
CHECKS: dict[str, tuple[str, ...]] = {
    "rank": ("country", "rank"),
    "lowest": ("country",),
    "only_above": ("country", "score"),
    "below": ("countries", "score"),
    "mean_gap": ("gap",),
    "widest_gap": ("code", "gap"),
    "averages_change": ("since",),
    "below_average_of_others": ("country",),
}
OPTIONAL = {"measure", "level", "falls", "rises"}


class BadFact(NiemError):
    """A published fact whose check cannot be read."""


@dataclass(frozen=True)
class Fact:
    """One published statement about the figures of a round, with its source and check."""

    key: str
    round_year: int
    statement: str
    source_url: str
    check: str
    arguments: Mapping[str, str]

    @property
    def measure(self) -> Measure:
        return Measure.from_key(self.arguments.get("measure", "overall"))

    @property
    def level(self) -> str:
        return self.arguments.get("level", "dimension")

    def number(self, name: str) -> float:
        return float(self.arguments[name])

    def measures(self, name: str) -> list[Measure]:
        """A list argument as measures: `citizenship` is a code at the fact's level."""
        return [
            Measure.from_key(item if ":" in item else f"{self.level}:{item}")
            for item in self.arguments.get(name, "").split()
        ]


@dataclass(frozen=True)
class FactCheck:
    """Whether a fact holds for the current figures, and the numbers that decide it."""

    fact: Fact
    holds: bool
    numbers: str

    def __str__(self) -> str:
        verdict = "holds" if self.holds else "does not hold"
        return f"fact {self.fact.key} ({self.fact.round_year}): {verdict}: {self.numbers}"


def parse_arguments(text: str) -> dict[str, str]:
    """'country=IT; rank=6' as {'country': 'IT', 'rank': '6'}."""
    arguments: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, equals, value = part.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise BadFact(f"argument {part.strip()!r} is not written as name=value")
        arguments[name.strip()] = " ".join(value.split())
    return arguments


def make_fact(
    key: str, round_year: int, statement: str, source_url: str, check: str, arguments: str
) -> Fact:
    """A fact whose check is known and has every argument it needs, or BadFact saying why."""
    if check not in CHECKS:
        raise BadFact(f"fact {key}: unknown check {check!r}; use one of {', '.join(CHECKS)}")
    try:
        parsed = parse_arguments(arguments)
    except BadFact as error:
        raise BadFact(f"fact {key}: {error}") from None
    missing = [name for name in CHECKS[check] if name not in parsed]
    unknown = [name for name in parsed if name not in CHECKS[check] and name not in OPTIONAL]
    if missing or unknown:
        raise BadFact(
            f"fact {key}: check {check} needs {', '.join(CHECKS[check])}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
    fact = Fact(key, round_year, statement, source_url, check, parsed)
    for name in ("rank", "score", "gap", "since"):
        if name in parsed:
            try:
                fact.number(name)
            except ValueError:
                raise BadFact(
                    f"fact {key}: {name} must be a number, not {parsed[name]!r}"
                ) from None
    return fact


def scores_of(results: pd.DataFrame, round_year: int, measure: Measure) -> pd.Series:
    """The current score of every country with one, for a measure in a round."""
    mask = (
        (results["round"] == round_year)
        & (results["level"] == measure.level)
        & (results["code"] == measure.code)
    )
    return results.loc[mask].dropna(subset=["score"]).set_index("country")["score"].astype(float)


def _listed(scores: pd.Series) -> str:
    return ", ".join(f"{c} {score_text(v)}" for c, v in scores.sort_values(ascending=False).items())


def _rank(fact: Fact, scores: pd.Series, wanted: int | None) -> FactCheck:
    country = fact.arguments["country"]
    if country not in scores:
        return FactCheck(fact, False, f"{country} has no score")
    position = int((scores > scores[country]).sum()) + 1
    ties = int((scores == scores[country]).sum()) - 1
    wanted = len(scores) if wanted is None else wanted
    shown = ("joint " if ties else "") + ordinal(position)
    numbers = f"{country} is {shown} of {len(scores)} ({score_text(scores[country])})"
    return FactCheck(fact, position == wanted and not ties, numbers)


def _only_above(fact: Fact, scores: pd.Series) -> FactCheck:
    threshold = fact.number("score")
    above = scores[scores > threshold]
    holds = list(above.index) == [fact.arguments["country"]]
    return FactCheck(fact, holds, f"above {threshold:g}: {_listed(above) or 'none'}")


def _below(fact: Fact, scores: pd.Series) -> FactCheck:
    threshold = fact.number("score")
    below = scores[scores < threshold]
    holds = set(below.index) == set(fact.arguments["countries"].split())
    return FactCheck(fact, holds, f"{len(below)} below {threshold:g}: {_listed(below) or 'none'}")


def dimension_gaps(results: pd.DataFrame, round_year: int, level: str) -> dict[str, float]:
    """Per code of a level, the gap between the best and the worst country's figure."""
    rows = results[(results["round"] == round_year) & (results["level"] == level)]
    spread = rows.dropna(subset=["score"]).groupby("code", sort=False)["score"].agg(["max", "min"])
    return {str(code): float(r["max"] - r["min"]) for code, r in spread.iterrows()}


def _mean_gap(fact: Fact, results: pd.DataFrame) -> FactCheck:
    gaps = dimension_gaps(results, fact.round_year, fact.level)
    if not gaps:
        return FactCheck(fact, False, f"no {fact.level} has a score")
    mean = round_score(fmean(gaps.values()))
    holds = mean == fact.number("gap")
    return FactCheck(fact, holds, f"mean gap {score_text(mean)} points over {len(gaps)}")


def _widest_gap(fact: Fact, results: pd.DataFrame) -> FactCheck:
    gaps = dimension_gaps(results, fact.round_year, fact.level)
    if not gaps:
        return FactCheck(fact, False, f"no {fact.level} has a score")
    widest = max(gaps, key=lambda code: gaps[code])
    runner_up = max((g for c, g in gaps.items() if c != widest), default=0.0)
    gap = round_score(gaps[widest])
    holds = (
        widest == fact.arguments["code"]
        and gap == fact.number("gap")
        and runner_up < gaps[widest]
    )
    return FactCheck(
        fact, holds, f"widest gap {score_text(gap)} in {widest}; next {score_text(runner_up)}"
    )


def average_change(
    results: pd.DataFrame, before: int, after: int, measure: Measure
) -> tuple[float, float] | None:
    """The mean figure of the countries scored in both rounds, before and after."""
    then, now = scores_of(results, before, measure), scores_of(results, after, measure)
    both = sorted(set(then.index) & set(now.index))
    if not both:
        return None
    return fmean(then[both]), fmean(now[both])


def _averages_change(fact: Fact, results: pd.DataFrame) -> FactCheck:
    before = int(fact.number("since"))
    holds, parts = True, []
    for wanted, measures in (("falls", fact.measures("falls")), ("rises", fact.measures("rises"))):
        for measure in measures:
            averages = average_change(results, before, fact.round_year, measure)
            if averages is None:
                holds = False
                parts.append(f"{measure.code}: no scores in both rounds")
                continue
            then, now = averages
            moved = now < then if wanted == "falls" else now > then
            holds &= moved
            word = wanted if moved else ("does not fall" if wanted == "falls" else "does not rise")
            parts.append(f"{measure.code} {score_text(then)} → {score_text(now)} ({word})")
    return FactCheck(fact, holds, "; ".join(parts))


def _below_average(fact: Fact, scores: pd.Series) -> FactCheck:
    country = fact.arguments["country"]
    others = scores.drop(country, errors="ignore")
    if country not in scores or others.empty:
        return FactCheck(fact, False, f"{country} or the others have no score")
    average = fmean(others)
    numbers = (
        f"{country} {score_text(scores[country])}, average of the {len(others)} others "
        f"{score_text(average)}"
    )
    return FactCheck(fact, bool(scores[country] < average), numbers)


def check_fact(fact: Fact, results: pd.DataFrame) -> FactCheck:
    """Whether the current figures agree with a published fact, with the numbers."""
    scores = scores_of(results, fact.round_year, fact.measure)
    if fact.check == "rank":
        return _rank(fact, scores, int(fact.number("rank")))
    if fact.check == "lowest":
        return _rank(fact, scores, None)
    if fact.check == "only_above":
        return _only_above(fact, scores)
    if fact.check == "below":
        return _below(fact, scores)
    if fact.check == "mean_gap":
        return _mean_gap(fact, results)
    if fact.check == "widest_gap":
        return _widest_gap(fact, results)
    if fact.check == "averages_change":
        return _averages_change(fact, results)
    return _below_average(fact, scores)


def rounds_checked(facts: Iterable[Fact]) -> tuple[int, ...]:
    """The rounds whose figures checking these facts reads."""
    years = set()
    for fact in facts:
        years.add(fact.round_year)
        if fact.check == "averages_change":
            years.add(int(fact.number("since")))
    return tuple(sorted(years))


def check_facts(facts: Iterable[Fact], results: pd.DataFrame) -> list[FactCheck]:
    """Every fact checked against the current figures, in the order given."""
    return [check_fact(fact, results) for fact in facts]


def stated_rank(fact: Fact, ranked: int) -> int | None:
    """The rank a fact states for its country among `ranked` countries, if it states one."""
    if fact.check == "rank":
        return int(fact.number("rank"))
    if fact.check == "lowest":
        return ranked
    if fact.check == "only_above":
        return 1
    return None


def rank_statements(
    facts: Sequence[Fact], round_year: int, measure: Measure
) -> dict[str, Fact]:
    """The facts that state a country's rank on a measure in a round, by country."""
    return {
        fact.arguments["country"]: fact
        for fact in facts
        if fact.round_year == round_year
        and fact.measure == measure
        and fact.check in ("rank", "lowest", "only_above")
    }
