"""Feedback in a real browser: a visitor on a phone says a score is wrong; the coordinator
reads it on the review page. Screenshots land in tests/screenshots/ for people to look at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import select

from niem import accounts
from niem.accounts import OPERATOR
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from niem.models import Feedback
from tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RENDER_TIMEOUT_MS,
    SCREENSHOTS,
    SETTLED,
    served,
)

PASSWORD = "coordinate-21"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-feedback') / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        accounts.add_user(session, "anna", "coordinator", PASSWORD, by=OPERATOR)
    return url


@pytest.fixture(scope="module")
def server(database: str) -> Iterator[str]:
    with served(database) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _settle(page: Page) -> None:
    page.wait_for_function(SETTLED, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(500)


def test_a_visitor_on_a_phone_says_a_score_is_wrong_and_the_coordinator_reads_it(
    server: str, database: str, browser: Browser
) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.goto(f"{server}/country?round=2021&country=LV&lang=en")
    _settle(page)
    page.get_by_text("Is this right? Tell the coordinator about a score").click()
    what = page.get_by_label("What is wrong? (required)")
    what.wait_for(timeout=RENDER_TIMEOUT_MS)
    what.fill("Language courses are free for refugees since 2020.")
    page.get_by_label("Evidence or link (optional)").fill("https://likumi.lv/ta/id/68490")
    page.locator(".st-key-profile_feedback").scroll_into_view_if_needed()
    width = page.evaluate("document.documentElement.scrollWidth")
    _shoot_viewport(page, "feedback-form-phone.png")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Thank you. Your feedback on MAI-L-01 (Latvia, 2021)").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    _settle(page)
    _shoot_viewport(page, "feedback-sent-phone.png")
    phone.close()
    assert width <= 390

    engine = make_engine(database)
    with open_session(engine) as session:
        stored = session.exec(select(Feedback)).one()
    assert (stored.country_code, stored.indicator_code, stored.what_is_wrong) == (
        "LV",
        "MAI-L-01",
        "Language courses are free for refugees since 2020.",
    )

    wide = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = wide.new_page()
    page.goto(f"{server}/sign-in?next=/review")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Feedback on scores").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    page.get_by_role("heading", name="Feedback on scores").scroll_into_view_if_needed()
    _shoot_viewport(page, "feedback-queue-wide.png")
    # The table is drawn on a canvas; its caption and the chooser name the feedback.
    assert page.get_by_text("1 open piece of feedback.").is_visible()
    assert page.get_by_role("combobox", name="Feedback").input_value() == "1: 2021 LV MAI-L-01"
    wide.close()


def _shoot_viewport(page: Page, name: str) -> None:
    """What the screen shows, not the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))
