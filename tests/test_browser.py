"""The explorer in a real browser: Debian's Chromium driven by Playwright against a live server.

Screenshots land in tests/screenshots/ for people to look at.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from niem import maps
from niem.config import load_settings
from niem.database import make_engine
from niem.loading import initialise

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    "overview": "",
    "compare": "compare",
    "policy-areas": "policy-areas",
    "rounds": "rounds",
    "country": "country",
    "methodology": "methodology",
}
RENDER_TIMEOUT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the app did not start within 60 seconds")


NIEM_APP = [sys.executable, "-c", "from niem.ui.serve import serve; serve()"]
STREAMLIT_RUN = [sys.executable, "-m", "streamlit", "run", "app.py"]


@contextmanager
def served(database: str, command: list[str] = NIEM_APP) -> Iterator[str]:
    """The app served on a free local port over the given database, for as long as needed.

    It is started as `niem-app` starts it, or by the given command (such as `STREAMLIT_RUN`).
    """
    port = _free_port()
    environment = {**os.environ, "NIEM_DATABASE_URL": database}
    process = subprocess.Popen(
        [*command, "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1800})
    yield context.new_page()
    context.close()


SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.dataset.testScriptState === "notRunning"
        && !document.querySelector('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]');
}"""


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # charts and the map draw after the script settles


