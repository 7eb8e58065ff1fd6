"""The command line of accounts, validation, import, review and history."""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import make_url, text

from niem.accounts import OPERATOR, add_user
from niem.cli import cli
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.illustrative import SOURCE
from niem.loading import initialise
from tests.conftest import PostgresServer, table_rows

PASSWORD = "correct horse"
ILLUSTRATIVE = SOURCE
NOTE = "Pašvaldību atbalsts ārā"
WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d"
# BRI-I-01 is row 119 of the LV template; changed, it no longer keeps the illustrative source.
CLEARED_SOURCE_NOTICE = (
    "Notice: file: 1 changed row still had the template's source \"illustrative (generated, "
    'not an expert score)" (row 119); a changed score is no longer illustrative, so it is stored '
    "without a source. Write where the score comes from in the source column to give it one\n"
)
# Review and import: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def rows_of(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def database_content(url: str) -> dict[str, list[tuple[object, ...]]]:
    return table_rows(make_engine(url))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the shipped data, a partner for LV and a coordinator, built once."""
    path = tmp_path_factory.mktemp("prepared") / "niem.db"
    engine = make_engine(f"sqlite:///{path}")
    initialise(engine, load_settings())
    with open_session(engine) as session:
        add_user(session, "partner", "partner", PASSWORD, ["LV"], by=OPERATOR)
        add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def prepared_postgres(postgres_server: PostgresServer | None) -> str | None:
    """The same prepared database on the PostgreSQL server, as a template to clone."""
    if postgres_server is None:
        return None
    url = postgres_server.initialised(demo=True)
    engine = make_engine(url)
    with open_session(engine) as session:
        add_user(session, "partner", "partner", PASSWORD, ["LV"], by=OPERATOR)
        add_user(session, "coord", "coordinator", PASSWORD, by=OPERATOR)
    engine.dispose()
    return make_url(url).database


@pytest.fixture
def initialised(
    backend: str,
    database_url: str,
    prepared: Path,
    prepared_postgres: str | None,
    postgres_server: PostgresServer | None,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A copy of the prepared database where the command line will look for it."""
    if backend == "postgresql":
        assert postgres_server is not None
        url = postgres_server.new_database(template=prepared_postgres)
        monkeypatch.setenv("NIEM_DATABASE_URL", url)
        return url
    with (
        sqlite3.connect(prepared) as source,
        sqlite3.connect(database_url.removeprefix("sqlite:///")) as target,
    ):
        source.backup(target)
    return database_url


def template_rows() -> list[dict[str, str]]:
    code, out, _ = run("template", "--country", "LV", "--round", "2021")
    assert code == 0
    return rows_of(out)


