"""Current values as columns, one round at a time: what the figures table is built from.

Read from `CurrentValue` along its key with kept statements (`niem.database.driver_rows`),
as plain tuples made into arrays, not as objects: every figures table reads 10,000 per round.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import sqlalchemy as sql
from sqlmodel import Session, col

from niem.database import driver_rows
from niem.models import CurrentValue, Revision, Round


@dataclass(frozen=True)
class CurrentColumns:
    """Current values as columns, one entry per value: what the figures table is built from."""

    round: np.ndarray
    country: np.ndarray
    indicator: np.ndarray
    value: np.ndarray  # NaN where a score is set without a value
    provenance: np.ndarray
    source: np.ndarray
    note: np.ndarray
    revision: np.ndarray  # the revision that made each value current
    # When each of those revisions was published, as stored (SQLite text, PostgreSQL datetimes).
    published: Mapping[int, Any]
    # Where each round's values lie, when they were read a round at a time.
    spans: Mapping[int, slice] = field(default_factory=dict)

    def of_round(self, year: int) -> CurrentColumns:
        """The values of one round (a view of the arrays where the round's span is known)."""
        keep: slice | np.ndarray | None = self.spans.get(year)
        if keep is None:
            if (self.round == year).all():
                return self
            keep = self.round == year
        arrays = {name: getattr(self, name)[keep] for name in _ARRAY_FIELDS}
        return CurrentColumns(**arrays, published=self.published)


_ARRAY_FIELDS = (
    "round", "country", "indicator", "value", "provenance", "source", "note", "revision"
)


_ROUND_VALUES = [
    col(CurrentValue.country_code),
    col(CurrentValue.indicator_code),
    col(CurrentValue.value),
    col(CurrentValue.provenance),
]
_ROUND_TEXTS = [col(CurrentValue.source), col(CurrentValue.note), col(CurrentValue.revision_id)]
# One round's current values, with or without their texts.
_CURRENT_OF_ROUND = {
    wanted_text: sql.select(*_ROUND_VALUES, *(_ROUND_TEXTS if wanted_text else [])).where(
        col(CurrentValue.round_year) == sql.bindparam("year")
    )
    for wanted_text in (False, True)
}
_ROUND_YEARS = sql.select(col(Round.year)).order_by(col(Round.year))


def current_columns(
    session: Session, years: Iterable[int] | None = None, *, text: bool = True
) -> CurrentColumns:
    """Every current value (of the rounds `years`, or all) as columns, from `CurrentValue`,
    read round by round along its key; without `text`, notes and sources are left empty."""
    years = (
        [year for year, in driver_rows(session, _ROUND_YEARS, {})] if years is None else list(years)
    )
    parts = [
        _arrays_of(driver_rows(session, _CURRENT_OF_ROUND[text], {"year": year}), year, text)
        for year in years
    ] or [_arrays_of([], 0, text)]
    arrays = {name: np.concatenate([part[name] for part in parts]) for name in _ARRAY_FIELDS}
    moments = publication_moments(session, np.unique(arrays["revision"]).tolist()) if text else {}
    spans, start = {}, 0
    for year, part in zip(years, parts, strict=False):  # no years: one empty part
        spans[year] = slice(start, start + len(part["round"]))
        start = spans[year].stop
    return CurrentColumns(**arrays, published=moments, spans=spans)


def _arrays_of(rows: Sequence[tuple[Any, ...]], year: int, text: bool) -> dict[str, np.ndarray]:
    """One round's rows (as `_CURRENT_OF_ROUND` reads them) as columns."""
    count = len(rows)

    def column(place: int, dtype: Any = object) -> np.ndarray:
        return np.fromiter(map(itemgetter(place), rows), dtype=dtype, count=count)

    blank = np.full(count, "", dtype=object)
    return {
        "round": np.full(count, year, dtype=np.int64),
        "country": column(0),
        "indicator": column(1),
        # A score set without a value reads as None, which NaN stands for.
        "value": np.array(list(map(itemgetter(2), rows)), dtype=float),
        "provenance": column(3),
        "source": column(4) if text else blank,
        "note": column(5) if text else blank,
        "revision": column(6, np.int64) if text else np.zeros(count, dtype=np.int64),
    }


def publication_moments(session: Session, revision_ids: Sequence[int]) -> dict[int, Any]:
    """When each of these revisions was published, as stored."""
    found: dict[int, Any] = {}
    largest = _MOMENTS_SIZES[-1]
    for start in range(0, len(revision_ids), largest):
        chunk = list(revision_ids[start : start + largest])
        # A statement for each length of list would be compiled anew for most reads; the list
        # is padded to one of a few lengths instead (a repeated id finds the same row).
        size = next(size for size in _MOMENTS_SIZES if size >= len(chunk))
        chunk += chunk[-1:] * (size - len(chunk))
        parameters = {f"id{n}": revision for n, revision in enumerate(chunk)}
        found.update(driver_rows(session, _moments_of(size), parameters))
    return found


_MOMENTS_SIZES = (64, 512, 4096)


@functools.cache
def _moments_of(size: int) -> sql.Select[int | None, str]:
    """The statement reading the moments of `size` revisions, made when first needed (the
    longest holds 4,096 parameters) and kept, so that it is compiled once."""
    return sql.select(col(Revision.id), sql.type_coerce(Revision.published_at, sql.String)).where(
        col(Revision.id).in_([sql.bindparam(f"id{n}") for n in range(size)])
    )
