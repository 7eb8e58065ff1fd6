"""What an upload is checked against and what comes out of it: problems, checked rows, the
context of the submitter, and the columns a file may have (`niem.importing` reads files into
them; `niem.row_checks` checks their rows)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from niem.accounts import Account, Operator, submit_countries
from niem.config import ReadLimits
from niem.store import Catalogue, RoundInfo

REQUIRED_COLUMNS = ("round", "country", "indicator", "score")
OPTIONAL_COLUMNS = ("note", "source")
# Written by niem.templates for orientation; read (revision) or ignored, never reported.
ORIENTATION_COLUMNS = ("title", "dimension", "step", "revision")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ORIENTATION_COLUMNS

# Columns read only to orient the reader: what a cell there holds is never a problem.
IGNORED_CONTENT = ("title", "dimension", "step")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, where it is and how to fix it."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"file: {self.message}"
        if not self.column:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"


class UploadRow(NamedTuple):
    """One score as the partner submitted it, checked and normalised.

    Not a `niem.store.ScoreValue`: it is read before it is stored, and it starts with the row
    of the file it came from. A named tuple: an upload makes one per row, 100,000 at most.
    """

    row: int
    round_year: int
    country: str
    indicator: str
    value: float | None
    note: str
    source: str
    based_on_revision: int | None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.round_year, self.country, self.indicator)


@dataclass(frozen=True)
class UploadContext:
    """What the store knows and what the submitter may do, to check an upload against."""

    rounds: Mapping[int, frozenset[str]]
    indicators: Mapping[str, bool]
    editable_countries: frozenset[str] | None
    limits: ReadLimits


def upload_context(
    rounds: Sequence[RoundInfo],
    catalogue: Catalogue,
    submitter: Account | Operator,
    limits: ReadLimits,
) -> UploadContext:
    """What an upload by this submitter is checked against (the operator may edit any country)."""
    editable = None if isinstance(submitter, Operator) else submit_countries(submitter)
    return UploadContext(
        rounds={r.year: frozenset(r.countries) for r in rounds},
        indicators={code: i.scored for code, i in catalogue.indicators.items()},
        editable_countries=editable,
        limits=limits,
    )


@dataclass(frozen=True)
class UploadResult:
    """The rows of an upload, the problems that block it and notices that do not."""

    rows: list[UploadRow]
    problems: list[Problem]
    notices: list[Problem]

    @property
    def valid(self) -> bool:
        """True when there is something to import and nothing wrong with it."""
        return bool(self.rows) and not self.problems


# Told (rows checked, rows in the file) while an upload's rows are checked.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000