def write_latvian(path: Path, rows: list[dict[str, str]], encoding: str) -> Path:
    """Write rows as a spreadsheet with Latvian settings saves them: `;` and decimal commas."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "score": row["score"].replace(".", ",")})
    return path


def edited(changes: dict[str, tuple[str, str]]) -> list[dict[str, str]]:
    """The LV 2021 template with some scores (and notes) changed."""
    rows = template_rows()
    for row in rows:
        if row["indicator"] in changes:
            row["score"], row["note"] = changes[row["indicator"]]
    return rows


def test_user_add_reads_the_password_from_standard_input(database_url: str) -> None:
    assert run("init")[0] == 0
    code, out, err = run(
        "user", "add", "lv", "--role", "partner", "--country", "Latvia", "--country", "EL",
        input="correct horse\n",
    )  # fmt: skip
    assert (code, out, err) == (0, "Added partner 'lv' for GR LV.\n", "")
    code, out, _ = run("user", "add", "boss", "--role", "coordinator", input=PASSWORD)
    assert out == "Added coordinator 'boss'.\n"
    assert run("user", "disable", "boss") == (0, "Disabled user 'boss'.\n", "")
    assert run("user", "list")[1] == (
        "name  role         countries  disabled\n"
        "boss  coordinator             yes\n"
        "lv    partner      GR LV      no\n"
    )
    with make_engine(database_url).connect() as connection:
        stored = connection.execute(text('SELECT password_hash FROM "user"')).scalars().all()
    assert all(h.startswith("scrypt$16384$8$1$") and PASSWORD not in h for h in stored)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "partner"], PASSWORD, "Error: a partner account needs at least one country\n"),
        (
            ["--role", "partner", "--country", "Atlantis"],
            PASSWORD,
            "Error: unknown country 'Atlantis'; use an ISO code such as LV\n",
        ),
        (
            ["--role", "partner", "--country", "LV"],
            "short\n",
            "Error: the password needs at least 8 characters\n",
        ),
        (
            ["--role", "partner", "--country", "LV"],
            "",
            "Error: no password given; type it at the prompt or pipe it on standard input\n",
        ),
        (
            ["--role", "viewer"],
            PASSWORD,
            "Error: Invalid value for '--role': 'viewer' is not one of 'partner', 'coordinator'.\n",
        ),
        (
            ["--country", "LV"],
            PASSWORD,
            "Error: Missing option '--role'. Choose from: partner, coordinator\n",
        ),
        (
            ["--role", "coordinator", "--password", "x"],
            PASSWORD,
            "Error: No such option '--password'.\n",
        ),
    ],
)
def test_user_add_mistakes_print_one_error_line(
    initialised: str, args: list[str], stdin: str, message: str
) -> None:
    before = database_content(initialised)
    assert run("user", "add", "x", *args, input=stdin) == (1, "", message)
    assert database_content(initialised) == before


def test_validate_accepts_the_template_as_downloaded(initialised: str, tmp_path: Path) -> None:
    target = tmp_path / "lv.csv"
    assert run("template", "--country", "LV", "--round", "2021", "-o", str(target))[0] == 0
    code, out, err = run("validate", str(target))
    assert (code, err) == (0, "")
    assert out == (
        f"{target} is valid: 120 rows\n"
        "Against the current values: 0 changed, 0 new, 0 to no data, 120 unchanged.\n"
    )


def test_validate_lists_every_problem_and_exits_1(initialised: str, tmp_path: Path) -> None:
    target = tmp_path / "bad.csv"
    target.write_text(
        "round,country,indicator,score,note,source\n"
        "2021,LV,BRI-I-01,120,,\n"
        "2020,LV,BRI-I-02,50,,\n"
        "2021,LV,BRI-I-03,abc,,\n",
        encoding="utf-8",
    )
    code, out, err = run("validate", str(target))
    assert code == 1
    assert out == (
        'row 2, column score: "120" is outside 0 to 100; enter a score from 0 to 100, or leave '
        "it empty for no data\n"
        'row 3, column round: "2020" is not a known round; enter one of 2017, 2019, 2021\n'
        'row 4, column score: "abc" is not a number; enter a score from 0 to 100, or leave it '
        "empty for no data\n"
    )
    assert err == f"Error: {target} has 3 problems\n"


def test_validate_reports_a_whole_file_problem(initialised: str, tmp_path: Path) -> None:
    target = tmp_path / "empty.csv"
    target.write_bytes(b"")
    code, out, err = run("validate", str(target))
    assert (code, out, err) == (
        1,
        "file: the file is empty; fill in the template and upload it again\n",
        f"Error: {target} has 1 problem\n",
    )


def test_an_invalid_import_writes_nothing(initialised: str, tmp_path: Path) -> None:
    rows = edited({"BRI-I-01": ("55,5", ""), "BRI-I-02": ("12", "")})
    rows[5]["country"] = "LT"
    target = write_latvian(tmp_path / "lv.csv", rows, "utf-8-sig")
    before = database_content(initialised)
    code, out, err = run("import", str(target), "--user", "partner", "--comment", "x")
    assert code == 1
    assert out == (
        "row 7, column country: you may submit only for LV; remove the rows for LT or ask the "
        "coordinator for access to LT\n"
    )
    assert err == "Error: 1 problem; nothing was imported\n"
    assert database_content(initialised) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--user", "nobody"],
            "Error: unknown user 'nobody'; `niem user list` shows the accounts\n",
        ),
        (
            ["--user", "partner"],
            CLEARED_SOURCE_NOTICE
            + "Error: add a comment saying why these scores change; the coordinator reads it: "
            "add --comment TEXT\n",
        ),
        ([], "Error: Missing option '--user'.\n"),
    ],
)
def test_import_mistakes_write_nothing(
    initialised: str, tmp_path: Path, args: list[str], message: str
) -> None:
    target = write_latvian(tmp_path / "lv.csv", edited({"BRI-I-01": ("60", "")}), "utf-8")
    before = database_content(initialised)
    code, _, err = run("import", str(target), *args)
    assert (code, err) == (1, message)
    assert database_content(initialised) == before


def test_a_disabled_user_cannot_import(initialised: str, tmp_path: Path) -> None:
    target = write_latvian(tmp_path / "lv.csv", edited({"BRI-I-01": ("60", "")}), "utf-8")
    run("user", "disable", "partner")
    code, _, err = run("import", str(target), "--user", "partner", "--comment", "x")
    assert (code, err) == (1, "Error: this account is disabled; ask the coordinator\n")


@pytest.mark.parametrize("encoding", ["cp1257", "utf-8-sig"])
def test_the_latvian_round_trip_lands_pending_and_is_published_on_approval(
    initialised: str, tmp_path: Path, encoding: str
) -> None:
    rows = edited({"BRI-I-01": ("55.5", NOTE), "BRI-I-02": ("12", "")})
    target = write_latvian(tmp_path / "lv.csv", rows, encoding)
    assert b";55,5;" in target.read_bytes()

    code, out, _ = run("validate", str(target))
    assert (code, out.splitlines()[-1]) == (
        0,
        "Against the current values: 2 changed, 0 new, 0 to no data, 118 unchanged.",
    )
    code, out, _ = run(
        "import", str(target), "--user", "partner", "--comment", "Pašvaldību dati 2021"
    )
    assert (code, out) == (
        0,
        "Revision 2 pending: 2 changed, 0 new, 0 to no data, 118 unchanged.\n",
    )
    pending = run("revisions", "--status", "pending")[1].splitlines()
    assert len(pending) == 2
    assert re.fullmatch(
        rf"2         pending  upload  partner  {WHEN}  2       LV         2021    "
        r"Pašvaldību dati 2021",
        pending[1],
    )
    exported = {
        r["code"]: (r["score"], r["note"], r["provenance"])
        for r in rows_of(
            run("export", "--level", "indicator", "--round", "2021", "--country", "LV")[1]
        )
    }
    assert exported["BRI-I-01"] == ("22", "", "illustrative")

    rows, effect = run("diff", "2")[1].split("\n\n")
    assert rows == (
        "score             before  after  new note\n"
        f"2021 LV BRI-I-01  22      55.5   {NOTE}\n"
        "2021 LV BRI-I-02  25      12"
    )
    # The cell holds three indicators: (55.5 - 22 + 12 - 25) / 3 = +6.8.
    assert [" ".join(line.split()[-9:]) for line in effect.splitlines()[2:]] == [
        "26.0 32.8 +6.8 10 of 14 9 of 14",
        "39.4 41.7 +2.3 13 of 14 11 of 14",
        "36.1 36.7 +0.6 8 of 14 8 of 14",
        "47.2 47.9 +0.7 9 of 14 9 of 14",
        "50.7 50.9 +0.2 8 of 14 8 of 14",
    ]
    assert run("approve", "2", "--user", "coord") == (
        0,
        "Approved revision 2; its values are now current.\n",
        "",
    )
    exported = {
        r["code"]: (r["score"], r["note"], r["provenance"])
        for r in rows_of(
            run("export", "--level", "indicator", "--round", "2021", "--country", "LV")[1]
        )
    }
    assert exported["BRI-I-01"] == ("55.5", NOTE, "revision:2")
    assert exported["BRI-I-02"] == ("12", "", "revision:2")
    assert exported["BRI-I-03"] == ("31", "", "illustrative")
    sources = {
        r["code"]: r["source"]
        for r in rows_of(
            run("export", "--level", "indicator", "--round", "2021", "--country", "LV")[1]
        )
    }
    # The template's illustrative source is not carried over to the partner's new values.
    assert (sources["BRI-I-01"], sources["BRI-I-02"], sources["BRI-I-03"]) == (
        "",
        "",
        ILLUSTRATIVE,
    )

    code, out, _ = run("history", "--country", "LV", "--round", "2021", "--indicator", "bri-i-01")
    lines = out.splitlines()
    assert lines[0].split("  ")[0] == "when (UTC)"
    assert re.fullmatch(
        rf"{WHEN}  partner    2         published, current  2021 LV BRI-I-01  55\.5   "
        r"Pašvaldību dati 2021 +approved by coord",
        lines[1],
    )
    assert re.fullmatch(
        rf"{WHEN}  niem init  1         published           2021 LV BRI-I-01  22     "
        r"Illustrative indicator scores generated for demonstration; not expert data\.",
        lines[2],
    )
    assert len(lines) == 3


def test_history_of_a_round_and_country_lists_every_change(
    initialised: str, tmp_path: Path
) -> None:
    target = write_latvian(
        tmp_path / "lv.csv", edited({"BRI-I-01": ("60", ""), "BRI-I-02": ("", "")}), "utf-8"
    )
    run("import", str(target), "--user", "partner", "--comment", "Two fixes")
    run("reject", "2", "--user", "coord", "--reason", "No source for the new value")
    code, out, _ = run("history", "--country", "LV", "--round", "2021")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1 + 120 + 2
    assert re.fullmatch(
        rf"{WHEN}  partner    2         rejected            2021 LV BRI-I-02  no data  Two fixes"
        r" +rejected by coord: No source for the new value",
        lines[1],
    )
    assert lines[2].split()[2:9] == [
        "partner", "2", "rejected", "2021", "LV", "BRI-I-01", "60",
    ]  # fmt: skip


def test_a_coordinator_import_is_published_at_once_and_can_be_rolled_back(
    initialised: str, tmp_path: Path
) -> None:
    target = write_latvian(tmp_path / "lv.csv", edited({"BRI-I-01": ("70", "")}), "cp1257")
    code, out, _ = run("import", str(target), "--user", "coord")
    assert (code, out) == (
        0,
        "Revision 2 published: 1 changed, 0 new, 0 to no data, 119 unchanged.\n",
    )
    assert run("rollback", "2", "--user", "coord") == (
        0,
        "Revision 3 rolls back revision 2: 1 score restored.\n",
        "",
    )
    exported = rows_of(
        run("export", "--level", "indicator", "--round", "2021", "--country", "LV")[1]
    )
    restored = next(r for r in exported if r["code"] == "BRI-I-01")
    assert (restored["score"], restored["provenance"], restored["source"]) == (
        "22",
        "illustrative",
        ILLUSTRATIVE,
    )
    code, out, _ = run("revisions")
    assert [line.split()[:4] for line in out.splitlines()] == [
        ["revision", "status", "kind", "author"],
        ["3", "published", "rollback", "coord"],
        ["2", "published", "upload", "coord"],
        ["1", "published", "illustrative", "niem"],
    ]


def test_a_conflicting_import_asks_for_confirmation(initialised: str, tmp_path: Path) -> None:
    partner_file = write_latvian(tmp_path / "lv.csv", edited({"BRI-I-01": ("60", "")}), "utf-8")
    coordinator_file = write_latvian(
        tmp_path / "coord.csv", edited({"BRI-I-01": ("40", "")}), "utf-8"
    )
    assert run("import", str(coordinator_file), "--user", "coord")[0] == 0
    code, _, err = run("import", str(partner_file), "--user", "partner", "--comment", "x")
    assert (code, err) == (
        1,
        CLEARED_SOURCE_NOTICE
        + "Error: another revision changed these scores after your template was made: "
        "2021 LV BRI-I-01; check them and confirm to overwrite them: run again with "
        "--confirm-conflicts\n",
    )
    code, out, _ = run(
        "import", str(partner_file), "--user", "partner", "--comment", "x", "--confirm-conflicts"
    )
    assert (code, out) == (
        0,
        "Revision 3 pending: 1 changed, 0 new, 0 to no data, 119 unchanged.\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["approve", "2", "--user", "partner"],
            "Error: only a coordinator may approve revisions\n",
        ),
        (["approve", "9", "--user", "coord"], "Error: there is no revision 9\n"),
        (["reject", "2", "--user", "coord"], "Error: Missing option '--reason'.\n"),
        (
            ["reject", "2", "--user", "coord", "--reason", " "],
            "Error: give a reason for rejecting; the partner reads it\n",
        ),
        (
            ["rollback", "2", "--user", "coord"],
            "Error: revision 2 is pending; only published revisions can be rolled back "
            "(a pending one can be rejected or withdrawn)\n",
        ),
        (
            ["withdraw", "2", "--user", "coord"],
            "Error: a coordinator may only withdraw its own unpublished revisions; this one is "
            "by another account, so reject it with a reason instead: run "
            "`niem reject 2 --user coord --reason TEXT`\n",
        ),
        (
            ["withdraw", "1", "--user", "partner"],
            "Error: an account may only withdraw its own unpublished revisions; this one is by "
            "another account\n",
        ),
        (
            ["history", "--round", "2020"],
            "Error: unknown round 2020; choose one of 2017, 2019, 2021\n",
        ),
        (
            ["revisions", "--status", "draft"],
            "Error: Invalid value for '--status': 'draft' is not one of 'pending', 'published', "
            "'rejected', 'withdrawn'.\n",
        ),
    ],
)
def test_review_mistakes_print_one_error_line_and_write_nothing(
    initialised: str, tmp_path: Path, args: list[str], message: str
) -> None:
    target = write_latvian(tmp_path / "lv.csv", edited({"BRI-I-01": ("60", "")}), "utf-8")
    assert run("import", str(target), "--user", "partner", "--comment", "x")[0] == 0
    before = database_content(initialised)
    assert run(*args) == (1, "", message)
    assert database_content(initialised) == before


def test_a_partner_withdraws_its_import(initialised: str, tmp_path: Path) -> None:
    target = write_latvian(tmp_path / "lv.csv", edited({"BRI-I-01": ("60", "")}), "utf-8")
    run("import", str(target), "--user", "partner", "--comment", "x")
    assert run("withdraw", "2", "--user", "partner") == (0, "Withdrew revision 2.\n", "")
    assert run("revisions", "--status", "pending")[1].splitlines()[1:] == []


def test_imports_run_at_the_same_time_all_land(initialised: str, tmp_path: Path) -> None:
    niem = Path(sys.executable).parent / "niem"
    files = []
    for number, indicator in enumerate(["BRI-L-01", "BRI-L-02", "BRI-L-03", "BRI-L-04"]):
        files.append(
            write_latvian(
                tmp_path / f"lv{number}.csv", edited({indicator: (str(90 + number), "")}), "utf-8"
            )
        )
    env = {**os.environ, "NIEM_DATABASE_URL": initialised}
    processes = [
        subprocess.Popen(
            [str(niem), "import", str(f), "--user", "partner", "--comment", f.stem],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read() if p.stdout else "") for p in processes]
    assert [code for code, _ in outcomes] == [0, 0, 0, 0]
    ids = sorted(int(out.split()[1]) for _, out in outcomes)
    assert ids == [2, 3, 4, 5]
    lines = run("revisions", "--status", "pending")[1].splitlines()[1:]
    assert sorted(line.split()[-1] for line in lines) == ["lv0", "lv1", "lv2", "lv3"]


def test_init_after_a_no_demo_import_keeps_the_real_scores(
    database_url: str, tmp_path: Path
) -> None:
    assert run("init", "--no-demo")[0] == 0
    run("user", "add", "coord", "--role", "coordinator", input=PASSWORD)
    target = tmp_path / "real.csv"
    target.write_text(
        "round,country,indicator,score,note,source\n2021,LV,BRI-I-01,64,,Ministry survey\n",
        encoding="utf-8",
    )
    assert run("import", str(target), "--user", "coord")[1] == (
        "Revision 1 published: 0 changed, 1 new, 0 to no data, 0 unchanged.\n"
    )
    assert run("init")[1].endswith(
        "5040 illustrative scores and 31 illustrative practices added.\n"
    )
    exported = {
        r["code"]: (r["score"], r["provenance"], r["source"])
        for r in rows_of(
            run("export", "--level", "indicator", "--round", "2021", "--country", "LV")[1]
        )
    }
    assert exported["BRI-I-01"] == ("64", "revision:1", "Ministry survey")
    assert exported["BRI-I-02"] == ("25", "illustrative", ILLUSTRATIVE)
    template = {r["indicator"]: (r["score"], r["revision"]) for r in template_rows()}
    assert template["BRI-I-01"] == ("64", "1")
    out = run("history", "--country", "LV", "--round", "2021", "--indicator", "BRI-I-01")[1]
    assert [re.split(r"\s{2,}", line)[2:4] for line in out.splitlines()[1:]] == [
        ["2", "published"],
        ["1", "published, current"],
    ]


def test_approving_over_a_newer_value_needs_confirm_conflicts(
    initialised: str, tmp_path: Path
) -> None:
    partner_file = write_latvian(tmp_path / "lv.csv", edited({"HEA-L-02": ("11", "")}), "utf-8")
    coordinator_file = write_latvian(
        tmp_path / "coord.csv", edited({"HEA-L-02": ("14", "")}), "utf-8"
    )
    assert run("import", str(partner_file), "--user", "partner", "--comment", "x")[0] == 0
    assert run("import", str(coordinator_file), "--user", "coord")[0] == 0
    before = database_content(initialised)
    assert run("approve", "2", "--user", "coord") == (
        1,
        "",
        "Error: approving revision 2 would replace values published after it was submitted: "
        "2021 LV HEA-L-02 (14 from revision 3, would become 11); check them and confirm to "
        "replace them: run again with --confirm-conflicts\n",
    )
    assert database_content(initialised) == before
    assert run("approve", "2", "--user", "coord", "--confirm-conflicts") == (
        0,
        "Approved revision 2; its values are now current.\n",
        "",
    )
    exported = rows_of(run("export", "--level", "indicator", "--round", "2021")[1])
    assert [r["score"] for r in exported if (r["country"], r["code"]) == ("LV", "HEA-L-02")] == [
        "11"
    ]


def test_validate_notices_scores_changed_since_the_template_was_made(
    initialised: str, tmp_path: Path
) -> None:
    stale = write_latvian(
        tmp_path / "lv.csv", edited({"BRI-I-01": ("60", ""), "BRI-I-02": ("8", "")}), "utf-8"
    )
    coordinator_file = write_latvian(
        tmp_path / "coord.csv", edited({"BRI-I-01": ("40", "")}), "utf-8"
    )
    assert run("import", str(coordinator_file), "--user", "coord")[0] == 0
    assert run("validate", str(stale)) == (
        0,
        f"{stale} is valid: 120 rows\n"
        "Against the current values: 2 changed, 0 new, 0 to no data, 118 unchanged.\n",
        "Notice: file: 2 changed rows still had the template's source \"illustrative (generated, "
        'not an expert score)" (rows 119, 120); a changed score is no longer illustrative, so '
        "they are stored without a source. Write where each score comes from in the source "
        "column to give it one\n"
        "Notice: 1 row changes a score that another revision changed after the template was "
        "made (2021 LV BRI-I-01); `niem import` will need --confirm-conflicts\n",
    )


def test_text_stored_with_terminal_escapes_is_printed_as_visible_escapes(initialised: str) -> None:
    """Notes and comments stored before control characters were refused cannot drive the
    coordinator's terminal: they print as escapes, not as codes."""
    hostile = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\u009b"
    engine = make_engine(initialised)
    with engine.begin() as connection:
        connection.execute(text("UPDATE revision SET comment = :c WHERE id = 1"), {"c": hostile})
        connection.execute(
            text(
                "UPDATE score SET note = :n WHERE id = (SELECT min(id) FROM score "
                "WHERE indicator_code = 'BRI-I-01' AND country_code = 'LV' AND round_year = 2021)"
            ),
            {"n": hostile},
        )
    engine.dispose()
    escaped = "\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\x9b"
    code, out, _ = run("revisions")
    assert code == 0
    assert out.splitlines()[1].endswith(escaped)
    code, out, _ = run("diff", "1")
    assert code == 0
    assert re.search(rf"^2021 LV BRI-I-01  no data  22 +{re.escape(escaped)}$", out, re.M)
    assert "\x1b" not in out and "\x07" not in out and "\u009b" not in out


