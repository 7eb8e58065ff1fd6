"""`niem practice ...`: import, list, publish, return and export, with the CLI's error contract."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from niem import accounts
from niem.accounts import OPERATOR
from niem.cli import cli
from niem.database import make_engine, open_session
from tests.conftest import table_rows

# The command line on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

CORPUS = Path(__file__).parent / "uploads" / "practices"
LINK_HINT = "enter a link that starts with https:// or http://, or leave it empty"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def initialised(database_url: str) -> str:
    assert run("init")[0] == 0
    with open_session(make_engine(database_url)) as session:
        accounts.add_user(session, "providus", "partner", "latvija-2021", ["LV"], by=OPERATOR)
        accounts.add_user(session, "lt-partner", "partner", "lietuva-2021", ["LT"], by=OPERATOR)
        accounts.add_user(session, "anna", "coordinator", "coordinate-21", by=OPERATOR)
    return database_url


def test_a_file_with_problems_prints_each_and_imports_nothing(initialised: str) -> None:
    before = table_rows(make_engine(initialised))
    code, out, err = run(
        "practice", "import", str(CORPUS / "bad-link-scheme.csv"), "--user", "providus"
    )
    assert code == 1
    assert out == (
        'row 2, column link: "javascript:alert(document.cookie)" is not a web address; '
        f"{LINK_HINT}\n"
        f'row 3, column link: "ftp://example.org/x" is not a web address; {LINK_HINT}\n'
    )
    assert err == "Error: 2 problems; nothing was imported\n"
    assert table_rows(make_engine(initialised)) == before


def test_a_partner_of_another_country_is_refused(initialised: str, tmp_path: Path) -> None:
    good = (CORPUS / "good-latvian-cp1257.csv").read_bytes()
    path = tmp_path / "lv.csv"
    path.write_bytes(good.replace(b"Latvia, Lithuania", b"Latvia"))
    code, out, err = run("practice", "import", str(path), "--user", "lt-partner")
    assert code == 1
    assert out == (
        "row 2, column Countries: you may submit practices only for LT; remove LV or ask the "
        "coordinator for access\n"
    )
    assert err.endswith("Error: 1 problem; nothing was imported\n")


def test_a_partners_practice_waits_until_the_coordinator_publishes_it(
    initialised: str, tmp_path: Path
) -> None:
    path = tmp_path / "lv.csv"
    path.write_bytes((CORPUS / "good-latvian-cp1257.csv").read_bytes().replace(b", Lithuania", b""))
    code, out, _ = run("practice", "import", str(path), "--user", "providus")
    assert (code, out) == (0, "1 practice pending: versions 32.\n")
    assert run("practice", "list", "--search", "kafejnīca")[1].splitlines()[1:] == []
    code, out, _ = run("practice", "list", "--status", "pending")
    assert out.splitlines()[1].split() == [
        "32",
        "32",
        "Valodu",
        "kafejnīca",
        "LV",
        "language_learning",
        "building_bridges",
        "2019–2022",
        "pending",
    ]
    code, _, err = run("practice", "publish", "32", "--user", "providus")
    assert (code, err) == (1, "Error: only a coordinator may publish or return practices\n")
    assert run("practice", "publish", "32", "--user", "anna")[1] == (
        "Published version 32 of practice 32.\n"
    )
    code, _, err = run("practice", "publish", "32", "--user", "anna")
    assert (code, err) == (
        1,
        "Error: practice version 32 is published; only a pending version can be changed\n",
    )
    code, out, _ = run("practice", "list", "--search", "kafejnīca")
    assert [line.split()[2] for line in out.splitlines()[1:]] == ["Valodu"]


def test_returning_needs_a_known_version(initialised: str) -> None:
    code, _, err = run("practice", "return", "999", "--user", "anna", "--reason", "No evidence")
    assert (code, err) == (1, "Error: there is no practice version 999\n")


def test_list_filters_by_country_dimension_and_words(initialised: str) -> None:
    code, out, err = run(
        "practice", "list", "--country", "Lithuania", "--dimension", "language_learning"
    )
    assert code == 0
    assert out.splitlines() == [
        "id  practice  title                                 countries  dimensions         "
        "years  status     label",
        "25  25        Free language courses up to level B1  LT LV      language_learning  "
        "2018–  published  illustrative",
    ]
    assert err == "1 practice.\n"
    code, _, err = run("practice", "list", "--dimension", "cooking")
    assert code == 1 and err.startswith("Error: unknown dimension 'cooking'; choose one of ")


def test_export_writes_every_published_practice_with_its_illustrative_label(
    initialised: str, tmp_path: Path
) -> None:
    code, out, _ = run("practice", "export")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 31
    assert {row["illustrative"] for row in rows} == {"True"}
    assert rows[0]["title"] == "Anti-discrimination helpline"
    assert rows[0]["countries"] == "BG RO"
    target = tmp_path / "practices.xlsx"
    code, _, err = run("practice", "export", "-o", str(target))
    assert (code, err) == (0, f"Wrote 31 rows to {target}\n")
    assert target.read_bytes()[:2] == b"PK"
