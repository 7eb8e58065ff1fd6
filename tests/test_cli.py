"""The `niem` command line contract."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from statistics import fmean

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from niem.cli import cli
from niem.database import make_engine
from tests.conftest import table_rows

PUBLISHED_2021 = {
    "SE": 72.5,
    "FR": 67.5,
    "LT": 62.6,
    "IT": 52.9,
    "LV": 50.7,
    "SI": 50.1,
    "GR": 39.5,
    "RO": 38.5,
    "BG": 37.1,
    "PL": 36.9,
    "HU": 32.8,
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def rows_of(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def table_counts(url: str) -> dict[str, int]:
    return {name: len(rows) for name, rows in table_rows(make_engine(url)).items()}


@pytest.fixture
def initialised(database_url: str) -> str:
    assert run("init")[0] == 0
    return database_url


def test_init_twice_leaves_every_table_unchanged(database_url: str) -> None:
    assert run("init")[0] == 0
    first = table_counts(database_url)
    code, out, _ = run("init")
    assert code == 0
    assert table_counts(database_url) == first
    assert first["indicator"] == 128
    assert first["publishedfigure"] == 17
    assert first["score"] == 5040
    assert out == (
        "Database ready: 0 reference rows, 0 published figures, 0 published facts, "
        "0 illustrative scores and 0 illustrative practices added.\n"
    )
    assert first["publishedfact"] == 9


def test_init_without_demo_loads_no_scores(database_url: str) -> None:
    assert run("init", "--no-demo")[0] == 0
    counts = table_counts(database_url)
    assert (counts["score"], counts["revision"], counts["publishedfigure"]) == (0, 0, 17)


def test_export_overall_2021_lists_the_14_countries_with_published_figures(
    initialised: str,
) -> None:
    code, out, _ = run("export", "--level", "overall", "--round", "2021")
    assert code == 0
    rows = rows_of(out)
    assert [r["country"] for r in rows] == [
        "BG",
        "CZ",
        "ES",
        "FR",
        "GR",
        "HU",
        "IT",
        "LT",
        "LV",
        "NL",
        "PL",
        "RO",
        "SE",
        "SI",
    ]
    published = {r["country"]: r for r in rows if r["provenance"] == "published"}
    assert {c: float(r["score"]) for c, r in published.items()} == PUBLISHED_2021
    assert published["LV"]["source"] == "https://ogreszinas.news/?p=5561"
    assert all(r["source"].startswith("https://") for r in published.values())
    others = {r["country"]: r["provenance"] for r in rows if r["country"] in ("CZ", "ES", "NL")}
    assert others == {"CZ": "illustrative", "ES": "illustrative", "NL": "illustrative"}


def test_export_has_the_documented_columns(initialised: str) -> None:
    _, out, _ = run("export", "--level", "cell", "--round", "2021", "--country", "LV")
    header = out.splitlines()[0]
    assert header == (
        "round,country,level,code,dimension,step,score,computed,coverage,covered,total,"
        "provenance,source,note"
    )
    rows = rows_of(out)
    assert len(rows) == 36
    assert rows[0]["code"] == f"{rows[0]['dimension']}.{rows[0]['step']}"


def test_romania_step_scores_are_the_published_ones(initialised: str) -> None:
    _, out, _ = run("export", "--level", "step", "--country", "RO")
    scores = {(r["round"], r["code"]): (r["score"], r["provenance"]) for r in rows_of(out)}
    assert scores[("2017", "legal")] == ("64.8", "published")
    assert scores[("2017", "policy")] == ("36.9", "published")
    assert scores[("2017", "implementation")] == ("21.7", "published")
    assert scores[("2019", "legal")] == ("58.9", "published")
    assert scores[("2019", "implementation")] == ("20.3", "published")
    assert scores[("2021", "legal")][1] == "illustrative"


def test_means_recomputed_from_the_indicator_export_match_the_export(initialised: str) -> None:
    indicators = rows_of(run("export", "--level", "indicator", "--round", "2021")[1])
    cells: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    scored = {r["code"] for r in indicators if "-S-" not in r["code"]}
    for row in indicators:
        if row["score"] and row["code"] in scored:
            cells[(row["country"], row["dimension"], row["step"])].append(float(row["score"]))
    cell_means = {key: fmean(values) for key, values in cells.items() if len(values) >= 2}
    dimension_means: dict[tuple[str, str], list[float]] = defaultdict(list)
    for (country, dimension, _step), mean in cell_means.items():
        dimension_means[(country, dimension)].append(mean)
    expected_dimensions = {key: half_up(fmean(v)) for key, v in dimension_means.items()}
    expected_overall: dict[str, list[float]] = defaultdict(list)
    for (country, _dimension), cells_of_dimension in dimension_means.items():
        expected_overall[country].append(fmean(cells_of_dimension))

    exported_dimensions = {
        (r["country"], r["code"]): float(r["score"])
        for r in rows_of(run("export", "--level", "dimension", "--round", "2021")[1])
    }
    exported_overall = {
        r["country"]: float(r["score"])
        for r in rows_of(run("export", "--level", "overall", "--round", "2021")[1])
    }
    assert len(exported_dimensions) == 14 * 12
    assert exported_dimensions == expected_dimensions
    assert exported_overall == {c: half_up(fmean(v)) for c, v in expected_overall.items()}


def half_up(value: float) -> float:
    """One decimal, rounded half up on the decimal value, as the methodology states."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_export_gives_the_computed_value_beside_published_figures_and_words_empty_ones(
    initialised: str,
) -> None:
    rows = rows_of(run("export", "--round", "2021", "--country", "LV")[1])
    overall = next(r for r in rows if r["level"] == "overall")
    assert (overall["score"], overall["computed"], overall["provenance"]) == (
        "50.7", "50.7", "published"
    )
    dimension = next(r for r in rows if r["level"] == "dimension")
    assert dimension["computed"] == ""
    statistical = next(r for r in rows if r["code"] == "FAM-S-01")
    assert (statistical["score"], statistical["note"]) == ("", "no data")


