"""The partner's and coordinator's pages in Latvian, on a phone and on a projector, in
Chromium, after a sign-in in Latvian: Latvian titles, the language kept through the sign-in, no
sideways scroll, axe-core's WCAG 2.1 AA rules. (The explorer's pages are opened in Latvian by
tests/test_browser_layout.py.) Screenshots land in tests/screenshots/lv-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from niem import accounts
from niem.accounts import OPERATOR
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.loading import initialise
from tests.test_browser import RENDER_TIMEOUT_MS, SCREENSHOTS, served
from tests.test_browser_layout import (  # noqa: F401 (tabs is the shared fixture)
    LAYOUT,
    VIEWPORTS,
    Tab,
    _axe_violations,
    _open,
    tabs,
)

# The pages behind a sign-in, each with the Latvian title a coordinator sees on it.
SIGNED_IN_PAGES = {
    "submit": ("submit?country=LV", "Iesniegt vērtējumus"),
    "review": ("review", "Iesniegumu pārskatīšana"),
    "history": ("history?country=LV", "Vērtējumu vēsture"),
    "accounts": ("accounts", "Konti"),
    "manage-rounds": ("manage-rounds", "Izvērtēšanas posmu pārvaldība"),
    "practices": ("practices?country=LV", "Daudzsološas prakses"),
    "account": ("sign-in", "Jūsu konts"),
}
COORDINATOR, PASSWORD = "anna", "koordinē-2021"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shipped data with one coordinator, served for this module."""
    database = f"sqlite:///{tmp_path_factory.mktemp('browser-lv') / 'niem.db'}"
    engine = make_engine(database)
    initialise(engine, load_settings())
    with open_session(engine) as session:
        accounts.add_user(session, COORDINATOR, "coordinator", PASSWORD, by=OPERATOR)
    with served(database) as url:
        yield url


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_coordinator_signs_in_and_works_in_latvian(
    server: str, tabs: dict[str, Tab], viewport: str  # noqa: F811
) -> None:
    tab = tabs[viewport]
    page = tab.page
    _open(tab, f"{server}/sign-in?lang=lv")
    page.screenshot(path=str(SCREENSHOTS / f"lv-{viewport}-sign-in.png"))
    assert page.locator("h1").first.inner_text().strip() == "Pierakstīties"
    page.get_by_label("Lietotājvārds").fill(COORDINATOR)
    page.get_by_label("Parole", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Pierakstīties").click()
    page.get_by_text(f"Pierakstījies: {COORDINATOR}").wait_for(timeout=RENDER_TIMEOUT_MS)

    for name, (path, title) in SIGNED_IN_PAGES.items():
        _open(tab, f"{server}/{path}{'&' if '?' in path else '?'}lang=lv")
        page.screenshot(path=str(SCREENSHOTS / f"lv-{viewport}-{name}.png"), full_page=True)
        assert page.query_selector_all('[data-testid="stException"]') == [], name
        assert page.locator("h1").first.inner_text().strip() == title, name
        assert "lang=lv" in page.url, name
        layout = page.evaluate(LAYOUT)
        assert layout["page"] <= layout["window"], f"{name} scrolls sideways"
        assert _axe_violations(page) == [], name
    assert tab.foreign == []
