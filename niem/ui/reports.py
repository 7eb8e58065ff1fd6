"""The PDF downloads: the brief on a country profile, the comparative report on the overview.

A PDF is made only when someone clicks (Streamlit calls the `data` function then), once per
data version, round, country and language; every later click is served from the cache.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from niem.database import open_session
from niem.i18n import _, current_language, using_language
from niem.reports.brief import build_brief
from niem.reports.report import build_report
from niem.reports.sources import ReportData, load_report_data
from niem.ui import data

Version = tuple[int, int, str]


@st.cache_resource(show_spinner=False, max_entries=4)
def _report_data(version: Version, language: str) -> ReportData:
    with open_session(data.engine()) as session:
        return load_report_data(session, language)


@st.cache_data(show_spinner=False, max_entries=64)
def brief_pdf(version: Version, round_year: int, country: str, language: str) -> bytes:
    """The national brief, made once per data version, round, country and language."""
    with using_language(language):
        return build_brief(_report_data(version, language), round_year, country)


@st.cache_data(show_spinner=False, max_entries=8)
def report_pdf(version: Version, round_year: int, language: str) -> bytes:
    """The comparative report, made once per data version, round and language."""
    with using_language(language):
        return build_report(_report_data(version, language), round_year)


def st_brief_download(round_year: int, country: str) -> None:
    """A button that downloads the country's brief for the round as PDF."""
    st.download_button(
        _("Download the brief (PDF)"),
        data=partial(brief_pdf, data.data_version(), round_year, country, current_language()),
        file_name=f"niem-brief-{country}-{round_year}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        key="brief_download",
    )


def st_report_download(round_year: int) -> None:
    """A button that downloads the comparative report of the round as PDF."""
    st.download_button(
        _("Download the comparative report (PDF)"),
        data=partial(report_pdf, data.data_version(), round_year, current_language()),
        file_name=f"niem-report-{round_year}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        key="report_download",
    )