def test_an_unexpected_failure_is_one_error_line(
    initialised: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("round")

    monkeypatch.setattr("niem.history.list_revisions", broken)
    assert run("revisions") == (1, "", "Error: unexpected KeyError: 'round'; please report it\n")


def test_an_import_saved_as_windows_1252_is_refused_and_writes_nothing(
    initialised: str, tmp_path: Path
) -> None:
    notes = edited({"BRI-I-01": ("22", "Rīgā"), "BRI-I-02": ("25", "Ļoti labi, ņemot vērā")})
    coordinator_file = write_latvian(tmp_path / "coord.csv", notes, "utf-8")
    assert run("import", str(coordinator_file), "--user", "coord")[0] == 0
    # The partner changes one score; LibreOffice saves the rest as Windows-1252 would.
    partner_file = write_latvian(tmp_path / "lv.csv", edited({"MAI-L-01": ("60", "")}), "utf-8")
    text_read = partner_file.read_text(encoding="utf-8")
    partner_file.write_bytes(text_read.encode("cp1252", errors="replace"))
    before = database_content(initialised)
    code, out, err = run("import", str(partner_file), "--user", "partner", "--comment", "x")
    assert (code, err) == (1, "Error: 3 problems; nothing was imported\n")
    assert out == (
        'file: the file lost letters such as ā, ē, ī, ū, ņ, ļ (they became "?" or plain '
        "letters) in 2 rows: 119, 120; nothing was changed. The file was saved in a character "
        'set without them: save it as Excel (.xlsx), or as CSV in "UTF-8" or "Windows-1257 '
        '(Baltic)", and upload it again\n'
        'row 119, column note: only letters changed, into "?" or plain letters: "Rīgā" became '
        '"R?g?"; upload the file saved as UTF-8 or Windows-1257\n'
        'row 120, column note: only letters changed, into "?" or plain letters: "Ļoti labi, '
        'ņemot vērā" became "?oti labi, ?emot v?r?"; upload the file saved as UTF-8 or '
        "Windows-1257\n"
    )
    assert database_content(initialised) == before
    partner_file.write_text(text_read, encoding="cp1257")
    code, out, _ = run("import", str(partner_file), "--user", "partner", "--comment", "x")
    assert (code, out) == (
        0,
        "Revision 3 pending: 1 changed, 0 new, 0 to no data, 119 unchanged.\n",
    )


def test_the_excel_template_from_the_command_line_has_its_instructions(
    initialised: str, tmp_path: Path
) -> None:
    target = tmp_path / "lv.xlsx"
    assert run("template", "--country", "LV", "--round", "2021", "-o", str(target)) == (
        0,
        "",
        f"Wrote 120 rows to {target}\n",
    )
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["scores", "instructions"]
    assert workbook["scores"].freeze_panes == "E2"
    code, out, err = run("validate", str(target))
    assert (code, err) == (0, "")
    assert out == (
        f"{target} is valid: 120 rows\n"
        "Against the current values: 0 changed, 0 new, 0 to no data, 120 unchanged.\n"
    )


def test_import_shows_its_stages_on_a_progress_bar_only_when_asked(
    initialised: str, tmp_path: Path
) -> None:
    rows = edited({"BRI-I-01": ("55.5", NOTE)})
    target = write_latvian(tmp_path / "lv.csv", rows, "utf-8-sig")
    code, out, err = run(
        "import", str(target), "--user", "partner", "--comment", "x", "--progress"
    )
    assert (code, out) == (
        0, "Revision 2 pending: 1 changed, 0 new, 0 to no data, 119 unchanged.\n"
    )
    assert "store: 100%" in err and "120/120" in err
    code, out, err = run("import", str(target), "--user", "partner", "--comment", "y")
    assert (code, out) == (
        0, "Revision 3 pending: 1 changed, 0 new, 0 to no data, 119 unchanged.\n"
    )
    assert "%|" not in err
