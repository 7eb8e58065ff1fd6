"""Checking a partner's upload: its cells (`niem.sheets`) in, score rows and every problem out.

Nothing here touches the database or draws: the page and the CLI render the problems,
and nothing may be written unless `UploadResult.problems` is empty.

Decisions worth knowing:
- `note` and `source` may be absent: every row's note or source is then empty, and a
  notice says so (an import may overwrite existing notes with nothing).
- A row is returned only when all required columns exist and the row has no problem.
- A text that begins with an apostrophe before `=`, `+`, `-` or `@` loses the apostrophe:
  our own exports add it so that a spreadsheet does not run the text as a formula.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from niem.accounts import Account, Operator, submit_countries
from niem.cells import (
    Formula,
    Table,
    Unreadable,
    Unusable,
    cell_number,
    cell_text,
    cell_whole_number,
    is_blank,
    looks_like_a_number,
)
from niem.config import ReadLimits
from niem.countries import resolve_country
from niem.exporting import FORMULA_PREFIXES
from niem.i18n import _
from niem.sheets import SEPARATOR_NAMES, read_cells
from niem.store import Catalogue, RoundInfo
from niem.text import control_character

REQUIRED_COLUMNS = ("round", "country", "indicator", "score")
OPTIONAL_COLUMNS = ("note", "source")
# Written by niem.templates for orientation; read (revision) or ignored, never reported.
ORIENTATION_COLUMNS = ("title", "dimension", "step", "revision")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ORIENTATION_COLUMNS

# Columns read only to orient the reader: what a cell there holds is never a problem.
IGNORED_CONTENT = ("title", "dimension", "step")
# Mistyped indicator codes get the nearest codes suggested, for this many different ones.
MAX_SUGGESTED = 50
MAX_SUGGESTED_LENGTH = 40


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


@dataclass(frozen=True)
class UploadRow:
    """One score as the partner submitted it, checked and normalised.

    Not a `niem.store.ScoreValue`: it is read before it is stored, and it starts with the row
    of the file it came from.
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


def read_upload(
    data: bytes, filename: str, context: UploadContext, progress: Progress | None = None
) -> UploadResult:
    """Read a CSV or XLSX upload and check every row against the context."""
    read_notices: list[str] = []
    try:
        table = read_cells(data, filename, context.limits, read_notices)
    except Unreadable as error:
        return UploadResult(rows=[], problems=[Problem(error.row, "", str(error))], notices=[])
    if table is None:
        return _file_problem(_("the file is empty; fill in the template and upload it again"))
    return _check_table(table, context, [Problem(None, "", n) for n in read_notices], progress)


def problems_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """The problems as a table with columns row, column and problem, for a CSV download."""
    return pd.DataFrame(
        {
            "row": pd.array([p.row for p in problems], dtype="Int64"),
            "column": [p.column for p in problems],
            "problem": [p.message for p in problems],
        }
    )


def _file_problem(message: str) -> UploadResult:
    return UploadResult(rows=[], problems=[Problem(None, "", message)], notices=[])


def _check_table(
    table: Table, context: UploadContext, notices: list[Problem], progress: Progress | None
) -> UploadResult:
    problems: list[Problem] = []
    columns = _read_header(table, problems, notices)
    order = {name: i for i, name in reversed(list(enumerate(table.header)))}
    for i, name in enumerate(REQUIRED_COLUMNS + OPTIONAL_COLUMNS):
        order.setdefault(name, len(table.header) + i)
    if not table.rows:
        problems.append(
            Problem(None, "", _("the file has a header but no scores; add one row per score"))
        )
    checker = _RowChecker(table, columns, context)
    rows = []
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        if row := checker.check(number, cells):
            rows.append(row)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    problems.extend(checker.problems)
    if not all(name in columns for name in REQUIRED_COLUMNS):
        rows = []

    def position(problem: Problem) -> tuple[int, int]:
        return (problem.row or 0, order.get(problem.column, -1))

    return UploadResult(
        rows=rows, problems=sorted(problems, key=position), notices=sorted(notices, key=position)
    )


def _read_header(table: Table, problems: list[Problem], notices: list[Problem]) -> dict[str, int]:
    """Known column name -> position; unknown, repeated and missing columns reported."""
    columns: dict[str, int] = {}
    row = table.header_row
    unnamed = {index for index, name in enumerate(table.header) if not name.strip()}
    # One pass over the cells, whatever the number of unnamed columns.
    unnamed_with_values = {
        index
        for _number, cells in table.rows
        for index, cell in enumerate(cells)
        if index in unnamed and cell_text(cell)
    }
    for index, name in enumerate(table.header):
        key = "".join(name.split()).casefold()
        if not key:
            if index in unnamed_with_values:
                notices.append(
                    Problem(
                        row,
                        "",
                        _("column {number} has values but no header; they are ignored").format(
                            number=index + 1
                        ),
                    )
                )
        elif key not in KNOWN_COLUMNS:
            notices.append(
                Problem(
                    row,
                    name,
                    _("unknown column, ignored; the columns read are {columns}").format(
                        columns=", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
                    ),
                )
            )
        elif key in columns:
            problems.append(
                Problem(
                    row,
                    name,
                    _('the column "{column}" appears twice; keep only one of them').format(
                        column=key
                    ),
                )
            )
        else:
            columns[key] = index
    present = ", ".join(name for name in table.header if name) or "none"
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(
                Problem(
                    row,
                    name,
                    _('required column is missing; add a column named "{column}" (the file\'s '
                      "columns are: {present})").format(column=name, present=present),
                )
            )
    for name in OPTIONAL_COLUMNS:
        if name not in columns:
            notices.append(
                Problem(
                    row,
                    name,
                    _("column is missing, so every score gets an empty {column}; add the column to "
                      "give scores a {column}").format(column=name),
                )
            )
    return columns


