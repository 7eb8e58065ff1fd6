"""Benchmark section at scale: a synthetic store of 1,000,000 score rows, each figure beside
its floor measured in the same run, and the same figures on PostgreSQL when
`NIEM_TEST_POSTGRES_URL` is set.

Every command and the app run in a child process, so each one's peak memory is its own
(`os.wait4` gives the child's `ru_maxrss`); the floors of export and import run the same way
(`tests.benchmarks.floors`), so that a command and its floor both pay a process's start. The
store is left at `store_path`.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from niem.results import load_results
from niem.synthetic import StoreSize, build_store
from tests.benchmarks import samples

ROOT = Path(__file__).resolve().parents[2]
STORE = Path(os.environ.get("NIEM_BENCH_STORE", str(ROOT / "bench" / "store-1m.db")))
SIZE = StoreSize()
NIEM = str(Path(sys.executable).parent / "niem")
PASSWORD = "correct horse battery"
POSTGRES_DATABASE = "niem_issue9_bench"
IMPORT_ROWS = 100_000
AGGREGATE_SAMPLES = 11
FLOOR = [sys.executable, "-m", "tests.benchmarks.floors"]
TARGETS = {
    "page_cold_ms": 500,
    "page_warm_ms": 100,
    "history_ms": 300,
    "review_ms": 300,
    "peak_rss_mb": 500,
}


def run_child(arguments: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; its wall time in seconds, its peak memory in MB and its output."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            arguments, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        printed = output.read().decode(errors="replace")
    if process.returncode:
        raise RuntimeError(f"{arguments} failed: {printed[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, printed


def ensure_store(url: str) -> int:
    """Build the store unless one of the right size is already there; its score rows."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT count(*) FROM score")).scalar_one()
    except Exception:  # noqa: BLE001 (no store yet)
        rows = 0
    if rows != SIZE.score_rows:
        if url.startswith("sqlite"):
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{STORE}{suffix}").unlink(missing_ok=True)
            engine = make_engine(url)
        start = time.perf_counter()
        rows = build_store(engine, load_settings(), SIZE)
        print(f"built a store of {rows:,} score rows in {time.perf_counter() - start:.0f} s")
        _run_niem(url, ["user", "add", "bench", "--role", "coordinator"], stdin=PASSWORD)
    else:
        # A store built by an older version is upgraded, as `niem init` upgrades one.
        initialise(engine, load_settings(), demo=False)
    engine.dispose()
    return rows


def _run_niem(url: str, arguments: list[str], stdin: str = "") -> None:
    subprocess.run(
        [NIEM, *arguments],
        input=f"{stdin}\n{stdin}\n",
        text=True,
        check=True,
        capture_output=True,
        env={**os.environ, "NIEM_DATABASE_URL": url},
    )


def page_figures(url: str) -> tuple[dict[str, Any], float]:
    """Cold and warm server-side times of every page (AppTest in a child), and its peak."""
    _, peak, printed = run_child(
        [sys.executable, "-m", "tests.benchmarks.app_pages"], {"NIEM_DATABASE_URL": url}
    )
    return json.loads(printed.strip().splitlines()[-1]), peak


def export_figures(url: str, folder: Path) -> dict[str, float]:
    """`niem export` of every level against writing the current values as CSV."""
    target = folder / "export.csv"
    runs = [
        run_child([NIEM, "export", "-o", str(target)],
                  {"NIEM_DATABASE_URL": url})
        for _ in range(3)
    ]
    rows = sum(1 for _ in target.open()) - 1
    floors = [
        run_child([*FLOOR, "export", url, str(folder / "floor.csv")])[0] for _ in range(3)
    ]
    return {
        "export_all_s": round(statistics.median(r[0] for r in runs), 3),
        "export_floor_s": round(statistics.median(floors), 3),
        "export_peak_rss_mb": round(max(r[1] for r in runs), 1),
        "export_rows": rows,
    }


def _import_file(folder: Path) -> Path:
    """100,000 changed values of the newest round's scores, as a partner would upload them."""
    path = folder / "import.csv"
    with sqlite3.connect(STORE) as connection, path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["round", "country", "indicator", "score", "note", "source"])
        rows = connection.execute(
            "SELECT round_year, country_code, indicator_code, value FROM currentvalue "
            "ORDER BY round_year DESC, country_code, indicator_code LIMIT ?",
            (IMPORT_ROWS,),
        )
        for year, country, indicator, value in rows:
            writer.writerow([year, country, indicator, (value + 5) % 100, "bench", "bench"])
    return path


def import_figures(url: str, folder: Path) -> dict[str, float]:
    """`niem import` of 100,000 rows into a fresh copy of the store (the SQLite file copied,
    or a PostgreSQL database made from the store's as a template), against pandas and an
    `executemany` into a table of their own on the same database."""
    upload = _import_file(folder)
    limits = {
        "NIEM_MAX_UPLOAD_ROWS": str(IMPORT_ROWS + 10),
        "NIEM_MAX_UPLOAD_BYTES": str(50_000_000),
    }
    times, peaks = [], []
    for _ in range(3):
        with _copy_of(url, folder) as copy:
            seconds, peak, _ = run_child(
                [NIEM, "import", str(upload), "--user", "bench", "--comment", "bench"],
                {"NIEM_DATABASE_URL": copy, **limits},
            )
        times.append(seconds)
        peaks.append(peak)
    floors = [run_child([*FLOOR, "import", str(upload), url])[0] for _ in range(3)]
    return {
        "import_100k_s": round(statistics.median(times), 3),
        "import_floor_s": round(statistics.median(floors), 3),
        "import_peak_rss_mb": round(max(peaks), 1),
    }


