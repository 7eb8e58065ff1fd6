"""Drawing the partner pages: templates, validation reports, previews, revisions, history."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pandas as pd
import streamlit as st

from niem import exporting, tables
from niem.changes import Change, ChangeKind, Preview, conflicts_message
from niem.effects import FigureEffect
from niem.history import HistoryEntry, RevisionSummary
from niem.i18n import _, current_language, ngettext, using_language
from niem.importing import Problem, UploadResult
from niem.practice_import import PracticeUpload
from niem.store import Catalogue
from niem.templates import template_workbook
from niem.ui.downloads import st_download, st_table
from niem.wording import sentence

EDITABLE_COLUMNS = ("score", "note", "source")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NARROW = st.column_config.NumberColumn(width="small")
REVISION_NUMBER = st.column_config.NumberColumn(width="small", format="%d")
WIDE_TEXT = st.column_config.TextColumn(width="large")


def st_template_downloads(frame: pd.DataFrame, round_year: int, country: str) -> None:
    """Download buttons for the template as an Excel workbook and as CSV, each made when
    clicked (a workbook takes longer than the rest of the page), its instructions in the
    language of the page it was clicked on."""
    name = f"niem-template-{country}-{round_year}"
    language = current_language()

    def workbook() -> bytes:
        with using_language(language):
            return template_workbook(frame)

    excel, csv = st.columns(2)
    excel.download_button(
        _("Download the template (Excel)"),
        workbook,
        file_name=f"{name}.xlsx",
        mime=XLSX,
        on_click="ignore",
        key="template_xlsx",
        icon=":material/download:",
        width="stretch",
    )
    csv.download_button(
        _("Download the template (CSV)"),
        partial(exporting.to_csv_bytes, frame, for_excel=True),
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
        key="template_csv",
        icon=":material/download:",
        width="stretch",
    )


def st_template_editor(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """The template as a table whose score, note and source can be edited; rows numbered as in
    the downloaded file, so the validation report's row numbers point at the same rows."""
    numbered = frame.set_index(pd.RangeIndex(2, len(frame) + 2, name="row"))
    return st.data_editor(
        numbered,
        key=key,
        column_order=["indicator", "title", *EDITABLE_COLUMNS],
        disabled=[c for c in numbered.columns if c not in EDITABLE_COLUMNS],
        column_config={
            "indicator": st.column_config.TextColumn(_("Indicator"), width="small"),
            "title": st.column_config.TextColumn(_("Title"), width="large"),
            "score": st.column_config.NumberColumn(
                _("Score (0–100, empty = no data)"), min_value=0, max_value=100, format="%g"
            ),
            "note": st.column_config.TextColumn(_("Note"), width="large"),
            "source": st.column_config.TextColumn(_("Source"), width="medium"),
        },
        height=520,
    )


def st_report(result: UploadResult | PracticeUpload, key: str) -> None:
    """The validation report: notices, then every problem in a table with a CSV download.

    Both are tables: they quote the file (its headers, its sheet names), which must show as
    the file has it, never as Markdown.
    """
    if result.notices:
        st.info(
            ngettext(
                "A note on how the file was read (nothing to fix unless it surprises you):",
                "{count} notes on how the file was read (nothing to fix unless they surprise "
                "you):",
                len(result.notices),
            ).format(count=len(result.notices))
        )
        st_table(
            tables.notices_shown(result.notices),
            f"{key}_notices",
            column_config={
                _("Row"): st.column_config.TextColumn(width="small"),
                _("Column"): st.column_config.TextColumn(width="small"),
                _("Notice"): WIDE_TEXT,
            },
            download=False,
        )
    if result.valid:
        st.success(
            ngettext(
                "No problems found: {count} row read.",
                "No problems found: {count} rows read.",
                len(result.rows),
            ).format(count=len(result.rows))
        )
        return
    problems = result.problems or [Problem(None, "", _("the file has no scores"))]
    st.error(
        ngettext(
            "{count} problem found, so nothing was stored. Fix it in your file and upload it "
            "again.",
            "{count} problems found, so nothing was stored. Fix them in your file and upload it "
            "again.",
            len(problems),
        ).format(count=len(problems))
    )
    table = tables.problems_shown(problems)
    st_table(
        table,
        key,
        column_config={
            _("Row"): NARROW,
            _("Column"): st.column_config.TextColumn(width="small"),
            _("Problem"): WIDE_TEXT,
        },
        download=False,
    )
    st.caption(_("Rows are numbered as your spreadsheet shows them: the header is row 1."))
    st_download(
        table, "problems.csv", key=f"{key}_download", label=_("Download the problems (CSV)")
    )


def st_preview(preview: Preview, catalogue: Catalogue, key: str) -> None:
    """How many scores change, and a table of the changes."""
    counts = preview.counts
    columns = st.columns(4)
    for column, kind, label in zip(
        columns,
        (ChangeKind.CHANGED, ChangeKind.NEW, ChangeKind.UNCHANGED, ChangeKind.TO_NO_DATA),
        (_("Changed"), _("New"), _("Unchanged"), _("Becoming no data")),
        strict=True,
    ):
        column.metric(label, counts[kind])
    if preview.changes:
        st_table(
            tables.preview_table(preview, catalogue),
            key,
            column_config={_("Row"): NARROW, _("Title"): WIDE_TEXT},
            download=False,
        )


def st_revisions(summaries: Sequence[RevisionSummary], key: str) -> None:
    """A table of revisions."""
    st_table(
        tables.revisions_table(summaries),
        key,
        column_config={_("Revision"): REVISION_NUMBER, _("Comment"): WIDE_TEXT},
        download=False,
    )


def st_revision_details(summary: RevisionSummary) -> None:
    """Who, when, why and what became of one revision, as plain text."""
    st.dataframe(
        tables.revision_details(summary),
        hide_index=True,
        key=f"revision_{summary.revision.id}_details",
        column_config={_("Details"): WIDE_TEXT},
    )


def st_changes(changes: Sequence[Change], catalogue: Catalogue, key: str) -> None:
    """A revision's diff with its CSV download."""
    st_table(
        tables.changes_table(changes, catalogue),
        key,
        column_config={_("Title"): WIDE_TEXT},
        download=_("Download the changes (CSV)"),
    )


def st_effect(effects: Sequence[FigureEffect], catalogue: Catalogue, key: str) -> None:
    """Each figure the revision moves, before and after, with the rank."""
    st.subheader(_("What it does to the figures"))
    if not effects:
        st.info(_("No computed figure changes: the values stay below or beside what counts."))
        return
    st.caption(
        _(
            "Computed by the scoring rule from the current values with and without this "
            "revision; nothing is stored until you approve. Ranks are among the round's "
            "countries. A published figure stays shown as published."
        )
    )
    st_table(
        tables.effect_table(effects, catalogue),
        key,
        column_config={_("Figure"): WIDE_TEXT},
        download=_("Download the effect (CSV)"),
    )


def st_conflicts(revision_id: int, conflicts: Sequence[Change], catalogue: Catalogue) -> None:
    """Which newer values approving the revision would replace."""
    st.warning(sentence(conflicts_message(revision_id, conflicts)))
    st.dataframe(
        tables.changes_table(conflicts, catalogue),
        hide_index=True,
        key=f"conflicts_{revision_id}",
    )


def st_history(entries: Sequence[HistoryEntry], catalogue: Catalogue, key: str) -> None:
    """The timeline table with its CSV download."""
    st_table(
        tables.history_table(entries, catalogue),
        key,
        column_config={_("Revision"): REVISION_NUMBER, _("Comment"): WIDE_TEXT},
    )
