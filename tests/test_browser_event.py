"""Event mode in a real browser: one projector screen, a QR code phones can follow."""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page

from tests.test_browser import SCREENSHOTS, SETTLED, browser  # noqa: F401

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def projector(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport=PROJECTOR)
    yield context.new_page()
    context.close()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1")
    page.wait_for_function(SETTLED)


def _qr_link(page: Page) -> str:
    image = page.locator(".st-key-event-qr img")
    image.wait_for()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())).convert("RGB"))
    assert len(found) == 1
    return str(found[0].text)


def test_the_overview_fits_one_projector_screen_and_its_qr_code_opens_the_view_on_a_phone(
    server: str, projector: Page, browser: Browser  # noqa: F811
) -> None:
    _open(projector, f"{server}/?event=1&country=LV&round=2021")
    projector.wait_for_selector('[data-testid="stVegaLiteChart"]')
    projector.screenshot(path=SCREENSHOTS / "event-overview-1920.png")
    # Headline, map and ranking (its last bar and axis included) are all on the screen.
    ranking = projector.locator('[data-testid="stVegaLiteChart"]').last.bounding_box()
    assert ranking is not None
    assert ranking["y"] + ranking["height"] <= PROJECTOR["height"]
    assert projector.get_by_text("Highest").first.is_visible()
    # The QR code carries the same page, country, round and language, without event=1.
    link = _qr_link(projector)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{server}/"
    assert parse_qs(parts.query) == {"country": ["LV"], "round": ["2021"],
                                     "measure": ["overall"], "lang": ["en"]}
    phone = browser.new_context(viewport=PHONE).new_page()
    _open(phone, link)
    phone.screenshot(path=SCREENSHOTS / "event-phone-390.png")
    assert phone.locator("h1").first.inner_text() == "Refugee integration in Europe"
    assert phone.locator(".st-key-event-qr").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "event" not in phone.url
    phone.context.close()


def test_the_switch_in_the_frame_turns_event_mode_on_for_the_profile(
    server: str, projector: Page
) -> None:
    _open(projector, f"{server}/country?country=RO&round=2017")
    assert projector.locator(".st-key-event-qr").count() == 0
    projector.get_by_text("Event mode (projector").click()
    projector.wait_for_function(SETTLED)
    link = _qr_link(projector)
    projector.screenshot(path=SCREENSHOTS / "event-profile-1920.png")
    assert "event=1" in projector.url
    parts = urlsplit(link)
    assert parts.path == "/country"
    assert parse_qs(parts.query) == {"country": ["RO"], "round": ["2017"], "lang": ["en"]}
