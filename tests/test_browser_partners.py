"""The partner flow in a real browser: sign in, template, upload, report, submit, approve, shown.

Uses Debian's Chromium and the server helpers of tests/test_browser.py. Screenshots land in
tests/screenshots/ for people to look at.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from niem import accounts
from niem.accounts import OPERATOR
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RENDER_TIMEOUT_MS,
    SCREENSHOTS,
    SETTLED,
    served,
)

UPLOADS = Path(__file__).parent / "uploads"
PASSWORDS = {"providus": "latvija-2021", "anna": "coordinate-21"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = f"sqlite:///{tmp_path_factory.mktemp('browser-partners') / 'niem.db'}"
    engine = make_engine(database)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        accounts.add_user(
            session, "providus", "partner", PASSWORDS["providus"], ["LV"], by=OPERATOR
        )
        accounts.add_user(session, "anna", "coordinator", PASSWORDS["anna"], by=OPERATOR)
    with served(database) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1800}, accept_downloads=True)
    yield context.new_page()
    context.close()


def _settle(page: Page) -> None:
    page.wait_for_function(SETTLED, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(500)


def _errors(page: Page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]


def _shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _sign_in(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)


def _go(page: Page, title: str) -> None:
    """Follow a link in the top navigation, as a person would."""
    page.locator('[data-testid="stTopNavLink"]', has_text=title).click()
    page.locator("h1", has_text=title.split()[0]).wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)


def _upload(page: Page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_role("heading", name="3. Check").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)


def _as_latvian_excel_saves_it(template_csv: bytes) -> bytes:
    """The downloaded template edited: one score and a note with ā and š, semicolons, commas."""
    frame = pd.read_csv(io.BytesIO(template_csv), encoding="utf-8-sig", dtype={"note": str})
    row = frame["indicator"] == "MAI-I-03"
    frame.loc[row, "score"] = 92.0
    frame.loc[row, "note"] = "Pašvaldības sniedz informāciju; jauns likums"
    return frame.to_csv(sep=";", decimal=",", index=False).encode("cp1257")


def test_a_partner_upload_is_approved_and_shown(server: str, page: Page, tmp_path: Path) -> None:
    _sign_in(page, server, "providus")
    _go(page, "Submit scores")
    assert page.get_by_role("combobox", name="Country").input_value() == "Latvia (LV)"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the template (CSV)").click()
    template = tmp_path / "template.csv"
    download.value.save_as(template)
    assert download.value.suggested_filename == "niem-template-LV-2021.csv"

    page.get_by_text("Edit a few scores here").click()
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    _shoot(page, "partner-table-edit.png")
    page.get_by_text("Upload the filled-in file").click()
    _settle(page)

    _upload(page, UPLOADS / "score-not-a-number.csv")
    page.get_by_text("4 problems found, so nothing was stored.").wait_for()
    _shoot(page, "partner-upload-report.png")
    assert page.get_by_role("button", name="Submit for review").count() == 0

    corrected = tmp_path / "LV-2021-corrected.csv"
    corrected.write_bytes(_as_latvian_excel_saves_it(template.read_bytes()))
    _upload(page, corrected)
    page.get_by_text("No problems found: 120 rows read.").wait_for(timeout=RENDER_TIMEOUT_MS)
    page.locator("textarea").fill("Jauns likums stājās spēkā 2021. gadā")
    _shoot(page, "partner-preview.png")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Revision 2 is waiting for the coordinator's review.").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    _settle(page)
    _shoot(page, "partner-submitted.png")
    assert _errors(page) == []

    # The partner signs out (the session now survives a reload) and the coordinator signs in.
    page.goto(f"{server}/sign-in")
    page.get_by_role("button", name="Sign out").click()
    # Wait until the sign-out has ended the session; leaving the page earlier races it.
    page.get_by_role("button", name="Sign in").wait_for(timeout=RENDER_TIMEOUT_MS)
    _sign_in(page, server, "anna")
    _go(page, "Review")
    chosen = page.get_by_role("combobox", name="Revision").input_value()
    assert chosen.startswith("Revision 2 by providus")
    page.get_by_text("What it does to the figures").wait_for(timeout=RENDER_TIMEOUT_MS)
    _shoot(page, "coordinator-review.png")
    page.get_by_text("Yes, publish this 1 value").click()
    _settle(page)
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("Revision 2 is published").wait_for(timeout=RENDER_TIMEOUT_MS)
    assert _errors(page) == []
    _go(page, "History")
    _shoot(page, "coordinator-history.png")
    assert _errors(page) == []

    page.goto(f"{server}/country?country=LV&round=2021")
    page.get_by_text("Latvia: Evaluation 2 (2021)").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    strongest = page.locator('[data-testid="stMarkdown"]', has_text="· Mainstreaming").first
    # Mainstreaming now rests on the partner's value and on illustrative ones: illustrative.
    first = strongest.inner_text().strip().splitlines()[0]
    assert first == "70.1 · Mainstreaming (illustrative)"
    _shoot(page, "country-after-approval.png")
    assert _errors(page) == []


def test_a_sign_in_returns_to_the_page_that_asked_and_survives_a_reload(
    server: str, page: Page
) -> None:
    page.goto(f"{server}/history?country=LV")
    page.goto(f"{server}/review")
    page.get_by_text("Sign in to review submissions").wait_for(timeout=RENDER_TIMEOUT_MS)
    page.locator('[data-testid="stPageLink"]', has_text="Sign in").last.click()
    _settle(page)
    password = page.get_by_label("Password", exact=True)
    assert password.get_attribute("autocomplete") == "current-password"
    page.get_by_label("User name").fill("anna")
    password.fill(PASSWORDS["anna"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/review?lang=en", timeout=RENDER_TIMEOUT_MS)
    page.locator("h1", has_text="Review").wait_for(timeout=RENDER_TIMEOUT_MS)
    cookie = next(c for c in page.context.cookies() if c["name"] == "niem_session")
    assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Lax")
    assert "niem_session" not in page.evaluate("document.cookie")

    page.reload()
    page.locator("h1", has_text="Review").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    assert page.get_by_text("Sign in to review submissions").count() == 0
    _shoot(page, "sign-in-after-reload.png")
    other_tab = page.context.new_page()
    other_tab.goto(f"{server}/sign-in")
    other_tab.get_by_text("Signed in as anna").wait_for(timeout=RENDER_TIMEOUT_MS)

    other_tab.get_by_role("button", name="Sign out").click()
    other_tab.get_by_role("button", name="Sign in").wait_for(timeout=RENDER_TIMEOUT_MS)
    page.reload()
    page.get_by_text("Sign in to review submissions").wait_for(timeout=RENDER_TIMEOUT_MS)


def test_a_forged_session_cookie_signs_no_one_in(server: str, page: Page) -> None:
    page.context.add_cookies(
        [{"name": "niem_session", "value": "forged.value.here", "url": server}]
    )
    page.goto(f"{server}/sign-in")
    page.get_by_role("button", name="Sign in").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    assert page.get_by_text("Signed in as").count() == 0
    assert _errors(page) == []


def test_the_ticket_route_refuses_a_cross_site_request(server: str) -> None:
    request = urllib.request.Request(
        f"{server}/auth/ticket?ticket=x&next=/", headers={"Sec-Fetch-Site": "cross-site"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
