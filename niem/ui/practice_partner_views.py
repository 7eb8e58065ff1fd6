"""Partners submit practices (a form or a file) and the coordinator publishes or returns them.

Every write goes through `niem.ui.actions.attempt`, the app's one error edge, and clears the
caches so every page shows the change at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlmodel import Session

from niem import exporting, practice_import, practice_tables, practices
from niem.accounts import Account, Action, may
from niem.config import load_settings
from niem.database import open_session
from niem.i18n import _, current_language, ngettext
from niem.models import RevisionKind
from niem.practice_import import PracticeRow, PracticeUpload
from niem.practices import PracticeRecord
from niem.store import Catalogue
from niem.ui import actions, data, session
from niem.ui.partner_views import WIDE_TEXT, st_report
from niem.ui.practice_views import practices_version
from niem.wording import country_label

T = TypeVar("T")
SIGN_IN_PAGE = "app_pages/sign-in.py"


def _write(work: Callable[[Session], T]) -> T | None:
    result = actions.attempt(work)
    if result is not None:
        data.clear_caches()
    return result


def _context(account: Account) -> practice_import.PracticeContext:
    with open_session(data.engine()) as opened:
        known = practices.practice_ids(opened)
    return practice_import.practice_context(
        data.english_catalogue(), known, account, load_settings().upload_limits
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _checked_file(
    version: tuple[int, str], content: bytes, file_name: str, account: Account, language: str
) -> PracticeUpload:
    return practice_import.read_practices(content, file_name, _context(account))


def st_practice_submission(account: Account | None, catalogue: Catalogue) -> None:
    """The form and the file upload for signed-in partners and the coordinator."""
    st.divider()
    if account is None:
        st.caption(_("Partner organisations and the coordinator sign in to submit practices."))
        st.page_link(SIGN_IN_PAGE, label=_("Sign in"), icon=":material/login:")
        return
    countries = [
        c for c in catalogue.countries if may(account, Action.SUBMIT_PRACTICE, country=c)
    ]
    st.header(_("Submit a practice"))
    if message := session.message("practices"):
        st.success(message)
    if account.is_coordinator:
        st.write(_("As coordinator, what you submit is published at once."))
    else:
        st.write(
            _(
                "What you submit waits for the coordinator, who publishes it or returns it "
                "with a reason. Your submissions are listed under My submissions."
            )
        )
    form_tab, file_tab = st.tabs([_("Fill in a form"), _("Upload a file")])
    with form_tab:
        _st_form(account, catalogue, countries)
    with file_tab:
        _st_file(account)


def _st_form(account: Account, catalogue: Catalogue, countries: Sequence[str]) -> None:
    with st.form("practice_form"):
        title = st.text_input(_("Title"), max_chars=200, key="practice_title")
        organisation = st.text_input(
            _("Organisation that runs it"), max_chars=200, key="practice_organisation"
        )
        chosen_countries = st.multiselect(
            _("Countries"),
            countries,
            format_func=lambda c: country_label(catalogue.countries, c),
            placeholder=_("Choose countries"),
            key="practice_countries",
        )
        dimensions = st.multiselect(
            _("Dimensions"),
            list(catalogue.dimensions),
            format_func=lambda d: catalogue.dimensions[d],
            placeholder=_("Choose dimensions"),
            key="practice_dimensions",
        )
        steps = st.multiselect(
            _("Steps of the policy cycle"),
            list(catalogue.steps),
            format_func=lambda s: catalogue.steps[s],
            placeholder=_("Choose steps"),
            key="practice_steps",
        )
        start, end = st.columns(2)
        year_from = start.number_input(
            _("From year"), min_value=1950, max_value=2100, value=None, step=1, key="practice_from"
        )
        year_to = end.number_input(
            _("To year (leave empty while it runs)"),
            min_value=1950,
            max_value=2100,
            value=None,
            step=1,
            key="practice_to",
        )
        summary = st.text_area(_("What it does"), max_chars=3000, key="practice_summary")
        evidence = st.text_area(_("Evidence of results"), max_chars=3000, key="practice_evidence")
        link = st.text_input(_("Link (https://…)"), max_chars=500, key="practice_link")
        draft = st.checkbox(
            _("Keep it as a draft and send it for review later"), key="practice_draft"
        )
        sent = st.form_submit_button(
            _("Submit the practice"), type="primary", key="practice_form_submit"
        )
    if not sent:
        return
    values = {
        "title": title,
        "organisation": organisation,
        "countries": ", ".join(chosen_countries),
        "dimensions": ", ".join(dimensions),
        "steps": ", ".join(steps),
        "year_from": year_from,
        "year_to": year_to,
        "summary": summary,
        "evidence": evidence,
        "link": link,
    }
    checked = practice_import.check_practice_form(values, _context(account))
    if not checked.valid:
        st_report(checked, key="practice_form_problems")
        return
    _submit(checked.rows, account, draft=draft, file_name=None)


def _st_file(account: Account) -> None:
    st.write(
        _(
            "One row per practice, with the columns {columns}. Lists (countries, dimensions, "
            "steps) are separated by commas; codes or English names both work."
        ).format(columns=", ".join(practice_import.COLUMNS))
    )
    st.download_button(
        _("Download an empty practices file (CSV)"),
        exporting.to_csv_bytes(pd.DataFrame(columns=list(practice_import.COLUMNS)), for_excel=True),
        file_name="niem-practices-template.csv",
        mime="text/csv",
        key="practice_template",
        icon=":material/download:",
    )
    uploaded = st.file_uploader(_("Your practices, as Excel (.xlsx) or CSV"), key="practice_upload")
    if uploaded is None:
        return
    if session.already_submitted(uploaded.file_id):
        st.info(_("You have already submitted this file."))
        return
    checked = _checked_file(
        practices_version(), uploaded.getvalue(), uploaded.name, account, current_language()
    )
    st_report(checked, key="practice_file_problems")
    if not checked.valid:
        return
    st.dataframe(_rows_shown(checked.rows), hide_index=True, key="practice_file_rows")
    draft = st.checkbox(_("Keep them as drafts"), key="practice_file_draft")
    if st.button(_("Submit these practices"), type="primary", key="practice_file_submit"):
        _submit(
            checked.rows, account, draft=draft, file_name=uploaded.name, file_id=uploaded.file_id
        )


def _rows_shown(rows: Sequence[PracticeRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _("Row"): [r.row for r in rows],
            _("Title"): [r.title for r in rows],
            _("Countries"): [" ".join(r.countries) for r in rows],
            _("Dimensions"): [" ".join(r.dimensions) for r in rows],
            _("Years"): [f"{r.year_from}–{r.year_to or ''}" for r in rows],
            _("New version of practice"): [r.practice_id or "" for r in rows],
        }
    )


def _submit(
    rows: Sequence[PracticeRow],
    account: Account,
    *,
    draft: bool,
    file_name: str | None,
    file_id: str | None = None,
) -> None:
    stored = _write(
        lambda opened: practices.submit(
            opened, rows, user=account, draft=draft, file_name=file_name
        )
    )
    if stored is None:
        return
    if file_id is not None:
        # Remembered like a score upload, so the same file is not sent twice by accident.
        session.remember_submission(RevisionKind.UPLOAD, file_id)
    count = len(stored)
    message = {
        "published": ngettext(
            "{count} practice published.", "{count} practices published.", count
        ),
        "pending": ngettext(
            "{count} practice sent to the coordinator for review.",
            "{count} practices sent to the coordinator for review.",
            count,
        ),
        "draft": ngettext(
            "{count} practice kept as a draft; send it for review under My submissions.",
            "{count} practices kept as drafts; send them for review under My submissions.",
            count,
        ),
    }[stored[0].status].format(count=count)
    session.rerun_with_message("practices", message)


def st_practice_review(account: Account) -> None:
    """Practices waiting for review (coordinator), or one's own practices and drafts (partner)."""
    catalogue = data.catalogue()
    with open_session(data.engine()) as opened:
        if account.is_coordinator:
            shown = practices.versions_for(opened, account, status="pending")
        else:
            shown = practices.versions_for(opened, account)
    st.header(_("Practices waiting for review") if account.is_coordinator else _("My practices"))
    if message := session.message("practice_review"):
        st.success(message)
    if not shown:
        st.info(_("No practice is waiting for review."))
        st.divider()
        return
    st.dataframe(
        practice_tables.review_shown(shown, catalogue),
        hide_index=True,
        key="practice_versions",
        column_config={_("Title"): WIDE_TEXT},
    )
    if account.is_coordinator:
        _st_decide(shown, account, catalogue)
    else:
        _st_send_drafts([p for p in shown if p.status == "draft"], account)
    st.divider()