@contextmanager
def _copy_of(url: str, folder: Path) -> Iterator[str]:
    """A copy of the store to write to, dropped afterwards."""
    if url.startswith("sqlite"):
        copy = folder / "import.db"
        shutil.copy(STORE, copy)
        yield f"sqlite:///{copy}"
        copy.unlink()
        return
    name = f"{POSTGRES_DATABASE}_import"
    source = make_url(url).database
    admin = make_engine(url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def aggregate_figures(url: str) -> dict[str, float]:
    """Every figure of one round against one bare GROUP BY over the same values: each run once
    first (so both read pages the database already holds in memory), then turn about."""
    engine = make_engine(url)
    year = 2021
    with open_session(engine) as session:
        bare = text(
            "SELECT c.country_code, i.dimension_code, i.step_code, avg(c.value), count(c.value) "
            "FROM currentvalue c JOIN indicator i ON i.code = c.indicator_code "
            "WHERE c.round_year = :year GROUP BY c.country_code, i.dimension_code, i.step_code"
        )
        figures, floor = [], []
        for _ in range(AGGREGATE_SAMPLES + 1):
            figures += samples(lambda: load_results(session, [year]), 1)
            floor += samples(lambda: session.execute(bare, {"year": year}).all(), 1)
        figures, floor = figures[1:], floor[1:]
    engine.dispose()
    return {
        "aggregate_round_s": round(statistics.median(figures), 4),
        "aggregate_floor_s": round(statistics.median(floor), 4),
    }


def measure(url: str) -> dict[str, Any]:
    """Every figure against one store."""
    figures: dict[str, Any] = {"score_rows": ensure_store(url)}
    pages, app_peak = page_figures(url)
    figures.update(pages)
    figures["app_peak_rss_mb"] = round(app_peak, 1)
    figures.update(aggregate_figures(url))
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        figures.update(export_figures(url, folder))
        figures.update(import_figures(url, folder))
    peaks = [v for k, v in figures.items() if k.endswith("peak_rss_mb")]
    figures["peak_rss_mb"] = max(peaks)
    return figures


def missed_targets(figures: dict[str, Any]) -> list[str]:
    """Each target the figures miss, in words."""
    missed = []
    for page, ms in figures["page_cold_ms"].items():
        if ms > TARGETS["page_cold_ms"]:
            missed.append(f"page {page} cold {ms} ms > {TARGETS['page_cold_ms']} ms")
    for page, ms in figures["page_warm_ms"].items():
        if ms > TARGETS["page_warm_ms"]:
            missed.append(f"page {page} warm {ms} ms > {TARGETS['page_warm_ms']} ms")
    for key in ("history_ms", "review_ms", "peak_rss_mb"):
        if figures[key] > TARGETS[key]:
            missed.append(f"{key} {figures[key]} > {TARGETS[key]}")
    for work, times in (("export_all_s", 3), ("aggregate_round_s", 3), ("import_100k_s", 5)):
        floor = figures.get(work.split("_")[0] + "_floor_s")
        if work in figures and floor and figures[work] > times * floor:
            missed.append(f"{work} {figures[work]} s > {times} x floor {floor} s")
    if figures.get("import_100k_s", 0) > 5:
        missed.append(f"import_100k_s {figures['import_100k_s']} s > 5 s")
    return missed


def _postgres_url() -> str | None:
    base = os.environ.get("NIEM_TEST_POSTGRES_URL")
    if not base:
        return None
    engine = make_engine(base)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": POSTGRES_DATABASE}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
    engine.dispose()
    return make_url(base).set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)


def _print(figures: dict[str, Any], other: dict[str, Any] | None) -> None:
    print(f"{'figure':<32}{'SQLite':>14}{'PostgreSQL' if other else '':>14}")
    for key, value in figures.items():
        if isinstance(value, dict):
            for page, ms in value.items():
                theirs = other[key].get(page, "") if other else ""
                print(f"{key + ' ' + page:<32}{ms:>14}{theirs:>14}")
        else:
            theirs = other.get(key, "") if other else ""
            print(f"{key:<32}{value!s:>14}{theirs!s:>14}")


def run() -> tuple[dict[str, Any], list[str]]:
    """Every figure at 1M rows on SQLite (and PostgreSQL when configured), with targets."""
    STORE.parent.mkdir(parents=True, exist_ok=True)
    figures = measure(f"sqlite:///{STORE}")
    figures["store_path"] = str(STORE)
    postgres_url = _postgres_url()
    postgres = measure(postgres_url) if postgres_url else None
    _print(figures, postgres)
    if postgres:
        figures["postgresql"] = postgres
        # The targets are the default store's; PostgreSQL's figures beyond them are named.
        for missed in missed_targets(postgres):
            print(f"PostgreSQL, beyond the target: {missed}")
    return figures, missed_targets(figures)