def test_export_writes_xlsx_to_a_file(initialised: str, tmp_path: pytest.TempPathFactory) -> None:
    from openpyxl import load_workbook

    target = f"{tmp_path}/overall.xlsx"
    code, _, err = run("export", "--level", "overall", "--round", "2019", "-o", target)
    assert code == 0
    assert err == f"Wrote 14 rows to {target}\n"
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet["A1"].value == "round"
    assert sheet.max_row == 15


def test_export_of_every_round_is_each_round_written_in_turn(initialised: str) -> None:
    code, everything, err = run("export")
    assert (code, err) == (0, "")
    rounds = [run("export", "--round", year)[1] for year in ("2017", "2019", "2021")]
    header = everything.splitlines(keepends=True)[0]
    assert everything == header + "".join(r.removeprefix(header) for r in rounds)
    assert len(rows_of(everything)) == 7728


def test_export_shows_a_progress_bar_only_when_asked_or_on_a_terminal(
    initialised: str, tmp_path: pytest.TempPathFactory
) -> None:
    target = f"{tmp_path}/all.xlsx"
    code, _, err = run("export", "--progress", "--level", "overall", "-o", target)
    assert code == 0
    assert "export: 100%" in err and "3/3" in err
    assert err.endswith(f"Wrote 42 rows to {target}\n")
    assert run("export", "--level", "overall", "-o", target)[2] == f"Wrote 42 rows to {target}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["export", "--round", "2020"],
            "Error: unknown round 2020; choose one of 2017, 2019, 2021\n",
        ),
        (
            ["export", "--country", "Atlantis"],
            "Error: unknown country 'Atlantis'; use an ISO code such as LV\n",
        ),
        (
            ["export", "--level", "region"],
            "Error: Invalid value for '--level': 'region' is not one of 'indicator', 'cell', "
            "'dimension', 'step', 'area', 'overall'.\n",
        ),
        (
            ["export", "--format", "xlsx"],
            "Error: XLSX cannot go to standard output; give a file with -o\n",
        ),
        (
            ["template", "--country", "PT", "--round", "2021"],
            "Error: country PT is not in round 2021; its countries are "
            "BG CZ ES FR GR HU IT LT LV NL PL RO SE SI\n",
        ),
        (["template", "--round", "2021"], "Error: Missing option '--country'.\n"),
    ],
)
def test_user_mistakes_print_one_error_line_and_exit_1(
    initialised: str, args: list[str], message: str
) -> None:
    code, out, err = run(*args)
    assert (code, out, err) == (1, "", message)


