"""Event mode: the QR code's link, the switch and `?event=1`, and the PDF download buttons."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator

import pytest
import streamlit as st
import zxingcpp
from PIL import Image
from streamlit.testing.v1 import AppTest

from niem.config import load_settings
from niem.database import make_engine
from niem.event import app_root, event_link, qr_png
from niem.loading import initialise
from tests.test_pages import open_page


def decoded(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("RGB"))
    assert len(found) == 1
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return str(found[0].text)


def test_the_link_keeps_page_and_query_without_event() -> None:
    assert event_link("https://niem.example.org/explorer/", "country",
                      {"country": "LV", "round": "2021", "event": "1"}) == (
        "https://niem.example.org/explorer/country?country=LV&round=2021"
    )
    assert event_link("http://127.0.0.1:8501/", "", {"event": "1"}) == "http://127.0.0.1:8501/"


def test_the_root_is_taken_from_the_browser_address() -> None:
    assert app_root("http://10.0.0.5:8501/country") == "http://10.0.0.5:8501/"
    assert app_root("https://host.example/niem/compare", "/niem/") == "https://host.example/niem/"
    assert app_root("") == ""


def test_the_qr_code_decodes_to_its_link() -> None:
    link = "https://niem.example.org/country?country=LV&round=2021"
    assert decoded(qr_png(link)) == link


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('event') / 'niem.db'}"
    initialise(make_engine(url), load_settings())
    return url


@pytest.fixture
def shipped_public(shipped_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NIEM_DATABASE_URL", shipped_url)
    monkeypatch.setenv("NIEM_PUBLIC_URL", "https://niem.example.org/")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield


def _qr_of(app: AppTest) -> str:
    images = [
        h.proto.body for h in app.get("html") if 'src="data:image/png;base64,' in h.proto.body
    ]
    assert len(images) == 1
    encoded = re.search(r'base64,([A-Za-z0-9+/=]+)"', images[0])
    assert encoded
    return decoded(base64.b64decode(encoded.group(1)))


def test_event_in_the_url_switches_it_on_with_a_qr_code_of_the_view(
    shipped_public: None,
) -> None:
    app = open_page("app_pages/country.py", event="1", country="LV", round="2021")
    assert not app.exception
    assert app.toggle(key="event_mode").value is True
    # The language travels too, so the phones open the view as the projector shows it.
    assert _qr_of(app) == "https://niem.example.org/country?country=LV&round=2021&lang=en"
    assert app.query_params["event"] == "1"


def test_the_overview_in_event_mode_shows_the_ranking_as_bars(shipped_public: None) -> None:
    app = open_page("app_pages/home.py", event="1", round="2019", country="PL")
    assert not app.exception
    assert _qr_of(app) == (
        "https://niem.example.org/?round=2019&country=PL&lang=en&measure=overall"
    )
    # The ranking table gives way to the large bars.
    assert [d for d in app.dataframe] == []
    assert len(app.get("arrow_vega_lite_chart")) + len(app.get("vega_lite_chart")) >= 1


def test_switching_it_off_removes_event_from_the_url_and_the_qr_code(
    shipped_public: None,
) -> None:
    app = open_page("app_pages/country.py", event="1", country="LV", round="2021")
    app.toggle(key="event_mode").set_value(False).run()
    assert not app.exception
    assert "event" not in app.query_params
    assert [h for h in app.get("html") if "base64," in h.proto.body] == []


def test_without_event_the_toggle_is_off_and_there_is_no_qr_code(shipped_public: None) -> None:
    app = open_page("app_pages/home.py")
    assert app.toggle(key="event_mode").value is False
    assert [h for h in app.get("html") if "base64," in h.proto.body] == []


def test_the_profile_and_overview_offer_their_pdf(shipped_public: None) -> None:
    profile = open_page("app_pages/country.py", country="LV", round="2021")
    overview = open_page("app_pages/home.py", round="2021")
    labels = [b.proto.label for b in profile.get("download_button")]
    assert "Download the brief (PDF)" in labels
    labels = [b.proto.label for b in overview.get("download_button")]
    assert "Download the comparative report (PDF)" in labels
