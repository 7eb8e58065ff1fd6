"""The app's one stylesheet: fixed text with no data in it, drawn once per run by the frame.

It closes the empty band above titles, keeps captions (and links in them) dark enough to
read, lays out the map's legend, lets wide charts scroll sideways inside their own frame on a
phone (containers keyed `scroll-x-...`), and makes printing a page give a one-page summary
(containers keyed `screen-only-...` are left out of the print).
"""

from __future__ import annotations

import streamlit as st

from niem.palette import MUTED_TEXT, TEXT

STYLESHEET = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 4.25rem; padding-bottom: 3rem; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{
  color: {MUTED_TEXT}; opacity: 1;
}}
[data-testid="stCaptionContainer"] a {{ color: #1d4ed8; }}
[class*="st-key-scroll-x"] {{ overflow-x: auto; max-width: 100%; }}
[class*="st-key-scroll-x"] [data-testid="stVegaLiteChart"] {{ width: max-content; }}
[data-testid="stVegaLiteChart"] {{ max-width: 100%; }}
.niem-legend {{ color: {TEXT}; font-size: 1rem; margin: 0.25rem 0 0.5rem; }}
.niem-scale {{ max-width: 28rem; }}
.niem-scale-bar {{ height: 1rem; border-radius: 2px; }}
.niem-scale-ticks {{ display: flex; justify-content: space-between; }}
.niem-keys {{ display: flex; flex-wrap: wrap; gap: 0.4rem 1.4rem; list-style: none;
  padding: 0 !important; margin: 0.8rem 0 0 !important; }}
.niem-keys li {{ display: flex; align-items: center; gap: 0.45rem; margin: 0; }}
/* The map's tooltip may reach past the map's edge rather than be cut off by it. */
[data-testid="stDeckGlJsonChart"] div {{ overflow: visible !important; }}
/* On a phone, an upward swipe over the map scrolls the page (deck.gl would take it). */
[data-testid="stDeckGlJsonChart"] * {{ touch-action: pan-y !important; }}
.niem-map-description {{ color: {MUTED_TEXT}; font-size: 0.875rem; margin: 0; }}
.niem-swatch {{ display: inline-block; width: 1.6rem; height: 1rem; border: 1px solid transparent;
  box-sizing: border-box; }}
/* On a wide screen the language switch takes the empty band above the title, not a row. */
@media (min-width: 992px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 3.8rem; }}
  .st-key-language-select {{ margin-bottom: -2.6rem; z-index: 10; }}
  h1 {{ padding-top: 0.75rem !important; }}
}}
/* On a phone a title fits in one or two lines, so the page's first figure shows too. */
@media (max-width: 640px) {{
  h1 {{ font-size: 2rem !important; }}
  h2 {{ font-size: 1.45rem !important; }}
}}
@media print {{
  header, [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stBaseButton-secondary"], [data-testid="stDownloadButton"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stExpander"],
  [data-testid="stDataFrame"], [class*="st-key-screen-only"], .st-key-language-select {{
    display: none !important; }}
  @page {{ size: A4; margin: 10mm; }}
  [data-testid="stMainBlockContainer"] {{ padding-top: 0 !important; padding-bottom: 0 !important;
    zoom: 0.64; }}
  [data-testid="stVerticalBlock"] {{ gap: 0.6rem !important; }}
  [data-testid="stElementContainer"]:has(> [class*="st-key-screen-only"]),
  [data-testid="stElementContainer"]:has([data-testid="stHtml"] style) {{
    display: none !important; }}
  h1 {{ font-size: 26pt !important; }}
}}
</style>
"""


def st_styles() -> None:
    """Draw the stylesheet (it holds no data, so it is safe as HTML)."""
    st.html(STYLESHEET)
