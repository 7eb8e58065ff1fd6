"""Every explorer page on a phone (390x844) and on a projector (1920x1080), in Chromium, opened
by a shared link with `lang=lv`: in Latvian, whose longer words are the harder test of a layout.

Each page must show its Latvian title and language switch, not scroll sideways (tables and
wide heat maps scroll inside their own frame), keep every chart at least 300 px wide on a
phone, show the map's legend within the first 1080 px on a projector, pass axe-core's WCAG 2.1
AA rules, and ask nothing of any host but the app's own. Screenshots land in
tests/screenshots/lv-*.png for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from niem import i18n
from tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RENDER_TIMEOUT_MS,
    ROOT,
    SCREENSHOTS,
    SETTLED,
)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"phone": (390, 844), "projector": (1920, 1080)}
# Every explorer page, opened as a reader who has chosen Latvia would see it.
PAGES = {
    "overview": "?country=LV",
    "compare": "compare?country=LV",
    "policy-areas": "policy-areas?country=LV",
    "rounds": "rounds?country=LV",
    "country": "country?country=LV&round=2021",
    "methodology": "methodology",
}
# Each page's title before translation (the profile's title is the country's name).
TITLES = {
    "overview": "Refugee integration in Europe",
    "compare": "Compare countries",
    "policy-areas": "Policy areas",
    "rounds": "Change between rounds",
    "country": "Latvia",
    "methodology": "Methodology",
}
NARROWEST_CHART_ON_A_PHONE = 300
FOLD = 1080

LAYOUT = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const charts = [...document.querySelectorAll(
        '[data-testid="stVegaLiteChart"], [data-testid="stDeckGlJsonChart"]')]
        .filter(c => c.offsetParent !== null)
        .map(c => Math.round(c.getBoundingClientRect().width));
    const legend = document.querySelector('.niem-legend');
    return {
        page: document.documentElement.scrollWidth, window: window.innerWidth,
        main: main.scrollWidth, mainFrame: main.clientWidth, charts,
        legendBottom: legend ? legend.getBoundingClientRect().bottom : null,
    };
}"""


@dataclass
class Tab:
    """One browser tab per viewport, reused for every page, and what it asked of others."""

    page: Page
    foreign: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def tabs(server: str) -> Iterator[dict[str, Tab]]:
    assert AXE.exists(), f"{AXE} is missing: run `make test` (it runs `npm ci`)"
    with sync_playwright() as playwright:
        browser: Browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        opened: dict[str, Tab] = {}
        for name, (width, height) in VIEWPORTS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            tab = Tab(context.new_page())

            def guard(route: Route, tab: Tab = tab) -> None:
                url = route.request.url
                if url.startswith((server, "data:", "blob:")):
                    route.continue_()
                else:
                    tab.foreign.append(url)
                    route.abort()

            context.route("**/*", guard)
            opened[name] = tab
        yield opened
        browser.close()


def _open(tab: Tab, url: str) -> None:
    tab.foreign.clear()
    tab.page.goto(url)
    tab.page.wait_for_selector("h1", timeout=RENDER_TIMEOUT_MS)
    tab.page.wait_for_function(SETTLED, timeout=RENDER_TIMEOUT_MS)
    tab.page.wait_for_timeout(1500)  # charts draw after the script settles


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"axe.run(document, {{runOnly: {AXE_RULES}}})")
    assert result["testEngine"]["version"] == "4.14.1"
    return [
        {"rule": v["id"], "where": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_page_fits_reads_and_asks_nothing_of_other_hosts(
    server: str, tabs: dict[str, Tab], viewport: str, name: str
) -> None:
    tab = tabs[viewport]
    path = PAGES[name]
    _open(tab, f"{server}/{path}{'&' if '?' in path else '?'}lang=lv")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(SCREENSHOTS / f"lv-{viewport}-{name}.png"))
    assert tab.page.query_selector_all('[data-testid="stException"]') == []
    with i18n.using_language("lv"):
        title = i18n._(TITLES[name]) if name != "country" else "Latvija"
    assert tab.page.locator("h1").first.inner_text().strip().startswith(title)
    assert "lang=lv" in tab.page.url
    assert tab.page.get_by_text("Latviešu", exact=True).first.is_visible()

    layout = tab.page.evaluate(LAYOUT)
    assert layout["page"] <= layout["window"], "the page scrolls sideways"
    assert layout["main"] <= layout["mainFrame"], "the page's content scrolls sideways"
    if viewport == "phone":
        narrow = [w for w in layout["charts"] if w < NARROWEST_CHART_ON_A_PHONE]
        assert narrow == [], f"charts narrower than {NARROWEST_CHART_ON_A_PHONE} px: {narrow}"
    if viewport == "projector" and name == "overview":
        assert layout["legendBottom"] is not None
        assert layout["legendBottom"] <= FOLD, "the map's legend is below the fold"

    assert _axe_violations(tab.page) == []
    assert tab.foreign == [], "the app asked another host for something"
