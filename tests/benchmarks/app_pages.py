"""Child process of the scale section: every page run server side (AppTest) against the store
in NIEM_DATABASE_URL, cold (data caches cleared) and warm; prints one line of JSON."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from niem import sessions
from niem.config import load_settings
from niem.database import make_engine, open_session
from niem.ui.session import TOKEN_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = {
    "overview": "app_pages/home.py",
    "compare": "app_pages/compare.py",
    "policy-areas": "app_pages/policy-areas.py",
    "rounds": "app_pages/rounds.py",
    "country": "app_pages/country.py",
    "methodology": "app_pages/methodology.py",
    "submit": "app_pages/submit.py",
}
PARTNER_PAGES = {"history": "app_pages/history.py", "review": "app_pages/review.py"}
REPEATS = 3
PARAMS = {"country": "LV"}


def run_page(page: str, *, signed_in: bool) -> float:
    """One run of a page in milliseconds; it must finish without an exception."""
    app = AppTest.from_file(APP, default_timeout=600)
    if signed_in:
        # Signed in as the frame checks it: a live session of the bench coordinator.
        settings = load_settings()
        with open_session(make_engine(settings.database_url)) as session:
            app.session_state[TOKEN_KEY] = sessions.start_session(session, "bench", settings)
    for key, value in PARAMS.items():
        app.query_params[key] = value
    app.switch_page(page)
    start = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception[0].message}")
    # The app's error edge shows a failure as a message: a page that failed is not measured.
    if app.error:
        raise RuntimeError(f"{page}: {app.error[0].value}")
    return round(seconds * 1000, 1)


def main() -> None:
    """Print the median cold and warm time of each page, and of history and review."""
    cold, warm = {}, {}
    for name, page in PAGES.items():
        signed_in = name == "submit"
        runs = []
        for _ in range(REPEATS):
            # As after a publish: every cache keyed on the data version misses.
            st.cache_data.clear()
            st.cache_resource.clear()
            runs.append(run_page(page, signed_in=signed_in))
        cold[name] = statistics.median(runs)
        warm[name] = statistics.median(run_page(page, signed_in=signed_in) for _ in range(REPEATS))
    partner = {
        f"{name}_ms": statistics.median(run_page(page, signed_in=True) for _ in range(REPEATS))
        for name, page in PARTNER_PAGES.items()
    }
    print(json.dumps({"page_cold_ms": cold, "page_warm_ms": warm, **partner}))


if __name__ == "__main__":
    main()