def _errors(page: Page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens_without_an_error_box(server: str, page: Page, name: str) -> None:
    _open(page, f"{server}/{PAGES[name]}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    assert _errors(page) == []
    assert page.locator("h1").first.inner_text() != ""


MAP = '[data-testid="stDeckGlJsonChart"]'
# Every country of the shipped rounds: the overview's first view is fitted to them.
NIEM_COUNTRIES = "BG CZ ES FR GR HU IT LT LV NL PL PT RO SE SI".split()


def _point_on_the_map(page: Page, longitude: float, latitude: float) -> tuple[float, float]:
    """Where on the page the overview's map first draws a place."""
    framed = set(NIEM_COUNTRIES) | set(maps.FRAME)
    features = maps.map_features(maps.load_boundaries(), {})
    view = maps.fitted_view([f for f in features if f["properties"]["code"] in framed])
    box = page.locator(MAP).bounding_box()
    assert box is not None
    scale = 512 * 2**view.zoom
    x, y = maps._mercator(longitude, latitude)
    centre_x, centre_y = maps._mercator(view.longitude, view.latitude)
    return (
        box["x"] + box["width"] / 2 + (x - centre_x) * scale,
        box["y"] + box["height"] / 2 + (y - centre_y) * scale,
    )


SWEDEN = (15.5, 62.5)


def test_overview_draws_the_map_with_its_description_beside_it(server: str, page: Page) -> None:
    _open(page, server)
    chart = page.locator(MAP)
    chart.wait_for(timeout=RENDER_TIMEOUT_MS)
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 400 and box["height"] == maps.MAP_HEIGHT
    assert page.locator(f"{MAP} canvas").count() >= 1
    assert page.locator(".niem-map-description").inner_text() == (
        "Map of Europe coloured by Overall score for the 14 countries of this round. "
        "Highest Sweden, lowest Hungary. Outlined with a double line, as illustrative: "
        "Czechia, Spain, Netherlands. The ranking table beside the map lists every figure."
    )
    assert page.get_by_role("link", name="The map as a table: the ranking").count() == 1


def test_a_shared_link_reopens_the_same_view(server: str, page: Page) -> None:
    _open(page, f"{server}/?round=2019&measure=dimension:housing")
    page.get_by_text("Ranking: Dimension: Housing, Evaluation 1 (2019)").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    page.screenshot(path=str(SCREENSHOTS / "shared-link-housing-2019.png"))
    assert _errors(page) == []
    assert page.get_by_role("combobox", name="Round").input_value() == "Evaluation 1 (2019)"
    assert page.get_by_role("combobox", name="Show").input_value() == "Dimension: Housing"


def test_a_shared_country_link_opens_that_profile(server: str, page: Page) -> None:
    _open(page, f"{server}/country?country=LV&round=2021")
    page.get_by_text("Latvia: Evaluation 2 (2021)").wait_for(timeout=RENDER_TIMEOUT_MS)
    assert _errors(page) == []
    assert page.get_by_text("Page not found").count() == 0


def test_hovering_a_country_shows_its_score_and_origin(server: str, page: Page) -> None:
    _open(page, server)
    page.locator(MAP).scroll_into_view_if_needed()
    page.mouse.move(*_point_on_the_map(page, *SWEDEN))
    tooltip = page.locator(".deck-tooltip")
    tooltip.get_by_text("72.5", exact=False).wait_for(timeout=RENDER_TIMEOUT_MS)
    assert tooltip.inner_text().splitlines()[:3] == [
        "Sweden", "Score: 72.5", "Where it comes from: published figure, source diversitygroup.lt"
    ]
    page.screenshot(path=str(SCREENSHOTS / "tooltip-sweden.png"))


def test_clicking_a_country_on_the_map_opens_its_profile(server: str, page: Page) -> None:
    _open(page, server)
    page.locator(MAP).scroll_into_view_if_needed()
    # A click counts once the deck answers the pointer: its tooltip shows on hover.
    page.mouse.move(*_point_on_the_map(page, *SWEDEN))
    page.locator(".deck-tooltip").get_by_text("Sweden").wait_for(timeout=RENDER_TIMEOUT_MS)
    page.mouse.click(*_point_on_the_map(page, *SWEDEN))
    page.get_by_text("Sweden: Evaluation 2 (2021)").wait_for(timeout=RENDER_TIMEOUT_MS)
    page.screenshot(path=str(SCREENSHOTS / "clicked-sweden.png"))
    assert _errors(page) == []
    assert "country=SE" in page.url


def test_clicking_a_country_outside_the_round_leaves_the_map_as_it_was(
    server: str, page: Page
) -> None:
    _open(page, server)
    page.mouse.click(*_point_on_the_map(page, 10.5, 51.0))  # Germany
    page.wait_for_timeout(1500)
    page.wait_for_function(SETTLED, timeout=RENDER_TIMEOUT_MS)
    assert page.locator("h1").first.inner_text() == "Refugee integration in Europe"
    # Streamlit would fade every other colour around a selected country, and offer to clear.
    assert page.get_by_role("button", name="Clear selection").count() == 0


def test_the_wheel_over_the_map_scrolls_the_page_and_a_swipe_may_too(
    server: str, page: Page
) -> None:
    page.set_viewport_size({"width": 1440, "height": 700})
    _open(page, server)
    page.mouse.move(*_point_on_the_map(page, *SWEDEN))
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(500)
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("m => m.scrollTop") > 0
    canvas = page.locator(f"{MAP} canvas").first
    assert canvas.evaluate("c => getComputedStyle(c).touchAction") == "pan-y"


def test_choosing_your_country_outlines_it_and_links_to_its_profile(
    server: str, page: Page
) -> None:
    _open(page, server)
    page.get_by_role("combobox", name="Your country").click()
    page.get_by_role("option", name="Latvia").click()
    page.get_by_role("link", name="Open the profile of Latvia").click()
    page.get_by_text("Latvia: Evaluation 2 (2021)").wait_for(timeout=RENDER_TIMEOUT_MS)
    assert _errors(page) == []


def test_the_chosen_country_and_round_travel_through_the_menu(server: str, page: Page) -> None:
    _open(page, f"{server}/?country=LV&round=2019")
    page.get_by_role("link", name="Policy areas").click()
    page.locator("h1", has_text="Policy areas").wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=RENDER_TIMEOUT_MS)
    page.get_by_text("Latvia against the best").wait_for(timeout=RENDER_TIMEOUT_MS)
    assert page.get_by_role("combobox", name="Your country").input_value() == "Latvia"
    assert page.get_by_role("combobox", name="Round").input_value() == "Evaluation 1 (2019)"
    assert "country=LV" in page.url and "round=2019" in page.url


def test_printing_a_country_profile_gives_one_page(server: str, page: Page) -> None:
    _open(page, f"{server}/country?country=LV&round=2021")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "country-profile-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_a_link_cannot_inject_links_or_images_into_the_page(server: str, page: Page) -> None:
    hostile = (
        "[**Session expired: sign in**](https://evil.example/login) "
        "![x](https://evil.example/p.png) https://evil.example"
    )
    _open(page, f"{server}/?round={urllib.parse.quote(hostile)}")
    alert = page.locator('[data-testid="stAlert"]').first
    assert alert.inner_text() == (
        "The link asked for a round that does not exist here; showing 2021."
    )
    assert page.locator('a[href*="evil.example"], img[src*="evil.example"]').count() == 0


def test_an_overview_link_by_name_keeps_its_view(server: str, page: Page) -> None:
    _open(page, f"{server}/overview?round=2019&measure=dimension:housing")
    page.get_by_text("Ranking: Dimension: Housing, Evaluation 1 (2019)").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    assert page.get_by_text("Page not found").count() == 0


@pytest.mark.parametrize("path", ["sign-in", "history", "country?country=LV&round=2021"])
def test_a_deep_link_opens_its_page_when_started_with_streamlit_run(
    tmp_path: Path, browser: Browser, path: str
) -> None:
    database = f"sqlite:///{tmp_path / 'niem.db'}"
    initialise(make_engine(database), load_settings())
    # A fresh server each time: only the first visitor after start-up met the old problem.
    with served(database, STREAMLIT_RUN) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        _open(page, f"{url}/{path}")
        heading = page.locator("h1").first.inner_text()
        assert page.get_by_text("Page not found").count() == 0
        assert _errors(page) == []
        context.close()
    assert heading == {
        "sign-in": "Sign in",
        "history": "History of scores",
        "country?country=LV&round=2021": "Latvia: Evaluation 2 (2021)",
    }[path]
