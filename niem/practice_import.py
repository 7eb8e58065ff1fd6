"""Checking practices a partner sends: a file's cells (`niem.sheets`) or a form in, practice
rows and every problem (row and column, as for score uploads) out. Nothing here writes.

Decisions worth knowing:
- Countries, dimensions and steps are lists in one cell, separated by commas or semicolons;
  countries also by spaces ("LV LT"). Codes and English names are both accepted; "all" in
  `steps` means the three steps.
- A link must be an http(s) address: anything else (javascript:, data:, a bare word) could
  run or mislead when a reader clicks it.
- An empty `year_to` means the practice is still running.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from niem.accounts import Account, Operator, submit_countries
from niem.cells import (
    Formula,
    Table,
    Unreadable,
    cell_text,
    cell_whole_number,
    free_text,
    is_blank,
)
from niem.config import ReadLimits
from niem.countries import resolve_country
from niem.i18n import _, count_text
from niem.importing import Problem
from niem.sheets import SEPARATOR_NAMES, read_cells
from niem.store import Catalogue
from niem.text import control_character

REQUIRED_COLUMNS = (
    "title",
    "countries",
    "dimensions",
    "steps",
    "organisation",
    "year_from",
    "summary",
)
OPTIONAL_COLUMNS = ("year_to", "evidence", "link", "practice")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Headers people write instead of ours, after spaces, hyphens and underscores are dropped.
HEADER_ALIASES = {"country": "countries", "dimension": "dimensions", "step": "steps"}
# Columns our own export adds; read back without a notice, never stored from the file.
EXPORT_ONLY_COLUMNS = ("version", "status", "submitted_by", "published_by", "illustrative")
MAX_LENGTHS = {
    "title": 200,
    "organisation": 200,
    "summary": 3000,
    "evidence": 3000,
    "link": 500,
    "countries": 300,
    "dimensions": 800,
    "steps": 200,
}
FIRST_YEAR, LAST_YEAR = 1950, 2100
LIST_SEPARATORS = re.compile(r"[,;|\n]+")
SHOWN_CHARACTERS = 60


@dataclass(frozen=True)
class PracticeRow:
    """One practice as a partner sent it, checked: a new practice, or a new version of one."""

    row: int | None
    practice_id: int | None
    title: str
    organisation: str
    countries: tuple[str, ...]
    dimensions: tuple[str, ...]
    steps: tuple[str, ...]
    year_from: int
    year_to: int | None
    summary: str
    evidence: str = ""
    link: str = ""


@dataclass(frozen=True)
class PracticeContext:
    """What practices are checked against: the framework, known practices, who submits."""

    countries: frozenset[str]
    dimensions: Mapping[str, str]
    steps: Mapping[str, str]
    practice_ids: frozenset[int]
    editable_countries: frozenset[str] | None
    limits: ReadLimits


def practice_context(
    catalogue: Catalogue,
    practice_ids: Sequence[int],
    submitter: Account | Operator,
    limits: ReadLimits,
) -> PracticeContext:
    """What practices sent by this submitter are checked against."""
    return PracticeContext(
        countries=frozenset(catalogue.countries),
        dimensions=dict(catalogue.dimensions),
        steps=dict(catalogue.steps),
        practice_ids=frozenset(practice_ids),
        editable_countries=None if isinstance(submitter, Operator) else submit_countries(submitter),
        limits=limits,
    )


@dataclass(frozen=True)
class PracticeUpload:
    """The practices read, the problems that block them and notices that do not."""

    rows: list[PracticeRow]
    problems: list[Problem]
    notices: list[Problem]

    @property
    def valid(self) -> bool:
        """True when there is something to submit and nothing wrong with it."""
        return bool(self.rows) and not self.problems


def read_practices(data: bytes, filename: str, context: PracticeContext) -> PracticeUpload:
    """Read a CSV or XLSX file of practices and check every row."""
    read_notices: list[str] = []
    try:
        table = read_cells(data, filename, context.limits, read_notices)
    except Unreadable as error:
        return PracticeUpload([], [Problem(error.row, "", str(error))], [])
    if table is None:
        return _file_problem(_("the file is empty; fill in one row per practice"))
    notices = [Problem(None, "", n) for n in read_notices]
    problems: list[Problem] = []
    columns = _read_header(table, problems, notices)
    if not table.rows:
        problems.append(
            Problem(None, "", _("the file has a header but no practices; add one row each"))
        )
    checker = _PracticeChecker(context, lambda key: table.header[columns[key]].strip())
    rows: list[PracticeRow] = []
    width = len(table.header)
    for number, cells in table.rows:
        if is_blank(cells):
            continue
        if any(cell_text(cell) for cell in cells[width:]):
            checker.problems.append(
                Problem(
                    number,
                    "",
                    _(
                        "has values beyond the header's {width} columns; put any text that "
                        "contains {separator} in double quotes"
                    ).format(width=width, separator=SEPARATOR_NAMES[table.delimiter]),
                )
            )
        values = {key: cells[i] if i < len(cells) else None for key, i in columns.items()}
        if (row := checker.check(number, values)) is not None:
            rows.append(row)
    problems.extend(checker.problems)
    if not all(name in columns for name in REQUIRED_COLUMNS):
        rows = []
    order = {name: i for i, name in enumerate(COLUMNS)}
    problems.sort(key=lambda p: (p.row or 0, order.get(_column_key(p.column), -1)))
    return PracticeUpload(rows if not problems else [], problems, notices)


def check_practice_form(values: Mapping[str, object], context: PracticeContext) -> PracticeUpload:
    """Check one practice typed into the form, with the same rules as a file's rows."""
    checker = _PracticeChecker(context, lambda key: key)
    row = checker.check(None, {key: values.get(key) for key in COLUMNS})
    return PracticeUpload([row] if row else [], checker.problems, [])


