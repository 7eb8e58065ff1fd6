"""Every call the domain may refuse, and the app's one error edge that turns a refusal into
a message. Writes clear the caches, so every page shows the new values at once.

The frame (app.py) runs every page inside the same edge, so no error of any kind reaches a
visitor as a traceback: a refusal is shown as it is worded, anything else as a short message
with a reference, its detail written to the server's log.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from niem import account_admin, accounts, feedback, revisions, rounds
from niem.accounts import Account
from niem.changes import Preview
from niem.config import load_settings
from niem.database import open_session
from niem.errors import NiemError
from niem.feedback import FeedbackItem
from niem.i18n import _, count_text, ngettext
from niem.importing import UploadRow
from niem.models import AccountEvent, Feedback, FeedbackDecision, Revision, RevisionKind
from niem.store import RoundInfo
from niem.ui import data
from niem.wording import sentence

T = TypeVar("T")
LOG = logging.getLogger("niem.app")
FEEDBACK_SESSION = "feedback_session_key"


@contextmanager
def error_edge(*, stop: bool = False) -> Iterator[None]:
    """Show a refusal from the domain (a NiemError) as one error message, and any other error
    as a short message whose detail goes to the server's log; never raise. With `stop`, the
    run ends after the message (for the frame, whose later steps need what failed)."""
    try:
        yield
    except NiemError as error:
        st.error(sentence(error))
        if stop:
            st.stop()
    except SQLAlchemyError as error:
        st.error(
            _(
                "The database could not be used just now, so nothing was changed. Try again in "
                "a moment; if it keeps happening, tell the coordinator (reference {reference})."
            ).format(reference=log_unexpected(error))
        )
        if stop:
            st.stop()
    # Streamlit's own stop and rerun are BaseExceptions, so they pass through.
    except Exception as error:
        st.error(
            _(
                "Something went wrong on the server (reference {reference}). Reload the page; "
                "if it happens again, tell the coordinator the reference."
            ).format(reference=log_unexpected(error))
        )
        if stop:
            st.stop()


def log_unexpected(error: Exception) -> str:
    """Write the error with its traceback to the server's log; the reference to quote."""
    reference = secrets.token_hex(3)
    LOG.error("unexpected error, reference %s", reference, exc_info=error)
    return reference


def attempt(work: Callable[[Session], T]) -> T | None:
    """Run `work` in a short session; if the domain refuses, show why and give None."""
    with error_edge(), open_session(data.engine()) as session:
        return work(session)
    return None


def _write(work: Callable[[Session], T]) -> T | None:
    result = attempt(work)
    if result is not None:
        data.clear_caches()
    return result


def submit_scores(
    rows: Sequence[UploadRow],
    *,
    account: Account,
    comment: str,
    kind: RevisionKind,
    file_name: str | None = None,
    file_bytes: bytes | None = None,
    confirm_conflicts: bool = False,
    preview: Preview | None = None,
) -> Revision | None:
    """Store the rows as one revision, with a progress bar; on refusal show why, return None.
    The page's `preview` of the rows is used unless something was published since."""
    storing = ngettext("Storing {count} row…", "Storing {count} rows…", len(rows))
    progress = st.progress(0, text=storing.format(count=count_text(len(rows))))
    revision = _write(
        lambda session: revisions.submit(
            session,
            rows,
            user=account,
            comment=comment,
            file_name=file_name,
            file_bytes=file_bytes,
            kind=kind,
            confirm_conflicts=confirm_conflicts,
            preview=preview,
        )
    )
    if revision is None:
        progress.empty()
    else:
        progress.progress(100, text=_("Stored."))
    return revision


def approve(
    revision_id: int, account: Account, *, confirm_conflicts: bool = False
) -> Revision | None:
    """Publish a pending revision, replacing values published since only when confirmed."""
    return _write(
        lambda session: revisions.approve(
            session, revision_id, user=account, confirm_conflicts=confirm_conflicts
        )
    )


def reject(revision_id: int, account: Account, reason: str) -> Revision | None:
    """Refuse a pending revision with a reason."""
    return _write(
        lambda session: revisions.reject(session, revision_id, user=account, reason=reason)
    )


def withdraw(revision_id: int, account: Account) -> Revision | None:
    """Take back one's own pending revision."""
    return _write(lambda session: revisions.withdraw(session, revision_id, user=account))


def rollback(revision_id: int, account: Account) -> Revision | None:
    """Publish a revision restoring the values from before a published one."""
    return _write(lambda session: revisions.rollback(session, revision_id, user=account))