def _st_version_text(version: PracticeRecord, catalogue: Catalogue) -> None:
    facts = practice_tables.practices_shown([version], catalogue).iloc[0]
    for label, value in facts.items():
        if value:
            st.text(f"{label}: {value}")
    st.text(_("What it does: {text}").format(text=version.summary))
    st.text(_("Evidence of results: {text}").format(text=version.evidence or "—"))
    st.text(_("Link: {link}").format(link=version.link or "—"))
    if version.version > 1:
        st.caption(
            _("Version {version} of practice {practice}: publishing it replaces the text shown.")
            .format(version=version.version, practice=version.practice_id)
        )


def _st_decide(pending: Sequence[PracticeRecord], account: Account, catalogue: Catalogue) -> None:
    by_id = {p.id: p for p in pending}
    chosen = st.selectbox(
        _("Practice version"),
        list(by_id),
        format_func=lambda i: f"{i}: {by_id[i].title[:80]} ({by_id[i].submitted_by})",
        key="practice_version",
    )
    _st_version_text(by_id[chosen], catalogue)
    publishing, returning = st.columns(2)
    with publishing:
        publishing_now = st.button(_("Publish"), type="primary", key="practice_publish")
        if publishing_now and _write(
            lambda opened: practices.publish(opened, chosen, user=account)
        ) is not None:
            session.rerun_with_message(
                "practice_review", _("Practice version {id} is published.").format(id=chosen)
            )
    with returning:
        reason = st.text_area(_("Why return it? Its author reads this."), key="practice_reason")
        returning_now = st.button(_("Return with this reason"), key="practice_return")
        if returning_now and _write(
            lambda opened: practices.return_(opened, chosen, user=account, reason=reason)
        ) is not None:
            session.rerun_with_message(
                "practice_review", _("Practice version {id} is returned.").format(id=chosen)
            )


def _st_send_drafts(drafts: Sequence[PracticeRecord], account: Account) -> None:
    if not drafts:
        return
    by_id = {p.id: p for p in drafts}
    chosen = st.selectbox(
        _("Draft"),
        list(by_id),
        format_func=lambda i: f"{i}: {by_id[i].title[:80]}",
        key="practice_draft_choice",
    )
    sending = st.button(_("Send this draft for review"), key="practice_send")
    if sending and _write(
        lambda opened: practices.send_for_review(opened, chosen, user=account)
    ) is not None:
        session.rerun_with_message(
            "practice_review", _("Draft {id} is waiting for review.").format(id=chosen)
        )
