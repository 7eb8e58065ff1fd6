"""Benchmark section on the shipped data: each page in headless Chromium, sign-in, uploads.

Pages are timed in headless Chromium from navigation until Streamlit has finished the run
and drawn every element, after one warm-up load (the target: under a second each), and the
overview's first load in a fresh browser (`overview_browser_first_s`, target 2 s).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from sqlalchemy.engine import Engine

from niem.accounts import OPERATOR, LoginFailed, add_user, authenticate
from niem.config import ReadLimits, load_settings
from niem.database import make_engine, open_session
from niem.importing import UploadContext, read_upload
from niem.loading import initialise
from niem.reports.brief import build_brief
from niem.reports.report import build_report
from niem.reports.sources import load_report_data
from niem.results import load_results
from tests.benchmarks import REPEATS
from tests.benchmarks import median_time as timed
from tests.hostile_files import FILES
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, PAGES, SETTLED, served

PAGE_TARGET_SECONDS = 1.0
FIRST_LOAD_TARGET_SECONDS = 2.0
REPORT_TARGET_SECONDS = 30.0


# Menu entry, and the start of the heading that shows once that page has drawn.
NAVIGATION_TITLES = {
    "overview": ("Overview", "Refugee integration in Europe"),
    "compare": ("Compare countries", "Compare countries"),
    "policy-areas": ("Policy areas", "Policy areas"),
    "rounds": ("Rounds", "Change between rounds"),
    "country": ("Country profile", "Country profile"),
    "methodology": ("Methodology", "Methodology"),
}


def _timed_navigation(
    navigate: Callable[[tuple[str, str]], None], entry: tuple[str, str], away: tuple[str, str]
) -> float:
    navigate(away)
    start = time.perf_counter()
    navigate(entry)
    return time.perf_counter() - start


def sign_in_times(engine: Engine) -> None:
    """A failed sign-in must take as long whether the name is unknown, the password wrong or
    the account locked: print the median of each."""
    with open_session(engine) as session:
        add_user(session, "bench", "partner", "correct horse", ["LV"], by=OPERATOR)
        add_user(session, "locked", "partner", "correct horse", ["LV"], by=OPERATOR)
        for _ in range(5):
            try:
                authenticate(session, "locked", "guess")
            except LoginFailed:
                pass

        def failing(name: str, password: str) -> Callable[[], object]:
            def attempt() -> object:
                try:
                    # A high limit, so that the repeated guesses do not lock "bench".
                    return authenticate(session, name, password, attempts_before_lock=1000)
                except LoginFailed as error:
                    return error

            return attempt

        for label, name, password in (
            ("unknown name", "nobody", "guess"),
            ("wrong password", "bench", "guess"),
            ("locked account", "locked", "correct horse"),
        ):
            seconds = timed(failing(name, password), repeats=15)
            print(f"failed sign-in, {label:<15}  {seconds * 1000:6.1f} ms")


def hostile_read_times() -> None:
    """The slowest hostile uploads, read in this process (the tests cap each one's memory)."""
    context = UploadContext(
        rounds={2021: frozenset({"LV"})},
        indicators={"MAI-L-01": True},
        editable_countries=frozenset({"LV"}),
        limits=ReadLimits(),
    )
    for name in (
        "empty-cells-up-to-the-part-limit.xlsx",
        "csv-only-line-breaks.csv",
        "csv-header-with-a-million-empty-cells.csv",
        "too-many-rows.xlsx",
    ):
        data = FILES[name]()
        seconds = timed(lambda data=data, name=name: read_upload(data, name, context), repeats=3)
        print(f"upload {name:<42} {seconds:6.3f} s")


def report_times(engine: Engine) -> bool:
    """The PDFs on the shipped data: print their times; False if a report misses 30 s."""
    with open_session(engine) as session:
        data = load_report_data(session)
    start = time.perf_counter()
    build_brief(data, 2021, "LV")
    print(f"reports brief LV 2021 (first)       {time.perf_counter() - start:6.3f} s")
    seconds = timed(lambda: build_brief(data, 2021, "RO"), repeats=3)
    print(f"reports brief RO 2021               {seconds:6.3f} s")
    within = True
    for year in (2017, 2019, 2021):
        start = time.perf_counter()
        build_report(data, year)
        seconds = time.perf_counter() - start
        flag = "" if seconds < REPORT_TARGET_SECONDS else "  SLOWER THAN TARGET"
        within &= not flag
        print(f"reports comparative report {year}    {seconds:6.3f} s{flag}")
    return within


def first_load(address: str, playwright: Any) -> float:
    """The overview's first load in a fresh browser: navigation until every element is drawn."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    start = time.perf_counter()
    page.goto(address)
    page.wait_for_selector("h1")
    page.wait_for_function(SETTLED)
    seconds = time.perf_counter() - start
    browser.close()
    return seconds


def run() -> tuple[dict[str, Any], list[str]]:
    """Print one line per measurement; the overview's first load goes into the results."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'niem.db'}"
        engine = make_engine(url)
        start = time.perf_counter()
        initialise(engine, load_settings())
        print(f"niem init (fresh database)        {time.perf_counter() - start:6.3f} s")
        with open_session(engine) as session:
            seconds = timed(lambda: load_results(session))
        print(f"figures table (all rounds)        {seconds:6.3f} s")
        sign_in_times(engine)
        hostile_read_times()
        reports_within = report_times(engine)
        slow = []
        with served(url) as address, sync_playwright() as playwright:
            firsts = [first_load(address, playwright) for _ in range(3)]
            first = statistics.median(firsts)
            print(f"overview, first browser load     {first:6.3f} s")
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})

            def reload(path: str) -> None:
                page.goto(f"{address}/{path}")
                page.wait_for_selector("h1")
                page.wait_for_function(SETTLED)

            def navigate(entry: tuple[str, str]) -> None:
                menu, heading = entry
                page.get_by_role("link", name=menu).click()
                page.locator("h1", has_text=heading).first.wait_for()
                page.wait_for_function(SETTLED)

            for name, path in PAGES.items():
                reload(path)
                seconds = timed(lambda path=path: reload(path))
                print(f"page {name:<15} full reload     {seconds:6.3f} s")
            reload("methodology")
            for name, entry in NAVIGATION_TITLES.items():
                away = NAVIGATION_TITLES["methodology" if name != "methodology" else "rounds"]
                seconds = statistics.median(
                    _timed_navigation(navigate, entry, away) for _ in range(REPEATS)
                )
                flag = "" if seconds < PAGE_TARGET_SECONDS else "  SLOWER THAN TARGET"
                print(f"page {name:<15} from the menu   {seconds:6.3f} s{flag}")
                if flag:
                    slow.append(name)
            browser.close()
    missed = [f"page {name} from the menu" for name in slow]
    if first > FIRST_LOAD_TARGET_SECONDS:
        missed.append(f"overview first browser load {first:.2f} s > {FIRST_LOAD_TARGET_SECONDS} s")
    if not reports_within:
        missed.append(f"a report took longer than {REPORT_TARGET_SECONDS:.0f} s")
    return {"overview_browser_first_s": round(first, 3)}, missed
