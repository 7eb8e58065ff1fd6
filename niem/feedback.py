"""Feedback on a score from anyone: "is this right?", sent without an account.

A visitor's feedback is stored as sent, with the value shown then, and never changed or shown
publicly. The coordinator sees all of it and a partner its own countries'; either answers or
dismisses it, and a partner may turn it into a draft (pending) revision of that score. What
became of it is a `FeedbackDecision` added beside it, once: nothing here is ever overwritten.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from niem import revisions
from niem.accounts import Account, Action, Actor, actor_name, check, may
from niem.config import Settings
from niem.database import write_transaction
from niem.errors import NiemError, PermissionDenied, UnknownChoice
from niem.i18n import _, ngettext
from niem.importing import UploadRow
from niem.models import (
    CurrentValue,
    Feedback,
    FeedbackDecision,
    FeedbackStatus,
    Indicator,
    Revision,
    RevisionKind,
    Role,
    Round,
    RoundCountry,
    as_utc,
    utc_now,
)
from niem.text import check_plain

DEFAULTS = Settings()
CONTACT_CHARACTERS = 200
# What `feedback_list` takes for "every status".
EVERY_STATUS = "all"


class TooMuchFeedback(NiemError):
    """One session sent as much feedback as an hour allows."""


class AlreadyDecided(NiemError):
    """The feedback was answered, dismissed or turned into a revision already."""


@dataclass(frozen=True)
class FeedbackItem:
    """A piece of feedback and what became of it (no decision yet: it is open)."""

    feedback: Feedback
    decision: FeedbackDecision | None = None
    # The score's current value now, which a draft revision starts from.
    current: CurrentValue | None = None

    @property
    def status(self) -> str:
        return FeedbackStatus.OPEN if self.decision is None else self.decision.status


def checked_text(text: str, what: str, limit: int, *, multiline: bool = True) -> str:
    """The text stripped, if it has no control character (but line breaks and tabs where
    `multiline`) and at most `limit` characters once NFKC-normalised."""
    text = check_plain(text.strip(), what, multiline=multiline)
    length = len(unicodedata.normalize("NFKC", text))
    if length > limit:
        raise NiemError(
            _("{what} is {length} characters long; shorten it to at most {limit}").format(
                what=what, length=length, limit=limit
            )
        )
    return text


def submit_feedback(
    session: Session,
    *,
    round_year: int,
    country: str,
    indicator: str,
    what_is_wrong: str,
    evidence: str = "",
    contact: str = "",
    session_key: str,
    per_hour: int = DEFAULTS.feedback_per_hour,
    characters: int = DEFAULTS.feedback_characters,
    now: datetime | None = None,
) -> Feedback:
    """Store a visitor's feedback on one score with the value current now, unless the session
    has sent `per_hour` in the last hour; anyone may send it."""
    what_is_wrong = checked_text(what_is_wrong, _("“What is wrong”"), characters)
    if not what_is_wrong:
        raise NiemError(_("say what is wrong with this score; the coordinator reads it"))
    evidence = checked_text(evidence, _("“Evidence or link”"), characters)
    contact = checked_text(contact, _("“Contact”"), CONTACT_CHARACTERS, multiline=False)
    if not session_key:
        raise NiemError(_("this browser session has no key; reload the page and send it again"))
    moment = now or utc_now()

    def write() -> Feedback:
        if session.get(RoundCountry, (round_year, country)) is None:
            raise UnknownChoice(
                _("{country} is not in round {year}; choose a score from the page").format(
                    country=country, year=round_year
                )
            )
        if session.get(Indicator, indicator) is None:
            raise UnknownChoice(
                _("there is no indicator {code}; choose a score from the page").format(
                    code=indicator
                )
            )
        _check_rate(session, session_key, per_hour, moment)
        current = session.get(CurrentValue, (round_year, country, indicator))
        feedback = Feedback(
            created_at=moment,
            round_year=round_year,
            country_code=country,
            indicator_code=indicator,
            value=current.value if current else None,
            score_id=current.score_id if current else None,
            what_is_wrong=what_is_wrong,
            evidence=evidence,
            contact=contact,
            session_key=session_key,
        )
        session.add(feedback)
        session.flush()
        return feedback

    return write_transaction(session, write)


def _check_rate(session: Session, session_key: str, per_hour: int, now: datetime) -> None:
    since = now - timedelta(hours=1)
    recent = session.exec(
        select(func.count(), func.min(Feedback.created_at)).where(
            Feedback.session_key == session_key, col(Feedback.created_at) > since
        )
    ).one()
    count, oldest = recent
    if count >= per_hour:
        free_at = (as_utc(oldest) or now) + timedelta(hours=1)
        wait = max(1, math.ceil((free_at - now).total_seconds() / 60))
        raise TooMuchFeedback(
            ngettext(
                "this browser has sent {count} piece of feedback in the last hour, the most it "
                "may; send the next one in {minutes} minutes",
                "this browser has sent {count} pieces of feedback in the last hour, the most it "
                "may; send the next one in {minutes} minutes",
                count,
            ).format(count=count, minutes=wait)
        )


def feedback_list(
    session: Session,
    *,
    viewer: Actor,
    status: str = FeedbackStatus.OPEN,
    country: str | None = None,
    round_year: int | None = None,
) -> list[FeedbackItem]:
    """The feedback the viewer may read, oldest first: the coordinator's and the operator's
    all of it, a partner's its countries', a visitor's none (PermissionDenied)."""
    if status != EVERY_STATUS and status not in set(FeedbackStatus):
        raise UnknownChoice(
            _("unknown status {status}; choose open, answered, dismissed, drafted or all").format(
                status=repr(status)
            )
        )
    account = check(session, viewer, Action.HANDLE_FEEDBACK)
    if round_year is not None and session.get(Round, round_year) is None:
        raise UnknownChoice(
            _("there is no round {year}; `niem round list` shows the rounds").format(
                year=round_year
            )
        )
    same_score = and_(
        col(CurrentValue.round_year) == col(Feedback.round_year),
        col(CurrentValue.country_code) == col(Feedback.country_code),
        col(CurrentValue.indicator_code) == col(Feedback.indicator_code),
    )
    query = (
        select(Feedback, FeedbackDecision, CurrentValue)
        .join(FeedbackDecision, isouter=True)
        .join(CurrentValue, same_score, isouter=True)
        .order_by(col(Feedback.id))
    )
    if isinstance(account, Account) and not account.is_coordinator:
        query = query.where(col(Feedback.country_code).in_(account.countries))
    if country is not None:
        query = query.where(Feedback.country_code == country)
    if round_year is not None:
        query = query.where(Feedback.round_year == round_year)
    if status == FeedbackStatus.OPEN:
        query = query.where(col(FeedbackDecision.id).is_(None))
    elif status != EVERY_STATUS:
        query = query.where(FeedbackDecision.status == status)
    return [FeedbackItem(*row) for row in session.exec(query).all()]


