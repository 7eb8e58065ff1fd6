"""The link an event's QR code carries, and the QR code itself (segno)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

import segno

EVENT_PARAMETER = "event"


def app_root(browser_url: str, base_path: str = "") -> str:
    """The app's root address from the address a browser used: 'http://host:8501/'."""
    parts = urlsplit(browser_url)
    if not parts.scheme or not parts.netloc:
        return ""
    prefix = base_path.strip("/")
    return f"{parts.scheme}://{parts.netloc}/" + (f"{prefix}/" if prefix else "")


def event_link(root: str, url_path: str, parameters: Mapping[str, str]) -> str:
    """The view's address for phones: the same page and query, without `event=1`."""
    kept = {k: v for k, v in parameters.items() if k != EVENT_PARAMETER}
    query = urlencode(kept)
    page = url_path.strip("/")
    return root.rstrip("/") + "/" + page + (f"?{query}" if query else "")


def qr_png(link: str, scale: int = 8) -> bytes:
    """The link as a QR code, black on white (a transparent background defeats readers)."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=scale, border=4, light="white")
    return out.getvalue()