def test_commands_on_an_empty_database_ask_for_init(database_url: str) -> None:
    code, _, err = run("export")
    assert (code, err) == (1, "Error: the database has no data yet; run `niem init` first\n")


def test_template_is_prefilled_with_current_values(initialised: str) -> None:
    code, out, _ = run("template", "--country", "EL", "--round", "2021")
    assert code == 0
    rows = rows_of(out)
    assert len(rows) == 120
    assert list(rows[0])[:6] == ["round", "country", "indicator", "score", "note", "source"]
    assert {r["country"] for r in rows} == {"GR"}
    indicator = rows_of(
        run("export", "--level", "indicator", "--round", "2021", "--country", "GR")[1]
    )
    current = {r["code"]: r["score"] for r in indicator}
    assert all(current[r["indicator"]] == r["score"] for r in rows)


def test_check_reports_no_published_figure_out_of_tolerance(initialised: str) -> None:
    code, out, _ = run("check")
    assert code == 0
    assert "differs from published" not in out
    assert out.splitlines()[-1] == "9 of 9 published facts hold."


def test_check_reports_a_published_figure_the_data_do_not_reproduce(initialised: str) -> None:
    with make_engine(initialised).begin() as connection:
        connection.execute(
            text(
                "UPDATE publishedfigure SET value = 80"
                " WHERE country_code = 'SE' AND level = 'overall'"
            )
        )
    code, out, _ = run("check")
    assert code == 1
    assert "differs from published: 2021 SE: overall: published 80.0, computed 72.5" in out


def test_a_missing_database_file_is_not_created_by_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "none.db"
    monkeypatch.setenv("NIEM_DATABASE_URL", f"sqlite:///{target}")
    assert run("export") == (1, "", "Error: the database has no data yet; run `niem init` first\n")
    assert not target.exists()


def test_an_unwritable_output_file_is_one_error_line(initialised: str) -> None:
    code, out, err = run(
        "template", "--country", "LV", "--round", "2021", "-o", "/nonexistent/x.csv"
    )
    assert (code, out, err) == (
        1,
        "",
        "Error: cannot use /nonexistent/x.csv: No such file or directory\n",
    )


def test_bad_settings_are_one_error_line(initialised: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIEM_MAX_UPLOAD_BYTES", "abc")
    assert run("export") == (
        1,
        "",
        "Error: NIEM_MAX_UPLOAD_BYTES must be a whole number above 0, not 'abc'; fix or unset it\n",
    )
    monkeypatch.setenv("NIEM_MAX_UPLOAD_BYTES", "1000")
    monkeypatch.setenv("NIEM_DATABASE_URL", "garbage")
    code, _, err = run("export")
    assert code == 1
    assert err.startswith("Error: NIEM_DATABASE_URL 'garbage' is not a database this app can open")


def test_each_command_comes_from_the_module_named_for_it_and_only_when_used() -> None:
    import importlib
    import subprocess
    import sys

    from niem.cli import COMMAND_MODULES

    for name, module in COMMAND_MODULES.items():
        importlib.import_module(f"niem.cli.{module}")
        assert cli.commands[name].callback.__module__ == f"niem.cli.{module}", name
    assert sorted(cli.commands) == sorted(COMMAND_MODULES)
    assert run("--help")[0] == 0
    # `niem export` starts without the code of uploads, workbooks, passwords or PDFs.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from niem.cli import cli; "
         "cli.get_command(None, 'export'); print(sorted(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout
    for module in ("niem.importing", "openpyxl", "niem.accounts", "fpdf", "niem.cli.scores"):
        assert f"'{module}'" not in loaded, module