class _RowChecker:
    """Checks data rows one by one, remembering what it saw to find duplicates."""

    def __init__(self, table: Table, columns: dict[str, int], context: UploadContext) -> None:
        self.table = table
        self.columns = columns
        self.context = context
        self.problems: list[Problem] = []
        self.first_rows: dict[tuple[int, str, str], int] = {}
        self.country_codes: dict[str, str | None] = {}
        self.rounds = ", ".join(str(year) for year in sorted(context.rounds))
        self.indicators = {code.upper(): code for code in context.indicators}
        self.suggested: dict[str, str] = {}
        self.example_indicator = next(
            (code for code, scored in context.indicators.items() if scored), "MAI-L-01"
        )
        editable = sorted(context.editable_countries or ())
        self.example_country = editable[0] if editable else "LV"

    def name(self, key: str) -> str:
        return self.table.header[self.columns[key]].strip()

    def cell(self, cells: list[object], key: str) -> object:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def skipped(self, cells: list[object], key: str) -> bool:
        """True when the column is missing or the cell holds no value: reported elsewhere."""
        return key not in self.columns or isinstance(self.cell(cells, key), Formula | Unusable)

    def report(self, number: int, key: str, message: str) -> None:
        self.problems.append(Problem(number, self.name(key), message))

    def check(self, number: int, cells: list[object]) -> UploadRow | None:
        """The row, if nothing in it is wrong; its problems are recorded either way."""
        if is_blank(cells):
            return None
        before = len(self.problems)
        width = len(self.table.header)
        if any(cell_text(cell) for cell in cells[width:]):
            self.problems.append(
                Problem(
                    number,
                    "",
                    _("has values beyond the header's {width} columns; put any note, source or "
                      "score that contains {separator} in double quotes").format(
                        width=width, separator=_(SEPARATOR_NAMES[self.table.delimiter])
                    ),
                )
            )
        for key in self.columns:
            content = self.cell(cells, key)
            if key in IGNORED_CONTENT:
                continue
            if isinstance(content, Formula):
                self.report(
                    number,
                    key,
                    _("contains a formula ({formula}); paste values only (Paste Special → "
                      "Values)").format(formula=content.text),
                )
            elif isinstance(content, Unusable):
                self.report(number, key, content.message)
            elif key in OPTIONAL_COLUMNS and (code := control_character(cell_text(content))):
                self.report(
                    number,
                    key,
                    _("contains a control character ({code}); remove it").format(code=code),
                )
        round_year = self.round_year(number, cells)
        country = self.country(number, cells, round_year)
        indicator = self.indicator(number, cells)
        value = self.score(number, cells)
        revision = self.revision(number, cells)
        if round_year is None or country is None or indicator is None:
            return None
        identity = (round_year, country, indicator)
        if identity in self.first_rows:
            self.report(
                number,
                "indicator",
                _("repeats row {row} (round {round}, {country}, {indicator}); keep only one of the "
                  "two rows").format(
                    row=self.first_rows[identity],
                    round=round_year,
                    country=country,
                    indicator=indicator,
                ),
            )
        else:
            self.first_rows[identity] = number
        if len(self.problems) > before:
            return None
        return UploadRow(
            row=number,
            round_year=round_year,
            country=country,
            indicator=indicator,
            value=value,
            note=_free_text(self.cell(cells, "note")),
            source=_free_text(self.cell(cells, "source")),
            based_on_revision=revision,
        )

    def round_year(self, number: int, cells: list[object]) -> int | None:
        if self.skipped(cells, "round"):
            return None
        raw = self.cell(cells, "round")
        text = cell_text(raw)
        if not text:
            self.report(
                number,
                "round",
                _("is empty; enter the round year, one of {rounds}").format(rounds=self.rounds),
            )
            return None
        year = cell_whole_number(raw)
        if year is None:
            self.report(
                number,
                "round",
                _('"{text}" is not a round year; enter one of {rounds}').format(
                    text=text, rounds=self.rounds
                ),
            )
            return None
        if year not in self.context.rounds:
            self.report(
                number,
                "round",
                _('"{text}" is not a known round; enter one of {rounds}').format(
                    text=text, rounds=self.rounds
                ),
            )
            return None
        return year

    def country(self, number: int, cells: list[object], round_year: int | None) -> str | None:
        if self.skipped(cells, "country"):
            return None
        raw = self.cell(cells, "country")
        text = cell_text(raw)
        hint = _("enter an ISO code such as {code}, or the English name").format(
            code=self.example_country
        )
        if not text:
            self.report(number, "country", _("is empty; {hint}").format(hint=hint))
            return None
        if text.isdigit():
            self.report(
                number,
                "country",
                _('"{text}" is a numeric country code; use the two-letter code such as {example}')
                .format(text=text, example=self.example_country),
            )
            return None
        if text not in self.country_codes:
            self.country_codes[text] = resolve_country(text)
        code = self.country_codes[text]
        if code is None:
            self.report(
                number,
                "country",
                _('"{text}" is not a known country; {hint}').format(text=text, hint=hint),
            )
            return None
        known = True
        editable = self.context.editable_countries
        if editable is not None and code not in editable:
            known = False
            if editable:
                allowed = ", ".join(sorted(editable))
                self.report(
                    number,
                    "country",
                    _("you may submit only for {allowed}; remove the rows for {country} or ask the "
                      "coordinator for access to {country}").format(allowed=allowed, country=code),
                )
            else:
                self.report(
                    number,
                    "country",
                    _("you may not submit for any country; ask the coordinator for access"),
                )
        if round_year is not None and code not in self.context.rounds[round_year]:
            known = False
            members = " ".join(sorted(self.context.rounds[round_year]))
            self.report(
                number,
                "country",
                _("{country} is not in round {round}; the round's countries are {members}").format(
                    country=code, round=round_year, members=members
                ),
            )
        return code if known else None

    def nearest_codes(self, text: str) -> str:
        """The known codes closest to a mistyped one ('EDU-P-01 or EDU-P-03'), or ''.

        Worked out for the first MAX_SUGGESTED different codes only, so that a file of ten
        thousand unknown codes costs no more than a few dozen comparisons with the list.
        """
        if text not in self.suggested:
            if len(self.suggested) >= MAX_SUGGESTED or len(text) > MAX_SUGGESTED_LENGTH:
                return ""
            codes = list(self.indicators)
            near = sorted(difflib.get_close_matches(text, codes, n=len(codes), cutoff=0.75))
            # Closest first; equally close codes in their order (EDU-P-01 before EDU-P-02).
            near.sort(key=lambda code: -difflib.SequenceMatcher(None, text, code).ratio())
            self.suggested[text] = " or ".join(self.indicators[c] for c in near[:3])
        return self.suggested[text]

    def indicator(self, number: int, cells: list[object]) -> str | None:
        if self.skipped(cells, "indicator"):
            return None
        raw = self.cell(cells, "indicator")
        text = cell_text(raw)
        if not text:
            self.report(
                number,
                "indicator",
                _("is empty; enter a code from the template, such as {code}").format(
                    code=self.example_indicator
                ),
            )
            return None
        code = self.indicators.get("".join(text.split()).upper())
        if code is None:
            near = self.nearest_codes("".join(text.split()).upper())
            if near:
                advice = _("did you mean {codes}? The template lists every code").format(codes=near)
            else:
                advice = _("use a code from the template, such as {code}").format(
                    code=self.example_indicator
                )
            self.report(
                number,
                "indicator",
                _('"{text}" is not a known indicator code; {advice}').format(
                    text=text, advice=advice
                ),
            )
            return None
        if not self.context.indicators[code]:
            self.report(
                number,
                "indicator",
                _("{code} is a statistical indicator and is not scored; remove this row").format(
                    code=code
                ),
            )
            return None
        return code

    def score(self, number: int, cells: list[object]) -> float | None:
        if self.skipped(cells, "score"):
            return None
        raw = self.cell(cells, "score")
        text = cell_text(raw)
        if not text:
            return None
        value = cell_number(raw)
        if value is None and looks_like_a_number(text):
            self.report(
                number,
                "score",
                _('"{text}" is not a plain number; write the score as a plain number such as '
                  "62.5 or 62,5").format(text=text),
            )
            return None
        if value is None:
            self.report(
                number,
                "score",
                _('"{text}" is not a number; enter a score from 0 to 100, or leave it empty for '
                  "no data").format(text=text),
            )
            return None
        if not 0 <= value <= 100:
            self.report(
                number,
                "score",
                _('"{text}" is outside 0 to 100; enter a score from 0 to 100, or leave it empty '
                  "for no data").format(text=text),
            )
            return None
        return value + 0.0

    def revision(self, number: int, cells: list[object]) -> int | None:
        if self.skipped(cells, "revision"):
            return None
        raw = self.cell(cells, "revision")
        text = cell_text(raw)
        if not text:
            return None
        revision = cell_whole_number(raw)
        if revision is None or revision < 1:
            self.report(
                number,
                "revision",
                _('"{text}" is not a revision number; keep the value from the downloaded '
                  "template, or leave it empty").format(text=text),
            )
            return None
        return revision


def _free_text(value: object) -> str:
    """A note or source as written, stripped, without our exporter's formula guard."""
    text = cell_text(value)
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text
