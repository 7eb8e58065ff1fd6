"""The building blocks of the PDF reports: an A4 page with the shipped font, headings, text,
tables and charts, and a footer that makes a printed copy traceable.

Charts are the pages' own Altair specs, drawn to PNG by vl-convert (offline, no browser).
Every text is NFC-normalised before it is written, so a name a partner typed decomposed
('a' + combining macron) is extracted from the PDF as the same letters the reader sees.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from niem.config import load_settings
from niem.i18n import _

FONT = "DejaVu Sans"
# Vega-Lite config shared by every chart drawn into a report: the font the PDF embeds.
CHART_CONFIG = {"font": FONT}
CHART_SCALE = 2
MUTED = (75, 85, 99)
RULE = (209, 213, 219)
HEADING_SIZES = {1: 17, 2: 13, 3: 11}
Version = tuple[int, int, str]


def text(value: object) -> str:
    """Text as the PDF writes it: NFC-normalised, without control characters."""
    normal = unicodedata.normalize("NFC", "" if value is None else str(value))
    return "".join(c if c.isprintable() or c == "\n" else " " for c in normal)


def version_text(version: Version) -> str:
    """The data version in words, as the footer prints it: '3 revisions, 26 published
    figures and facts, last change 2026-11-27 10:02'."""
    revisions, figures, moments = version
    latest = max((m for m in moments.split("|") if m and m != "None"), default="")
    words = _("{revisions} revisions, {figures} published figures and facts").format(
        revisions=revisions, figures=figures
    )
    if latest:
        words += ", " + _("last change {moment}").format(moment=latest[:16])
    return words


def stamp_text(round_label: str, generated: datetime, version: Version) -> str:
    """What every page says at its foot, so that a printed copy can be traced."""
    return _("{round} · generated {moment} · data version: {version}").format(
        round=round_label,
        moment=generated.strftime("%Y-%m-%d %H:%M UTC"),
        version=version_text(version),
    )


@cache
def _register_chart_fonts() -> None:
    vlc.register_font_directory(str(load_settings().fonts_dir))


Spec = alt.TopLevelMixin | dict[str, Any]


def chart_png(chart: Spec) -> bytes:
    """An Altair chart (or a Vega-Lite spec) drawn to PNG with the report font, offline."""
    _register_chart_fonts()
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    return bytes(
        vlc.vegalite_to_png(spec, scale=CHART_SCALE, config=CHART_CONFIG, allowed_base_urls=[])
    )


class ReportPdf(FPDF):
    """An A4 report in the shipped DejaVu Sans, each page stamped with round, date and
    data version, and numbered."""

    def __init__(self, title: str, stamp: str) -> None:
        super().__init__(format="A4")
        fonts = load_settings().fonts_dir
        self.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.set_title(text(title))
        self.set_creator("NIEM Explorer")
        self.set_lang("en")
        self.stamp = text(stamp)
        self.set_margins(14, 14, 14)
        self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=6.5)
        self.set_text_color(*MUTED)
        page = _("page {page} of {pages}").format(page=self.page_no(), pages="{nb}")
        self.multi_cell(0, 3.2, f"NIEM Explorer · {page}\n{self.stamp}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, words: str, level: int = 1) -> None:
        """A heading; a level-2 one starts a new page when little room is left."""
        if level > 1 and self.get_y() > self.h - 50:
            self.add_page()
        self.set_font(FONT, "B", HEADING_SIZES[level])
        self.multi_cell(
            0, HEADING_SIZES[level] * 0.5, text(words), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.ln(1.5)

    def paragraph(
        self, words: str, size: float = 9, bold: bool = False, muted: bool = False
    ) -> None:
        """A block of running text."""
        self.set_font(FONT, "B" if bold else "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, text(words), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def notice(self, words: str) -> None:
        """A framed warning, such as the illustrative-data notice."""
        self.set_font(FONT, "", 8.5)
        self.set_fill_color(254, 243, 199)
        self.multi_cell(
            0, 4.4, text(words), border=1, fill=True, padding=2, align="L", new_x="LMARGIN",
            new_y="NEXT",
        )
        self.ln(2)

    def bullets(self, lines: Sequence[str], size: float = 9) -> None:
        """A list, one item a line."""
        self.set_font(FONT, "", size)
        for line in lines:
            self.multi_cell(0, size * 0.5, "• " + text(line), align="L", new_x="LMARGIN",
                            new_y="NEXT")
        self.ln(1)

    def data_table(
        self,
        frame: pd.DataFrame,
        widths: Sequence[float],
        size: float = 7.5,
        bold_rows: Sequence[int] = (),
    ) -> None:
        """A table with a bold header; `widths` are relative column widths."""
        self.set_font(FONT, "", size)
        self.set_draw_color(*RULE)
        self.set_fill_color(255, 255, 255)
        with self.table(
            col_widths=tuple(widths),
            headings_style=FontFace(emphasis="BOLD", fill_color=(240, 244, 248)),
            line_height=size * 0.48,
            padding=0.8,
            text_align="LEFT",
            first_row_as_headings=True,
        ) as table:
            table.row([text(c) for c in frame.columns])
            for position, values in enumerate(frame.itertuples(index=False)):
                style = FontFace(emphasis="BOLD") if position in bold_rows else None
                table.row([text("" if pd.isna(v) else v) for v in values], style=style)
        self.ln(2)

    def chart(self, chart: Spec, width: float, height: float | None = None) -> None:
        """An Altair chart at most `width` mm wide and `height` mm high, centred."""
        png = chart_png(chart)
        pixels_wide, pixels_high = Image.open(io.BytesIO(png)).size
        if height is not None:
            width = min(width, height * pixels_wide / pixels_high)
        image: Any = io.BytesIO(png)
        self.image(image, x=self.l_margin + (self.epw - width) / 2, w=width)
        self.ln(2)