def _file_problem(message: str) -> PracticeUpload:
    return PracticeUpload([], [Problem(None, "", message)], [])


def _column_key(name: str) -> str:
    key = re.sub(r"[\s_\-]", "", name).casefold()
    key = {c.replace("_", ""): c for c in COLUMNS + EXPORT_ONLY_COLUMNS}.get(key, key)
    return HEADER_ALIASES.get(key, key)


def _read_header(table: Table, problems: list[Problem], notices: list[Problem]) -> dict[str, int]:
    """Known column -> position; unknown and repeated columns and missing ones reported."""
    columns: dict[str, int] = {}
    row = table.header_row
    for index, name in enumerate(table.header):
        key = _column_key(name)
        if not key or key in EXPORT_ONLY_COLUMNS:
            continue
        if key not in COLUMNS:
            notices.append(
                Problem(
                    row,
                    name,
                    _("unknown column, ignored; the columns read are {columns}").format(
                        columns=", ".join(COLUMNS)
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
                    _(
                        'required column is missing; add a column named "{column}" '
                        "(the file's columns are: {present})"
                    ).format(column=name, present=present),
                )
            )
    return columns


def shown(text: str) -> str:
    """A value quoted in a message, cut short so that a long cell does not flood the report."""
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return text[: SHOWN_CHARACTERS - 1] + "…"


def safe_link(text: str) -> bool:
    """Whether the text is an http(s) address with a host and no spaces or control characters."""
    if not text or any(c.isspace() or ord(c) < 32 for c in text):
        return False
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


class _PracticeChecker:
    """Checks practices one by one, remembering titles seen to find repeated rows."""

    def __init__(self, context: PracticeContext, column_name: Callable[[str], str]) -> None:
        self.context = context
        self.column_name = column_name
        self.problems: list[Problem] = []
        self.first_rows: dict[tuple[str, tuple[str, ...]], int | None] = {}
        self.country_codes: dict[str, str | None] = {}
        self.dimensions = _lookup(context.dimensions)
        self.steps = _lookup(context.steps)

    def report(self, number: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(number, self.column_name(key), message))

    def check(self, number: int | None, values: Mapping[str, object]) -> PracticeRow | None:
        """The row, if nothing in it is wrong; its problems are recorded either way."""
        before = len(self.problems)
        for key, content in values.items():
            if isinstance(content, Formula):
                self.report(
                    number,
                    key,
                    _("contains a formula ({formula}); paste values only").format(
                        formula=shown(content.text)
                    ),
                )
        # A formula is reported above; its cell is then left out, not reported again as empty.
        texts = {k: free_text(v) for k, v in values.items() if not isinstance(v, Formula)}
        for key, text in list(texts.items()):
            if code := control_character(text):
                self.report(
                    number,
                    key,
                    _("contains a control character ({code}); remove it").format(code=code),
                )
                del texts[key]
        title = self.text(number, texts, "title", _("give the practice a short title"))
        organisation = self.text(
            number, texts, "organisation", _("name the organisation that runs it")
        )
        summary = self.text(number, texts, "summary", _("say in a few sentences what it does"))
        evidence = self.text(number, texts, "evidence", None)
        countries = self.countries(number, texts.get("countries"))
        dimensions = self.codes(number, texts, "dimensions", self.dimensions)
        steps = self.codes(number, texts, "steps", self.steps)
        year_from = self.year(number, values, "year_from", required=True)
        year_to = self.year(number, values, "year_to", required=False)
        if year_from is not None and year_to is not None and year_to < year_from:
            self.report(
                number,
                "year_to",
                _("{to} is before year_from {start}; swap the two years").format(
                    to=year_to, start=year_from
                ),
            )
        link = self.link(number, texts.get("link", ""))
        practice_id = self.practice_id(number, values.get("practice"))
        if title and countries:
            identity = (" ".join(title.split()).casefold(), countries)
            if identity in self.first_rows:
                self.report(
                    number,
                    "title",
                    _(
                        "repeats row {first} (same title and countries); "
                        "keep only one of the two rows"
                    ).format(first=self.first_rows[identity]),
                )
            else:
                self.first_rows[identity] = number
        if len(self.problems) > before or year_from is None:
            return None
        return PracticeRow(
            row=number,
            practice_id=practice_id,
            title=title,
            organisation=organisation,
            countries=countries,
            dimensions=dimensions,
            steps=steps,
            year_from=year_from,
            year_to=year_to,
            summary=summary,
            evidence=evidence,
            link=link,
        )

    def text(
        self, number: int | None, texts: Mapping[str, str], key: str, hint: str | None
    ) -> str:
        value = texts.get(key, "")
        if not value and hint is not None and key in texts:
            self.report(number, key, _("is empty; {hint}").format(hint=hint))
        self.fits(number, key, value)
        return value

    def countries(self, number: int | None, text: str | None) -> tuple[str, ...]:
        if text is None or not self.fits(number, "countries", text):
            return ()
        hint = _("enter ISO codes such as LV, LT, or English names, separated by commas")
        if not text:
            self.report(number, "countries", _("is empty; {hint}").format(hint=hint))
            return ()
        codes: list[str] = []
        for piece in filter(None, (p.strip() for p in LIST_SEPARATORS.split(text))):
            words = [(piece, self.country_code(piece))]
            if words[0][1] is None and " " in piece:
                words = [(word, self.country_code(word)) for word in piece.split()]
            for word, code in words:
                if code is None:
                    self.report(
                        number,
                        "countries",
                        _('"{value}" is not a known country; {hint}').format(
                            value=shown(word), hint=hint
                        ),
                    )
                elif code not in codes:
                    codes.append(code)
        editable = self.context.editable_countries
        refused = [c for c in codes if editable is not None and c not in editable]
        if refused:
            allowed = ", ".join(sorted(editable or ())) or _("no country")
            self.report(
                number,
                "countries",
                _(
                    "you may submit practices only for {allowed}; remove {refused} "
                    "or ask the coordinator for access"
                ).format(allowed=allowed, refused=", ".join(refused)),
            )
        return tuple(sorted(codes))

    def country_code(self, text: str) -> str | None:
        if text not in self.country_codes:
            code = resolve_country(text)
            self.country_codes[text] = code if code in self.context.countries else None
        return self.country_codes[text]

    def fits(self, number: int | None, key: str, text: str) -> bool:
        """Whether a list cell is short enough to read; if not, it is reported."""
        limit = MAX_LENGTHS[key]
        if len(text) <= limit:
            return True
        self.report(
            number,
            key,
            _("is {length} characters long, over the limit of {limit}; shorten it").format(
                length=count_text(len(text)), limit=count_text(limit)
            ),
        )
        return False

    def codes(
        self,
        number: int | None,
        texts: Mapping[str, str],
        key: str,
        known: Mapping[str, str],
    ) -> tuple[str, ...]:
        text = texts.get(key)
        if text is None or not self.fits(number, key, text):
            return ()
        hint = _("enter codes such as {example}, or names, separated by commas").format(
            example=next(iter(known.values()), "")
        )
        if not text:
            self.report(number, key, _("is empty; {hint}").format(hint=hint))
            return ()
        if key == "steps" and text.casefold() == "all":
            return tuple(self.context.steps)
        codes: list[str] = []
        for piece in LIST_SEPARATORS.split(text):
            code = known.get(_name_key(piece))
            if code is None and piece.strip():
                self.report(
                    number,
                    key,
                    _('"{value}" is not a known code or name; {hint}').format(
                        value=shown(piece.strip()), hint=hint
                    ),
                )
            elif code is not None and code not in codes:
                codes.append(code)
        return tuple(codes)

    def year(
        self, number: int | None, values: Mapping[str, object], key: str, *, required: bool
    ) -> int | None:
        raw = values.get(key)
        if key not in values or isinstance(raw, Formula):
            return None
        text = cell_text(raw)
        hint = _("enter a year such as 2021")
        if not text:
            if required:
                self.report(number, key, _("is empty; {hint}").format(hint=hint))
            return None
        year = cell_whole_number(raw)
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            self.report(
                number,
                key,
                _('"{value}" is not a year from {first} to {last}; {hint}').format(
                    value=shown(text), first=FIRST_YEAR, last=LAST_YEAR, hint=hint
                ),
            )
            return None
        return year

    def link(self, number: int | None, text: str) -> str:
        if text and not safe_link(text) and len(text) <= MAX_LENGTHS["link"]:
            self.report(
                number,
                "link",
                _(
                    '"{value}" is not a web address; enter a link that starts with '
                    "https:// or http://, or leave it empty"
                ).format(value=shown(text)),
            )
        else:
            self.fits(number, "link", text)
        return text

    def practice_id(self, number: int | None, raw: object) -> int | None:
        text = cell_text(raw)
        if not text or isinstance(raw, Formula):
            return None
        practice = cell_whole_number(raw)
        if practice is None or practice not in self.context.practice_ids:
            self.report(
                number,
                "practice",
                _(
                    '"{value}" is not the number of a practice here; leave it empty for a new '
                    "practice, or keep the number from the downloaded list"
                ).format(value=shown(text)),
            )
            return None
        return practice


def _name_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text).strip().casefold()


def _lookup(names: Mapping[str, str]) -> dict[str, str]:
    """Code or name, written loosely, -> code."""
    lookup = {_name_key(name): code for code, name in names.items()}
    lookup.update({_name_key(code): code for code in names})
    return lookup

