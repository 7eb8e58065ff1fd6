"""Rounds, an expired session and the what-if panel in a real browser (Chromium, `niem-app`).

The module's server holds the shipped data plus two rounds added by the command line, as a
coordinator would: 2023 carried over from 2021 with Germany new, and an empty 2025 of two
new countries. Screenshots land in tests/screenshots/.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from datetime import timedelta

import pandas as pd
import pytest
import sqlalchemy as sql
from click.testing import CliRunner
from playwright.sync_api import Browser, Page

from niem import accounts
from niem.accounts import OPERATOR
from niem.cli import cli
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from niem.models import SignInSession, utc_now
from tests import test_browser_partners
from tests.test_browser import MAP, RENDER_TIMEOUT_MS, served
from tests.test_browser_partners import (
    PASSWORDS,
    _errors,
    _settle,
    _shoot,
    _sign_in,
)

# The module's Chromium: the partner flow's fixture, shared rather than copied.
browser = test_browser_partners.browser
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def _cli(database: str, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), env={"NIEM_DATABASE_URL": database})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-rounds') / 'niem.db'}"
    engine = make_engine(url)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        for name, role, countries in (("providus", "partner", ["LV"]), ("anna", "coordinator", [])):
            accounts.add_user(session, name, role, PASSWORDS[name], countries, by=OPERATOR)
    engine.dispose()
    opened = _cli(
        url, "round", "add", "2023", "--label", "Evaluation 3", "--situation", "2023-06-30",
        "--countries", "LV", "LT", "DE", "--carry-over",
    )
    assert opened.splitlines()[-1] == "Carried over 240 values from round 2021."
    _cli(
        url, "round", "add", "2025", "--label", "Evaluation 4", "--situation", "2025-06-30",
        "--countries", "DE", "BE",
    )
    return url


@pytest.fixture(scope="module")
def server(database: str) -> Iterator[str]:
    with served(database) as url:
        yield url


def _tab(browser: Browser, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, accept_downloads=True)  # type: ignore[arg-type]
    return context.new_page()


def _what_if_csv(page: Page) -> pd.DataFrame:
    """The what-if table as its download gives it."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the what-if (CSV)").click()
    return pd.read_csv(download.value.path(), encoding="utf-8-sig")


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=RENDER_TIMEOUT_MS)
    _settle(page)


def test_a_new_round_opens_on_the_map_with_the_empty_data_wording(
    server: str, browser: Browser
) -> None:
    page = _tab(browser, PROJECTOR)
    _open(page, f"{server}/?round=2025")
    page.locator(f"{MAP} canvas").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # the map draws after the script settles
    _shoot(page, "rounds-empty-round-map.png")
    assert _errors(page) == []
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert "Ranking: Overall score, Evaluation 4" in body
    assert [m.inner_text() for m in page.locator('[data-testid="stMetricValue"]').all()] == [
        "0 of 2",
        "no data",
        "no data",
        "no data",
    ]

    # The carried-over round: Germany, new, has no data yet; Latvia and Lithuania start from 2021.
    _open(page, f"{server}/?round=2023")
    page.locator(f"{MAP} canvas").first.wait_for(timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    _shoot(page, "rounds-new-round-map.png")
    assert _errors(page) == []
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert "for the 3 countries of this round. Highest Lithuania, lowest Latvia." in body
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == "2 of 3"
    assert "illustrative, including values carried over from 2021" in body

    # A carried-over country's profile says where its numbers come from.
    _open(page, f"{server}/country?country=LV&round=2023")
    page.get_by_text("Latvia: Evaluation 3").wait_for(timeout=RENDER_TIMEOUT_MS)
    _shoot(page, "rounds-carried-profile.png")
    assert _errors(page) == []
    assert "illustrative, including values carried over from 2021" in page.locator(
        "body"
    ).inner_text()
    page.context.close()


def test_the_rounds_page_lists_the_new_rounds_on_a_projector_and_a_phone(
    server: str, browser: Browser
) -> None:
    page = _tab(browser, PROJECTOR)
    _sign_in(page, server, "anna")
    for viewport, name in ((PROJECTOR, "rounds-page-wide.png"), (PHONE, "rounds-page-phone.png")):
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        _open(page, f"{server}/manage-rounds")
        page.locator("h1", has_text="Manage rounds").wait_for(timeout=RENDER_TIMEOUT_MS)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=RENDER_TIMEOUT_MS)
        page.wait_for_timeout(800)
        _shoot(page, name)
        assert _errors(page) == []
        assert page.get_by_role("heading", name="Open a round").count() == 1
        assert page.get_by_role("heading", name="Add a country to a round").count() == 1
        # Nothing wider than the screen, so nothing scrolls sideways on a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]
    page.context.close()


def test_an_expired_session_is_signed_out_at_the_reload_with_a_message(
    server: str, database: str, browser: Browser
) -> None:
    page = _tab(browser, {"width": 1440, "height": 1000})
    _sign_in(page, server, "providus")
    _open(page, f"{server}/review")
    assert page.get_by_text("Sign in to review submissions").count() == 0
    engine = make_engine(database)
    with engine.begin() as connection:
        ended = connection.execute(
            sql.update(SignInSession)
            .where(SignInSession.user_name == "providus")  # type: ignore[arg-type]
            .values(expires_at=utc_now() - timedelta(minutes=1))
        ).rowcount
    engine.dispose()
    assert ended == 1
    page.reload()
    page.get_by_text("Sign in to review submissions").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    _shoot(page, "rounds-expired-session.png")
    assert [e.inner_text() for e in page.locator('[data-testid="stAlertContentError"]').all()] == [
        "Your sign-in has expired, so you are signed out; sign in again to go on."
    ]
    assert _errors(page) == []
    # The browser still holds the old cookie; the next reload is simply signed out.
    page.reload()
    page.get_by_text("Sign in to review submissions").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    page.context.close()


def test_a_what_if_moves_the_figures_and_its_link_restores_it(
    server: str, browser: Browser
) -> None:
    page = _tab(browser, {"width": 1440, "height": 1400})
    _open(page, f"{server}/country?country=LV&round=2021&lang=en")
    page.get_by_text("What if? Try other values for this country").click()
    page.get_by_text("No value changed yet: the figures are the current ones.").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    page.get_by_label("What-if value (0–100)").fill("100")
    page.get_by_label("What-if value (0–100)").press("Enter")
    _settle(page)
    page.get_by_role("button", name="Try it").click()
    page.get_by_text("What if: BRI-I-01 22 → 100").wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["whatif"] == ["BRI-I-01:100"]
    _shoot(page, "rounds-what-if.png")
    assert _errors(page) == []
    moved = _what_if_csv(page)
    shown = ["Level", "Current", "What if", "Change", "Current rank", "What-if rank"]
    assert moved[shown].values.tolist() == [
        ["cell", 26.0, 52.0, "'+26.0", "10 of 14", "5 of 14"],
        ["dimension", 39.4, 48.1, "'+8.7", "13 of 14", "8 of 14"],
        ["step", 36.1, 38.3, "'+2.2", "8 of 14", "7 of 14"],
        ["area", 47.2, 50.1, "'+2.9", "9 of 14", "9 of 14"],
        ["overall", 50.7, 51.4, "'+0.7", "8 of 14", "8 of 14"],
    ]

    shared = _tab(browser, {"width": 1440, "height": 1400})
    _open(shared, page.url)
    shared.get_by_text("What if: BRI-I-01 22 → 100").wait_for(timeout=RENDER_TIMEOUT_MS)
    assert _errors(shared) == []
    assert _what_if_csv(shared).equals(moved)
    page.context.close()
    shared.context.close()
