"""Checking an upload's rows: every cell against what the store knows and what the submitter
may do, each problem where it is and how to fix it.

A file with nothing wrong is checked once per different value of each column (100,000 scores
repeat a few hundred values) and gives the rows the row-by-row check gives; a file with any
problem is checked row by row, so that every problem is reported in its row, in order.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any, TypeVar

from niem.cells import (
    Formula,
    Table,
    Unusable,
    cell_number,
    cell_text,
    cell_whole_number,
    free_text,
    is_blank,
    looks_like_a_number,
)
from niem.countries import resolve_country
from niem.i18n import _
from niem.sheets import SEPARATOR_NAMES
from niem.text import control_character
from niem.uploads import (
    IGNORED_CONTENT,
    OPTIONAL_COLUMNS,
    PROGRESS_EVERY,
    REQUIRED_COLUMNS,
    Problem,
    Progress,
    UploadContext,
    UploadRow,
)

T = TypeVar("T")

# Mistyped indicator codes get the nearest codes suggested, for this many different ones.
MAX_SUGGESTED = 50
MAX_SUGGESTED_LENGTH = 40


class RowChecker:
    """Checks a table's rows, remembering what it saw to find duplicates."""

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

    def skipped(self, raw: object, key: str) -> bool:
        """True when the column is missing or the cell holds no value: reported elsewhere."""
        return key not in self.columns or isinstance(raw, Formula | Unusable)

    def report(self, number: int, key: str, message: str) -> None:
        self.problems.append(Problem(number, self.name(key), message))

    def check_all(self, progress: Progress | None) -> list[UploadRow]:
        """Every row that has nothing wrong; the problems of the others are recorded.

        A file with nothing wrong is checked once per different value of each column (a file
        of 100,000 scores repeats a few hundred values), giving the rows the row-by-row check
        gives; as soon as a value has a problem, the file is checked row by row, so that every
        problem is reported where it is, in order."""
        quick = self._by_values(progress)
        if quick is not None:
            return quick
        rows = []
        total = len(self.table.rows)
        for done, (number, cells) in enumerate(self.table.rows, start=1):
            if row := self.check(number, cells):
                rows.append(row)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        return rows

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
            if key not in IGNORED_CONTENT:
                self.content(number, key, self.cell(cells, key))
        round_year = self.round_year(number, self.cell(cells, "round"))
        country = self.country(number, self.cell(cells, "country"), round_year)
        indicator = self.indicator(number, self.cell(cells, "indicator"))
        value = self.score(number, self.cell(cells, "score"))
        revision = self.revision(number, self.cell(cells, "revision"))
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
            note=free_text(self.cell(cells, "note")),
            source=free_text(self.cell(cells, "source")),
            based_on_revision=revision,
        )

    def _by_values(self, progress: Progress | None) -> list[UploadRow] | None:
        """`check_all` worked out once per different value; None when the file needs the
        row-by-row check (a value with a problem, a repeated score, a blank row or values
        beyond the header)."""
        table = self.table
        if not table.rows or not all(key in self.columns for key in REQUIRED_COLUMNS):
            return None
        width = len(table.header)
        for _number, cells in table.rows:
            if len(cells) > width and any(cell_text(cell) for cell in cells[width:]):
                return None
            if not table.plain_text and is_blank(cells):
                return None
        columns = list(zip_longest(*(cells for _number, cells in table.rows)))
        try:
            found = {
                key: self._distinct(key, columns[index] if index < len(columns) else ())
                for key, index in self.columns.items()
                if key not in IGNORED_CONTENT
            }
            pairs = self._countries(found["round"], found["country"])
        except (_ValueHasProblem, TypeError):  # TypeError: a cell value that cannot be a key
            return None
        rounds, countries = found["round"], found["country"]
        round_years = [rounds.results[a] for a in rounds.codes]
        country_codes = [pairs[pair] for pair in zip(rounds.codes, countries.codes, strict=True)]
        indicators = [found["indicator"].results[c] for c in found["indicator"].codes]
        keys = list(zip(round_years, country_codes, indicators, strict=True))
        if len(set(keys)) != len(keys):
            return None
        score, revision = found["score"], found.get("revision")
        note, source = found.get("note"), found.get("source")
        rows: list[UploadRow] = []
        total = len(table.rows)
        for start in range(0, total, PROGRESS_EVERY):
            end = min(start + PROGRESS_EVERY, total)
            # By position, in the order of UploadRow's fields: one per row of the file.
            rows.extend(
                UploadRow(
                    table.rows[n][0],
                    *keys[n],
                    score.results[score.codes[n]],
                    note.texts[note.codes[n]] if note else "",
                    source.texts[source.codes[n]] if source else "",
                    revision.results[revision.codes[n]] if revision else None,
                )
                for n in range(start, end)
            )
            if progress is not None:
                progress(end, total)
        return rows

    def _countries(self, rounds: _Distinct, countries: _Distinct) -> dict[tuple[int, int], str]:
        """Each different (round, country) of the file checked once: the country's code."""
        pairs: dict[tuple[int, int], str] = {}
        for pair in zip(rounds.codes, countries.codes, strict=True):
            if pair not in pairs:
                year, text = rounds.results[pair[0]], countries.values[pair[1]]
                code = self._quietly(self.country, text, year)
                if code is None:
                    raise _ValueHasProblem
                pairs[pair] = code
        return pairs

    def _distinct(self, key: str, column: Sequence[object]) -> _Distinct:
        """A column's different values, each checked once; _ValueHasProblem if one is wrong."""
        if self.table.plain_text:
            # Text only (CSV): equal texts are the same value. A short row's missing cells are
            # empty text, as the row-by-row check reads them.
            column = [
                "" if value is None else value
                for value in [*column, *[None] * (len(self.table.rows) - len(column))]
            ]
            seen: dict[object, int] = {}
            codes = [seen.setdefault(value, len(seen)) for value in column]
            values = list(seen)
        else:
            column = [*column, *[None] * (len(self.table.rows) - len(column))]
            places: dict[object, int] = {}
            codes = [places.setdefault(_identity(value), len(places)) for value in column]
            values = [_value(identity) for identity in places]
        check = {
            "round": self.round_year,
            "indicator": self.indicator,
            "score": self.score,
            "revision": self.revision,
        }.get(key)
        results: list[object] = []
        texts: list[str] = []
        for value in values:
            self._quietly(self.content, key, value)
            if check is not None:
                results.append(self._quietly(check, value))
            if key in OPTIONAL_COLUMNS:
                texts.append(free_text(value))
        if key in ("round", "indicator") and None in results:
            raise _ValueHasProblem
        return _Distinct(codes, values, results, texts)

    def _quietly(self, check: Callable[..., T], *arguments: object) -> T:
        """A check of one value, made for no row: its result, or _ValueHasProblem if it
        reports one."""
        before = len(self.problems)
        result = check(0, *arguments)
        if len(self.problems) > before:
            del self.problems[before:]
            raise _ValueHasProblem
        return result

    def content(self, number: int, key: str, content: object) -> None:
        """Report a cell no value can be read from: a formula, a value Excel could not give,
        or a control character in a note or source."""
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

    def round_year(self, number: int, raw: object) -> int | None:
        if self.skipped(raw, "round"):
            return None
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

    def country(self, number: int, raw: object, round_year: int | None) -> str | None:
        if self.skipped(raw, "country"):
            return None
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

    def indicator(self, number: int, raw: object) -> str | None:
        if self.skipped(raw, "indicator"):
            return None
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

    def score(self, number: int, raw: object) -> float | None:
        if self.skipped(raw, "score"):
            return None
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

    def revision(self, number: int, raw: object) -> int | None:
        if self.skipped(raw, "revision"):
            return None
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


class _ValueHasProblem(Exception):
    """A value of the file has a problem: the file is checked row by row."""


@dataclass(frozen=True)
class _Distinct:
    """A column's different values, and each row's place among them (`codes`), with each
    value's result (round year, indicator code, score or revision) and text (note, source)."""

    codes: list[int]
    values: list[object]
    results: list[Any]
    texts: list[str]


def _identity(value: object) -> object:
    """A cell value as a key that tells types apart: Python takes True, 1 and 1.0 as one key,
    and a cell holding TRUE must not pass for a score of 1."""
    return value if type(value) is str else (type(value), value)


def _value(identity: object) -> object:
    return identity[1] if isinstance(identity, tuple) else identity

