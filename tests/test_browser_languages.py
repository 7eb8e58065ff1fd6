"""A shared link with `lang=lv` opens every explorer page in Latvian, on a phone and on a
projector, in Chromium: Latvian title and navigation, no sideways scroll, axe-core's WCAG 2.1
AA rules. Screenshots land in tests/screenshots/lv-*.png for people to look at."""

from __future__ import annotations

import pytest

from niem import i18n
from tests.test_browser import SCREENSHOTS
from tests.test_browser_layout import (  # noqa: F401 (tabs is the shared fixture)
    LAYOUT,
    PAGES,
    VIEWPORTS,
    Tab,
    _axe_violations,
    _open,
    tabs,
)

TITLES = {
    "overview": "Refugee integration in Europe",
    "compare": "Compare countries",
    "policy-areas": "Policy areas",
    "rounds": "Change between rounds",
    "country": "Country profile",
    "methodology": "Methodology",
}


def latvian(message: str) -> str:
    with i18n.using_language("lv"):
        return i18n._(message)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_shared_link_with_lang_lv_opens_the_page_in_latvian(
    server: str, tabs: dict[str, Tab], viewport: str, name: str  # noqa: F811
) -> None:
    tab = tabs[viewport]
    path = PAGES[name]
    _open(tab, f"{server}/{path}{'&' if '?' in path else '?'}lang=lv")
    page = tab.page
    page.screenshot(path=str(SCREENSHOTS / f"lv-{viewport}-{name}.png"))
    if name != "country":  # the profile's title is the country's name
        assert page.locator("h1").first.inner_text().strip() == latvian(TITLES[name])
    else:
        assert page.locator("h1").first.inner_text().strip().startswith("Latvija")
    assert "lang=lv" in page.url
    assert page.get_by_role("radio", name="Latviešu").or_(
        page.get_by_text("Latviešu", exact=True)
    ).first.is_visible()
    layout = page.evaluate(LAYOUT)
    assert layout["page"] <= layout["window"]
    assert _axe_violations(page) == []
    assert tab.foreign == []
