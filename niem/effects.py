"""What a change of indicator values does to the figures: each cell, dimension, step, area and
overall figure before and after, with its rank among the round's countries.

The same pure scoring (`niem.methodology.aggregate`) runs twice over a what-if copy of the
current values, once as they are and once with the changes; nothing is written. Review uses
it for a pending revision, and the country profile for an advocate's what-if scenario.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from niem.accounts import Actor
from niem.changes import Change, revision_diff, same_value
from niem.methodology import Framework, aggregate, round_score
from niem.store import load_framework, load_rounds, published_values

# Indicator values of one country: code -> value (None: no data).
Values = Mapping[str, float | None]


@dataclass(frozen=True)
class FigureEffect:
    """One figure of one country before and after a change, with its rank among the round's
    countries (1 = highest; None when the figure is not computed)."""

    round_year: int
    country: str
    level: str
    code: str
    before: float | None
    after: float | None
    rank_before: int | None
    rank_after: int | None
    ranked: int

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative)."""
        if self.rank_before is None or self.rank_after is None:
            return None
        return self.rank_before - self.rank_after


def _figures(framework: Framework, values: Values) -> dict[tuple[str, str], float | None]:
    return {(f.level, f.code): round_score(f.score) for f in aggregate(framework, values)}


def _ranks(scores: Mapping[str, float | None]) -> dict[str, int]:
    """Competition ranks, highest first: equal scores share a rank (1, 2, 2, 4)."""
    present = [s for s in scores.values() if s is not None]
    return {
        country: 1 + sum(other > score for other in present)
        for country, score in scores.items()
        if score is not None
    }


def figure_effects(
    framework: Framework,
    round_year: int,
    values: Mapping[str, Values],
    changed: Mapping[str, Values],
) -> list[FigureEffect]:
    """Each figure that moves when the `changed` indicator values replace those in `values`
    (both by country), in the order the framework aggregates them."""
    before = {country: _figures(framework, v) for country, v in values.items()}
    after = dict(before)
    for country, new_values in changed.items():
        after[country] = _figures(framework, {**values.get(country, {}), **new_values})
    effects = []
    for country in changed:
        for key, old in before.get(country, _figures(framework, {})).items():
            new = after[country][key]
            if same_value(old, new):
                continue
            ranks_before = _ranks({c: figures[key] for c, figures in before.items()})
            ranks_after = _ranks({c: figures[key] for c, figures in after.items()})
            effects.append(
                FigureEffect(
                    round_year,
                    country,
                    key[0],
                    key[1],
                    old,
                    new,
                    ranks_before.get(country),
                    ranks_after.get(country),
                    len(after),
                )
            )
    return effects


def changes_effect(
    framework: Framework,
    countries_by_round: Mapping[int, Sequence[str]],
    current: Mapping[tuple[int, str, str], float | None],
    changes: Iterable[Change],
) -> list[FigureEffect]:
    """The effect of score changes (before -> after) on the figures of their rounds."""
    changes = list(changes)
    changed: dict[int, dict[str, dict[str, float | None]]] = {}
    for change in changes:
        by_country = changed.setdefault(change.round_year, {})
        by_country.setdefault(change.country, {})[change.indicator] = change.after
    effects: list[FigureEffect] = []
    for round_year, by_country in sorted(changed.items()):
        countries = countries_by_round.get(round_year, ())
        values: dict[str, dict[str, float | None]] = {c: {} for c in countries}
        for (year, country, indicator), value in current.items():
            if year == round_year and country in values:
                values[country][indicator] = value
        # The changes start from the value each replaces, as the review shows it.
        for change in changes_of(changes, round_year):
            values.setdefault(change.country, {})[change.indicator] = change.before
        effects.extend(figure_effects(framework, round_year, values, by_country))
    return effects


def changes_of(changes: Iterable[Change], round_year: int) -> list[Change]:
    """The changes that concern one round."""
    return [c for c in changes if c.round_year == round_year]


def revision_effect(session: Session, revision_id: int, *, viewer: Actor) -> list[FigureEffect]:
    """What approving (or what having approved) a revision does to the figures; no write."""
    changes = revision_diff(session, revision_id, viewer=viewer)
    current = {key: value.value for key, value in published_values(session).items()}
    rounds = {r.year: r.countries for r in load_rounds(session)}
    return changes_effect(load_framework(session), rounds, current, changes)


# A what-if scenario travels in the URL as "MAI-L-01:80,EDU-P-02:-" ("-": no data).
MAX_SCENARIO_VALUES = 40
MAX_SCENARIO_CHARACTERS = 1200


def encode_scenario(scenario: Mapping[str, float | None]) -> str:
    """The scenario as its compact URL form, codes in order."""
    return ",".join(
        f"{code}:{'-' if value is None else f'{value:g}'}"
        for code, value in sorted(scenario.items())
    )


def decode_scenario(text: str, indicators: Iterable[str]) -> dict[str, float | None]:
    """The scenario a URL holds; an unknown or repeated code, a value outside 0-100, too many
    values or too long a text make it empty, as any URL input not understood is ignored."""
    known = set(indicators)
    if not text or len(text) > MAX_SCENARIO_CHARACTERS:
        return {}
    parts = text.split(",")
    if len(parts) > MAX_SCENARIO_VALUES:
        return {}
    scenario: dict[str, float | None] = {}
    for part in parts:
        code, _colon, raw = part.partition(":")
        if code not in known or code in scenario:
            return {}
        if raw == "-":
            scenario[code] = None
            continue
        try:
            value = float(raw)
        except ValueError:
            return {}
        if not 0 <= value <= 100 or raw.strip() != raw:
            return {}
        scenario[code] = value
    return scenario


def what_if(
    framework: Framework,
    round_year: int,
    values: Mapping[str, Values],
    country: str,
    scenario: Mapping[str, float | None],
) -> list[FigureEffect]:
    """Each figure of the country that the scenario moves, current -> what if, with ranks."""
    if not scenario:
        return []
    return figure_effects(framework, round_year, values, {country: scenario})
