"""Practices in a real browser (Debian's Chromium): search, open, share the link, read on a
phone, and a coordinator's form. Screenshots land in tests/screenshots/ for people to look at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from niem import accounts
from niem.accounts import OPERATOR
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, RENDER_TIMEOUT_MS, SCREENSHOTS, served
from tests.test_browser_partners import PASSWORDS, _errors, _go, _settle, _shoot

DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = f"sqlite:///{tmp_path_factory.mktemp('browser-practices') / 'niem.db'}"
    engine = make_engine(database)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        accounts.add_user(session, "anna", "coordinator", PASSWORDS["anna"], by=OPERATOR)
    with served(database) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser: Browser, viewport: dict[str, int]) -> Page:
    return browser.new_context(viewport=viewport).new_page()  # type: ignore[arg-type]


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=RENDER_TIMEOUT_MS)
    _settle(page)


def _overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_searching_opening_and_sharing_a_practice(server: str, browser: Browser) -> None:
    page = _page(browser, DESKTOP)
    _open(page, f"{server}/practices")
    page.screenshot(path=str(SCREENSHOTS / "practices-1920.png"))
    search = page.get_by_label("Search the practices")
    search.fill("language")
    search.press("Enter")
    page.get_by_text("9 practices").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    assert "q=language" in page.url
    page.get_by_role("link", name="Open this practice").first.click()
    page.get_by_text("Scores of its countries on its dimensions").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    _settle(page)
    assert "practice=25" in page.url
    _shoot(page, "practice-detail-1920.png")
    assert page.get_by_text("Free language courses up to level B1").count() == 1
    assert _errors(page) == []

    shared = _page(browser, DESKTOP)
    _open(shared, page.url)
    shared.get_by_text("Scores of its countries on its dimensions").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    assert shared.get_by_text("Free language courses up to level B1").count() == 1
    shared.get_by_role("link", name="Back to the list").click()
    shared.get_by_text("9 practices").wait_for(timeout=RENDER_TIMEOUT_MS)
    shared.context.close()
    page.context.close()


def test_the_practices_read_on_a_phone(server: str, browser: Browser) -> None:
    page = _page(browser, PHONE)
    _open(page, f"{server}/practices?country=LV")
    page.get_by_text("4 practices").wait_for(timeout=RENDER_TIMEOUT_MS)
    _shoot(page, "practices-390.png")
    assert _overflow(page) <= 0
    page.get_by_role("link", name="Open this practice").nth(1).scroll_into_view_if_needed()
    _shoot(page, "practices-390-cards.png")
    _open(page, f"{server}/practices?practice=1")
    page.get_by_text("Scores of its countries on its dimensions").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    _settle(page)
    _shoot(page, "practice-detail-390.png")
    assert _overflow(page) <= 0
    assert _errors(page) == []
    page.context.close()


def test_the_country_profile_links_its_gaps_to_practices(server: str, browser: Browser) -> None:
    page = _page(browser, DESKTOP)
    _open(page, f"{server}/country?country=LV&round=2021")
    heading = page.get_by_role("heading", name="Ideas for the weakest dimensions")
    heading.wait_for(timeout=RENDER_TIMEOUT_MS)
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "country-gap-practices-1920.png"))
    page.get_by_role("link", name="Open this practice").first.click()
    # The title is on the profile too: wait for what only the practice's page shows.
    page.get_by_text("Scores of its countries on its dimensions").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    _settle(page)
    # Latvia's weakest dimension in 2021 is language learning; its first practice is 27.
    assert page.get_by_text("Social orientation course in the mother tongue").count() == 1
    assert "practice=27" in page.url
    assert _errors(page) == []
    page.context.close()


def test_the_coordinator_publishes_a_practice_with_the_form(server: str, browser: Browser) -> None:
    page = _page(browser, DESKTOP)
    page.goto(f"{server}/sign-in")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["anna"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as anna").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    _go(page, "Practices")
    form = page.locator('[data-testid="stForm"]')
    form.get_by_label("Title").fill("Mentors <b>for</b> new teachers")
    form.get_by_label("Organisation that runs it").fill("Skola Nr. 1")
    for label, option in (
        ("Countries", "Latvia (LV)"),
        ("Dimensions", "Education"),
        ("Steps of the policy cycle", "Implementation and collaboration"),
    ):
        form.get_by_label(label).click()
        page.keyboard.type(option.split(" (")[0])
        page.get_by_role("option", name=option, exact=True).click()
        page.keyboard.press("Escape")
    form.get_by_label("From year").fill("2023")
    form.get_by_label("What it does").fill("Pieredzējuši skolotāji palīdz jaunajiem.")
    _shoot(page, "practice-form-1920.png")
    form.get_by_role("button", name="Submit the practice").click()
    page.get_by_text("1 practice published.").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    page.get_by_label("Search the practices").fill("skolotāji")
    page.get_by_label("Search the practices").press("Enter")
    # While the search reruns, the old list may still be on the page beside the new one.
    page.get_by_text("Mentors <b>for</b> new teachers").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    assert page.locator("b", has_text="for").count() == 0
    assert _errors(page) == []
    page.context.close()
