"""Event mode, for a projector: large type, the overview on one screen, and a QR code of the
view being shown so that people in the room open the same view on their phones.

It is switched on in the frame (a toggle under every page) or by `?event=1` in the URL, and
stays on from page to page. The QR code's address is the public one (`NIEM_PUBLIC_URL`
behind a proxy, else the address the browser used) with the page, country and round the
projector shows, without `event=1`.
"""

from __future__ import annotations

import base64
import html

import altair as alt
import pandas as pd
import streamlit as st

from niem import charts
from niem.config import load_settings
from niem.event import app_root, event_link, qr_png
from niem.i18n import _
from niem.store import Catalogue
from niem.ui import explorer_views

KEY = "event_mode"
PARAMETER = "event"
EVENT_BAND = 22

STYLESHEET = """
<style>
html { font-size: 20px; }
header[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] {
  padding: 0.8rem 16.5rem 0.5rem 2rem !important; max-width: 100% !important;
}
[data-testid="stMainBlockContainer"] h1 { font-size: 2.2rem; padding: 0 0 0.1rem !important; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.4rem; padding: 0.1rem 0; }
/* Streamlit pulls the next element up under a heading; the heading stays drawn on top. */
[data-testid="stHeading"] { position: relative; z-index: 1; }
[data-testid="stMetricValue"] { font-size: 2rem; line-height: 1.2; }
[data-testid="stMetricLabel"] { min-height: 0; }
[data-testid="stVerticalBlock"] { gap: 0.45rem; }
[data-testid="stAlert"] { padding: 0; }
.st-key-event-qr { position: fixed; right: 1rem; top: 1rem; z-index: 1000; width: 14.5rem;
  background: #ffffff; border: 2px solid #1f4e79; border-radius: 8px; padding: 0.6rem 0.6rem 1rem; }
.st-key-event-qr img { width: 100%; image-rendering: pixelated; }
/* The language switch moves under the QR box, so the page keeps its height for the ranking. */
.st-key-language-select { position: fixed; right: 1rem; bottom: 1rem; z-index: 1000;
  width: 14.5rem !important; }
.st-key-event-qr p, .st-key-event-qr pre, .st-key-event-qr [data-testid="stText"] {
  font-size: 0.85rem; margin: 0; line-height: 1.3; overflow-wrap: anywhere;
  white-space: pre-wrap; font-family: inherit; }
</style>
"""


def is_on() -> bool:
    """Whether this visitor has event mode on (the toggle, or `?event=1` on arrival)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(PARAMETER) == "1"
    return bool(st.session_state[KEY])


def _root() -> str:
    configured = load_settings().public_url
    if configured:
        return configured
    return app_root(st.context.url or "", str(st.get_option("server.baseUrlPath") or ""))


def st_event_frame(url_path: str) -> None:
    """The event-mode toggle under every page and, when on, the large type and the QR code."""
    on = is_on()
    # Containers keyed "screen-only" are left out when a page is printed.
    with st.container(key="screen-only-event-switch"):
        st.toggle(_("Event mode (projector: large type and a QR code of this view)"), key=KEY)
    if not on:
        if PARAMETER in st.query_params:
            del st.query_params[PARAMETER]
        return
    st.query_params[PARAMETER] = "1"
    st.html(STYLESHEET)
    root = _root()
    if not root:
        st.caption(_("The app's public address is unknown, so there is no QR code: set "
                     "NIEM_PUBLIC_URL."))
        return
    link = event_link(root, url_path, st.query_params.to_dict())
    image = base64.b64encode(qr_png(link)).decode("ascii")
    with st.container(key="event-qr"):
        alt_text = html.escape(_("QR code of this view"), quote=True)
        st.html(f'<img alt="{alt_text}" src="data:image/png;base64,{image}">')
        st.text(_("Scan to open this view on your phone"))
        # The link holds the URL's query: shown as text, never as Markdown.
        st.text(link)


def event_ranking_chart(
    figures: pd.DataFrame, names: dict[str, str], what: str, focus: str | None
) -> alt.LayerChart:
    """The ranking chart with bars a little narrower than on the page, so that the whole
    ranking fits under the headline on a 1080-pixel screen."""
    return charts.ranking_chart(figures, names, what, focus=focus).properties(
        height=alt.Step(EVENT_BAND)
    )


def st_event_ranking(
    figures: pd.DataFrame, catalogue: Catalogue, what: str, focus: str | None
) -> None:
    """The ranking as large bars, for a projector."""
    if figures["score"].notna().any():
        explorer_views.st_chart(event_ranking_chart, figures, catalogue.countries, what, focus)