def user_accounts(account: Account) -> list[Account] | None:
    """Every account, if this account may manage them; otherwise show why and give None."""
    return attempt(lambda session: accounts.list_users(session, by=account))


def add_account(
    account: Account, name: str, role: str, password: str, countries: Sequence[str]
) -> Account | None:
    """Create an account; on refusal show why and give None."""
    return _write(
        lambda session: accounts.add_user(session, name, role, password, countries, by=account)
    )


def disable_account(account: Account, name: str) -> Account | None:
    """Stop an account from signing in or acting; on refusal show why and give None."""
    return _write(lambda session: account_admin.disable_user(session, name, by=account))


def enable_account(account: Account, name: str) -> Account | None:
    """Let a disabled account sign in again; on refusal show why and give None."""
    return _write(lambda session: account_admin.enable_user(session, name, by=account))


def reset_password(account: Account, name: str) -> str | None:
    """A one-time password for the account; on refusal show why and give None."""
    return _write(lambda session: account_admin.reset_password(session, name, by=account))


def change_countries(account: Account, name: str, countries: Sequence[str]) -> Account | None:
    """Give a partner account these countries; on refusal show why and give None."""
    return _write(lambda session: account_admin.set_countries(session, name, countries, by=account))


def change_own_password(account: Account, old: str, new: str) -> bool:
    """Change the signed-in account's password; on refusal show why and give False."""

    def change(session: Session) -> bool:
        account_admin.change_password(session, account.name, new, by=account, old_password=old)
        return True

    return bool(_write(change))


def account_events(account: Account, name: str | None = None) -> list[AccountEvent] | None:
    """The account log, if this account may read it; otherwise show why and give None."""
    return attempt(lambda session: account_admin.account_log(session, name, by=account))


def send_feedback(
    round_year: int, country: str, indicator: str, what: str, evidence: str, contact: str
) -> Feedback | None:
    """Store a visitor's feedback on one score, counted against this browser session."""
    settings = load_settings()
    return attempt(
        lambda session: feedback.submit_feedback(
            session,
            round_year=round_year,
            country=country,
            indicator=indicator,
            what_is_wrong=what,
            evidence=evidence,
            contact=contact,
            session_key=feedback_session_key(),
            per_hour=settings.feedback_per_hour,
            characters=settings.feedback_characters,
        )
    )


def feedback_session_key() -> str:
    """This browser session's random key, which the feedback rate limit counts by."""
    if FEEDBACK_SESSION not in st.session_state:
        st.session_state[FEEDBACK_SESSION] = secrets.token_hex(16)
    return str(st.session_state[FEEDBACK_SESSION])


def every_feedback(account: Account) -> list[FeedbackItem] | None:
    """All the feedback this account may read; otherwise show why and give None."""
    return attempt(
        lambda session: feedback.feedback_list(
            session, viewer=account, status=feedback.EVERY_STATUS
        )
    )


def answer_feedback(account: Account, feedback_id: int, text: str) -> FeedbackDecision | None:
    """Answer open feedback; on refusal show why and give None."""
    return attempt(lambda session: feedback.answer(session, feedback_id, user=account, text=text))


def dismiss_feedback(account: Account, feedback_id: int, reason: str) -> FeedbackDecision | None:
    """Dismiss open feedback; on refusal show why and give None."""
    return attempt(
        lambda session: feedback.dismiss(session, feedback_id, user=account, reason=reason)
    )


def draft_from_feedback(
    account: Account,
    feedback_id: int,
    *,
    value: float | None,
    note: str,
    source: str,
    comment: str,
) -> Revision | None:
    """Turn open feedback into a pending revision of its score; on refusal show why."""
    return _write(
        lambda session: feedback.draft_revision(
            session,
            feedback_id,
            user=account,
            value=value,
            note=note,
            source=source,
            comment=comment,
        )
    )


def add_round(
    account: Account,
    year: int,
    label: str,
    situation: str,
    countries: Sequence[str],
    *,
    carry_over: bool,
) -> RoundInfo | None:
    """Open a round, empty or carried over from the previous one; on refusal show why."""
    return _write(
        lambda session: rounds.add_round(
            session,
            year,
            label=label,
            situation=situation,
            countries=countries,
            by=account,
            carry_over=carry_over,
        )
    )


def add_round_country(account: Account, year: int, country: str) -> RoundInfo | None:
    """Add a country to a round; on refusal show why and give None."""
    return _write(lambda session: rounds.add_country(session, year, country, by=account))
