"""Rounds and countries as data: open a round, add a country, and everything works on it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from niem import accounts, rounds
from niem.accounts import OPERATOR
from niem.cli import cli
from niem.database import open_session
from niem.errors import NiemError, PermissionDenied
from niem.store import RoundInfo
from tests.conftest import table_rows
from tests.test_pages import PAGES, _use, open_page

pytestmark = pytest.mark.both_databases


def run(*args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


def test_a_round_is_opened_and_a_country_added(engine: Engine) -> None:
    with open_session(engine) as session:
        opened = rounds.add_round(
            session,
            2023,
            label="Evaluation 3",
            situation="2023-06-30",
            countries=["LV", "de"],
            by=OPERATOR,
        )
        assert opened == RoundInfo(2023, "2023-06-30", "Evaluation 3", "", ("DE", "LV"))
        changed = rounds.add_country(session, 2023, "United Kingdom", by=OPERATOR)
        assert changed.countries == ("DE", "GB", "LV")


@pytest.mark.parametrize(
    ("year", "countries", "message"),
    [
        (2021, ["LV"], "round 2021 exists already; add countries with `niem round add-country`"),
        (1999, ["LV"], "the round's year must be from 2000 to 2100"),
        (2023, [], "a round needs at least one country"),
        (2023, ["Atlantis"], "unknown country 'Atlantis'; use an ISO code such as LV"),
    ],
)
def test_a_bad_round_is_refused_and_nothing_written(
    engine: Engine, year: int, countries: list[str], message: str
) -> None:
    before = table_rows(engine)
    with open_session(engine) as session, pytest.raises(NiemError) as refused:
        rounds.add_round(
            session, year, label="x", situation="2023", countries=countries, by=OPERATOR
        )
    assert str(refused.value) == message
    assert table_rows(engine) == before


def test_only_a_coordinator_opens_rounds(engine: Engine) -> None:
    with open_session(engine) as session:
        partner = accounts.add_user(session, "lv", "partner", "correct horse", ["LV"], by=OPERATOR)
        with pytest.raises(PermissionDenied) as refused:
            rounds.add_country(session, 2021, "DE", by=partner)
        assert str(refused.value) == (
            "only a coordinator may open rounds and add countries to them"
        )
        with pytest.raises(PermissionDenied):
            rounds.add_round(session, 2023, label="x", situation="x", countries=["LV"], by=None)


def test_a_new_country_in_a_new_round_is_uploaded_approved_exported_and_checked(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("init")[0] == 0
    assert run(
        "round",
        "add",
        "2023",
        "--label",
        "Evaluation 3",
        "--situation",
        "2023-06-30",
        "--countries",
        "LV",
    ) == (0, "Opened round 2023 (Evaluation 3) for LV.\n")
    assert run("round", "add-country", "2023", "DE") == (0, "Round 2023 now has DE LV.\n")
    assert run("round", "list")[1].splitlines()[-1].split() == [
        "2023",
        "Evaluation",
        "3",
        "2023-06-30",
        "DE",
        "LV",
    ]
    # Each page opens on the empty round, with the empty-data wording.
    _use(database_url, monkeypatch)
    for page in PAGES:
        app = open_page(page, round="2023", country="DE")
        assert not app.exception, page
    template = tmp_path / "de.csv"
    assert run("template", "--country", "DE", "--round", "2023", "-o", str(template))[0] == 0
    rows = list(csv.DictReader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    assert {r["country"] for r in rows} == {"DE"}
    for row in rows:
        row["score"] = "60"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    template.write_text(out.getvalue(), encoding="utf-8")
    password = "correct horse\n"
    assert run("user", "add", "de", "--role", "partner", "--country", "DE", stdin=password)[0] == 0
    assert run("user", "add", "coord", "--role", "coordinator", stdin=password)[0] == 0
    code, output = run("import", str(template), "--user", "de", "--comment", "first scores")
    assert code == 0, output
    assert run("approve", "2", "--user", "coord")[0] == 0
    code, exported = run("export", "--round", "2023", "--country", "DE", "--level", "overall")
    assert code == 0
    assert [r["score"] for r in csv.DictReader(io.StringIO(exported))] == ["60"]
    code, checked = run("check")
    assert code == 0
    for page in PAGES:
        app = open_page(page, round="2023", country="DE")
        assert not app.exception, page
