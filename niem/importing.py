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

from niem.cells import Table, Unreadable, cell_text
from niem.i18n import _
from niem.row_checks import RowChecker
from niem.sheets import read_cells
from niem.uploads import (
    KNOWN_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Problem,
    Progress,
    UploadContext,
    UploadResult,
    UploadRow,
    upload_context,
)

# What reading an upload gives, named where it is read.
__all__ = [
    "Problem",
    "Progress",
    "UploadContext",
    "UploadResult",
    "UploadRow",
    "read_upload",
    "upload_context",
]


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
    checker = RowChecker(table, columns, context)
    rows = checker.check_all(progress)
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
        for _number, cells in (table.rows if unnamed else ())
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
