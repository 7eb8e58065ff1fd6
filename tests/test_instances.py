"""Two app instances on one PostgreSQL database: a write through one shows in the other
without a restart (their caches are keyed on the store's fingerprint)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page
from sqlmodel import select

from niem.accounts import OPERATOR, add_user
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.importing import UploadRow
from niem.loading import initialise
from niem.models import Indicator
from niem.revisions import submit
from tests.conftest import PostgresServer
from tests.test_browser import browser, served  # noqa: F401  (browser is a fixture)

OVERALL = '[data-testid="stMetric"]:has-text("Overall") [data-testid="stMetricValue"]'


def overall_of_czechia(page: Page, address: str) -> str:
    page.goto(f"{address}/country?country=CZ&round=2021")
    value = page.locator(OVERALL).first
    value.wait_for(timeout=120_000)
    return value.inner_text()


def test_a_write_through_one_instance_shows_in_the_other(
    postgres_server: PostgresServer | None, browser: Browser  # noqa: F811
) -> None:
    if postgres_server is None:
        pytest.skip("NIEM_TEST_POSTGRES_URL is not set")
    url = postgres_server.new_database()
    engine = make_engine(url)
    initialise(engine, load_settings())
    with served(url) as first, served(url) as second:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        assert overall_of_czechia(page, first) == overall_of_czechia(page, second) == "51.6"
        with open_session(engine) as session:
            coordinator = add_user(session, "coord", "coordinator", "correct horse", by=OPERATOR)
            codes = session.exec(select(Indicator.code).where(Indicator.scored)).all()
            rows = [
                UploadRow(n + 2, 2021, "CZ", code, 80.0, "", "expert", None)
                for n, code in enumerate(codes)
            ]
            submit(session, rows, user=coordinator, comment="", confirm_conflicts=True)
        # Both instances had the old figures cached; each reads the write on its next run.
        assert overall_of_czechia(page, second) == "80.0"
        assert overall_of_czechia(page, first) == "80.0"
        page.close()
    engine.dispose()