def _open_feedback(session: Session, feedback_id: int, user: Actor) -> tuple[Feedback, Actor]:
    """The feedback if it is still open and the user may handle its country."""
    feedback = session.get(Feedback, feedback_id)
    if feedback is None:
        raise UnknownChoice(_("there is no feedback {number}").format(number=feedback_id))
    account = check(session, user, Action.HANDLE_FEEDBACK, country=feedback.country_code)
    decided = session.exec(
        select(FeedbackDecision).where(FeedbackDecision.feedback_id == feedback_id)
    ).first()
    if decided is not None:
        raise AlreadyDecided(_already_decided(feedback_id, decided))
    return feedback, account


def _already_decided(feedback_id: int, decision: FeedbackDecision | None) -> str:
    if decision is None:
        return _("feedback {number} was handled by someone else just now").format(
            number=feedback_id
        )
    return _("feedback {number} is {status} already (by {name})").format(
        number=feedback_id, status=status_word(decision.status), name=decision.decided_by
    )


def _decide(session: Session, decision: FeedbackDecision) -> FeedbackDecision:
    """Add the decision; a second one for the same feedback is refused by its unique key."""
    session.add(decision)
    try:
        session.flush()
    except IntegrityError as error:
        raise AlreadyDecided(_already_decided(decision.feedback_id, None)) from error
    return decision


