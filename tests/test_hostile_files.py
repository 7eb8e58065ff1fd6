"""Hostile uploads (made by tests/hostile_files.py): exact answers, bounded work, nothing written.

Each file is read in a subprocess under a memory cap and a timeout, so that a regression fails
here instead of hanging or exhausting the machine; the reader must answer within 10 s and
300 MB. The command line refuses every refused file with exit 1 and changes no table.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from niem.accounts import OPERATOR, add_user
from niem.cli import cli
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from tests.conftest import table_rows
from tests.hostile_files import FILES

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 10
PEAK_MB = 300
# Python with pandas and the store's modules takes about 380 MB of address space before
# reading anything; the cap leaves the 300 MB a read may use on top of that.
ADDRESS_SPACE = (380 + PEAK_MB) * 1024 * 1024
PASSWORD = "correct horse"

SCORE_HINT = "enter a score from 0 to 100, or leave it empty for no data"
PLAIN = "write the score as a plain number such as 62.5 or 62,5"
DAMAGED = "the workbook could not be read; open it in Excel, save it again as XLSX and upload that"
TOO_BIG = (
    "file: the workbook unpacks to more than 12 MB (or one of its parts to more than 8 MB), "
    "too much to read; save the scores sheet as CSV and upload that"
)
LONG = "a cell is longer than 32,767 characters; shorten it"
FORMULA = "paste values only (Paste Special → Values)"
DUPLICATE = (
    "column indicator: repeats row 2 (round 2021, LV, MAI-L-01); keep only one of the two rows"
)

# What the reader says about each refused file, exactly as `niem validate` prints it.
REFUSED: dict[str, list[str]] = {
    "far-cell-xfd1048576.xlsx": [
        "row 1048576: a value in column 16,384 (XFD) is beyond column 50 (AX), the last column "
        "read; delete it"
    ],
    "far-cell-zz200000.xlsx": [
        "row 200000: a value in column 702 (ZZ) is beyond column 50 (AX), the last column read; "
        "delete it"
    ],
    "shared-string-479mb.xlsx": [TOO_BIG],
    "lying-part-size.xlsx": [f"file: {DAMAGED}"],
    "many-parts.xlsx": [TOO_BIG],
    "note-1048576-characters.xlsx": [f"row 2: {LONG}"],
    "shared-note-32768-characters.xlsx": [f"row 2: {LONG}"],
    "data-table-formula.xlsx": [f"row 2, column score: contains a formula (=TABLE(B1)); {FORMULA}"],
    "array-formula.xlsx": [f"row 2, column score: contains a formula (=SUM(H1:H3)); {FORMULA}"],
    "shared-formula.xlsx": [
        f"row 2, column score: contains a formula (=H2*2); {FORMULA}",
        f"row 3, column score: contains a formula (=H3*2); {FORMULA}",
    ],
    "error-value.xlsx": [
        "row 2, column score: is the error value #N/A; enter the value itself, or leave the "
        "cell empty"
    ],
    "unknown-cell-type.xlsx": [
        'row 2, column score: has a kind of content this app cannot read (cell type "x-custom"); '
        "type the value in again"
    ],
    "date-out-of-range.xlsx": [
        "row 2, column score: is a date Excel cannot show; enter the value as a number or as text"
    ],
    "number-with-5000-digits.xlsx": [
        "row 2, column score: holds a number that cannot be read; type the value in again"
    ],
    "only-hidden-sheets.xlsx": [
        "file: the workbook has no visible worksheet; put the scores on the first sheet"
    ],
    "macro-enabled.xlsm": [
        'file: the workbook is macro-enabled (.xlsm); save it in Excel as "Excel Workbook '
        '(.xlsx)" and upload that'
    ],
    "billion-laughs.xlsx": [f"file: {DAMAGED}"],
    "bad-cell-reference.xlsx": [f"row 3: {DAMAGED}"],
    "too-many-rows.xlsx": [
        "row 10002: the file has more than 10,000 rows with values; split it into smaller files"
    ],
    "value-in-column-51.xlsx": [
        "row 3: a value in column 51 (AY) is beyond column 50 (AX), the last column read; delete it"
    ],
    "too-much-text-in-all.xlsx": [
        "file: the cells hold more than 5,242,880 characters of text in all, more than a file "
        "within the size limit may; split it into smaller files"
    ],
    # 9,000 rows under a header with a million empty cells: every check is linear.
    "csv-header-with-a-million-empty-cells.csv": [
        f"row {row}, {DUPLICATE}" for row in range(3, 9_002)
    ],
    "csv-a-million-columns.csv": [
        "row 1: a value in column 1,000,000 is beyond column 50 (AX), the last column read; "
        "delete it"
    ],
    "csv-too-many-rows.csv": [
        "row 10002: the file has more than 10,000 rows with values; split it into smaller files"
    ],
    "csv-only-line-breaks.csv": [
        "file: the file is empty; fill in the template and upload it again"
    ],
    "csv-cell-32768-characters.csv": [f"row 2: {LONG}"],
    "csv-unclosed-quote-5mb.csv": [f"row 2: {LONG}"],
    "csv-over-the-byte-limit.csv": [
        "file: the file is over the limit of 5 MB; split it into smaller files or remove rows "
        "you did not change"
    ],
    "csv-full-width-digits.csv": [f'row 2, column score: "１００" is not a plain number; {PLAIN}'],
    "csv-arabic-indic-digits.csv": [f'row 2, column score: "٦٢" is not a plain number; {PLAIN}'],
    "csv-exponent.csv": [f'row 2, column score: "1e2" is not a plain number; {PLAIN}'],
    "csv-underscore-digits.csv": [f'row 2, column score: "5_0" is not a plain number; {PLAIN}'],
    "csv-full-width-round.csv": [
        'row 2, column round: "２０２１" is not a round year; enter one of 2017, 2019, 2021'
    ],
    "csv-numeric-country.csv": [
        'row 2, column country: "428" is a numeric country code; use the two-letter code such as LV'
    ],
    "csv-terminal-escapes-in-note.csv": [
        "row 2, column note: contains a control character (U+001B); remove it"
    ],
    "csv-c1-control-in-source.csv": [
        "row 2, column source: contains a control character (U+009B); remove it"
    ],
}
UNKNOWN = (
    "unknown column, ignored; the columns read are round, country, indicator, score, note, source"
)
# Files that are read, with the notices they give: what they hide costs nothing.
ACCEPTED: dict[str, list[str]] = {
    "far-empty-cell.xlsx": [],
    "lying-dimension.xlsx": [],
    "empty-cells-up-to-the-part-limit.xlsx": [],
    "every-part-at-the-limit.xlsx": [],
    "rich-text-note.xlsx": [],
    "stored-uncompressed.xlsx": [],
    "hidden-first-sheet.xlsx": [
        'file: read the first visible sheet, "Lapa1"; to read another one, name it "scores"'
    ],
    "csv-markdown-header.csv": [
        f"row 1, column **x**: {UNKNOWN}",
        f"row 1, column :skull:: {UNKNOWN}",
    ],
}


def test_every_hostile_file_has_an_expected_answer() -> None:
    assert sorted(FILES) == sorted([*REFUSED, *ACCEPTED])
    assert len(FILES) >= 30


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, make in FILES.items():
        (folder / name).write_bytes(make())
    return folder


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def read_capped(path: Path) -> dict[str, object]:
    """Read the file in a subprocess under the memory cap; a hang or a crash fails the test."""
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile_files", "--check", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        preexec_fn=_capped,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(FILES))
def test_a_hostile_file_is_answered_within_the_time_and_memory_bounds(
    hostile: Path, name: str
) -> None:
    outcome = read_capped(hostile / name)
    if name in REFUSED:
        assert outcome["problems"] == REFUSED[name]
    else:
        assert (outcome["problems"], outcome["notices"]) == ([], ACCEPTED[name])
        assert outcome["rows"] == 1
    assert outcome["seconds"] < SECONDS  # type: ignore[operator]
    assert outcome["peak_mb"] < PEAK_MB  # type: ignore[operator]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("store") / "niem.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        add_user(session, "partner", "partner", PASSWORD, ["LV"], by=OPERATOR)
    engine.dispose()
    return url


@pytest.mark.parametrize("name", list(REFUSED))
def test_the_command_line_refuses_a_hostile_file_and_writes_nothing(
    hostile: Path, store: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIEM_DATABASE_URL", store)
    before = table_rows(make_engine(store))
    path = str(hostile / name)
    checked = CliRunner().invoke(cli, ["validate", path])
    problems = len(REFUSED[name])
    noun = "problem" if problems == 1 else "problems"
    assert (checked.exit_code, checked.stdout.splitlines(), checked.stderr) == (
        1,
        REFUSED[name],
        f"Error: {path} has {problems:,} {noun}\n".replace(",", ""),
    )
    imported = CliRunner().invoke(
        cli, ["import", path, "--user", "partner", "--comment", "hostile"]
    )
    assert (imported.exit_code, imported.stderr.splitlines()[-1]) == (
        1,
        f"Error: {problems} {noun}; nothing was imported",
    )
    assert table_rows(make_engine(store)) == before