def answer(
    session: Session, feedback_id: int, *, user: Actor, text: str, now: datetime | None = None
) -> FeedbackDecision:
    """Answer open feedback: the coordinator's, or the partner's of its country."""
    text = checked_text(text, _("the answer"), DEFAULTS.feedback_characters)
    if not text:
        raise NiemError(_("write the answer first"))

    def write() -> FeedbackDecision:
        _feedback, account = _open_feedback(session, feedback_id, user)
        return _decide(session, _decision(feedback_id, FeedbackStatus.ANSWERED, account, now, text))

    return write_transaction(session, write)


def dismiss(
    session: Session,
    feedback_id: int,
    *,
    user: Actor,
    reason: str = "",
    now: datetime | None = None,
) -> FeedbackDecision:
    """Dismiss open feedback, with an optional reason; it stays stored."""
    reason = checked_text(reason, _("the reason"), DEFAULTS.feedback_characters)

    def write() -> FeedbackDecision:
        _feedback, account = _open_feedback(session, feedback_id, user)
        return _decide(
            session, _decision(feedback_id, FeedbackStatus.DISMISSED, account, now, reason)
        )

    return write_transaction(session, write)


def draft_revision(
    session: Session,
    feedback_id: int,
    *,
    user: Account | None,
    value: float | None,
    note: str,
    source: str,
    comment: str,
    now: datetime | None = None,
) -> Revision:
    """Turn open feedback into a pending revision of its score, by a partner of its country;
    the revision and the decision naming it are stored together or not at all."""
    feedback = session.get(Feedback, feedback_id)
    if feedback is None:
        raise UnknownChoice(_("there is no feedback {number}").format(number=feedback_id))
    if user is not None and user.role != Role.PARTNER:
        raise PermissionDenied(
            _("only the partner of {country} turns feedback into a draft revision: a "
              "coordinator's change is published at once; answer it or ask the partner").format(
                country=feedback.country_code
            )
        )
    row = UploadRow(
        row=1,
        round_year=feedback.round_year,
        country=feedback.country_code,
        indicator=feedback.indicator_code,
        value=value,
        note=note.strip(),
        source=source.strip(),
        based_on_revision=None,
    )

    def record(revision: Revision) -> None:
        _feedback, account = _open_feedback(session, feedback_id, user)
        decision = _decision(feedback_id, FeedbackStatus.DRAFTED, account, now, "")
        decision.revision_id = revision.id
        _decide(session, decision)

    return revisions.submit(
        session,
        [row],
        user=user,
        comment=comment,
        kind=RevisionKind.EDIT,
        now=now,
        also=record,
    )


def _decision(
    feedback_id: int, status: FeedbackStatus, by: Actor, now: datetime | None, answer: str
) -> FeedbackDecision:
    return FeedbackDecision(
        feedback_id=feedback_id,
        status=status,
        answer=answer,
        decided_by=actor_name(by),
        decided_at=now or utc_now(),
    )


def status_word(status: str) -> str:
    """A feedback status in words, in the reader's language."""
    words = {
        FeedbackStatus.OPEN: _("open"),
        FeedbackStatus.ANSWERED: _("answered"),
        FeedbackStatus.DISMISSED: _("dismissed"),
        FeedbackStatus.DRAFTED: _("turned into a draft revision"),
    }
    return words.get(FeedbackStatus(status), status) if status in set(FeedbackStatus) else status


def may_draft(user: Account | None, country: str) -> bool:
    """Whether the user may turn feedback on this country's scores into a draft revision."""
    return (
        user is not None
        and user.role == Role.PARTNER
        and may(user, Action.HANDLE_FEEDBACK, country=country)
    )
