"""Every table of the store.

Scores are append-only: each value is a row tied to the revision that brought it, and a
score's current value is derived from the published revisions (see `niem.store`) and kept in
`CurrentValue`, written in the same transaction as every publication (see `niem.current`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    """The current time in UTC, the only clock the store uses."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """The moment with its UTC zone: SQLite hands datetimes back without it."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class RevisionStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class RevisionKind(StrEnum):
    ILLUSTRATIVE = "illustrative"
    UPLOAD = "upload"
    EDIT = "edit"
    ROLLBACK = "rollback"
    CARRY_OVER = "carry-over"


class PracticeStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    PUBLISHED = "published"
    RETURNED = "returned"


class FeedbackStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    DISMISSED = "dismissed"
    DRAFTED = "drafted"


class Role(StrEnum):
    VIEWER = "viewer"
    PARTNER = "partner"
    COORDINATOR = "coordinator"


class Country(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=2)
    name: str


class LocalName(SQLModel, table=True):
    """A name or description from the framework data in another language than English."""

    language: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)  # area, dimension, step, indicator or round
    code: str = Field(primary_key=True)  # the thing's code (a round's year)
    field: str = Field(primary_key=True)  # name, description, title, label or situation
    text: str


class Area(SQLModel, table=True):
    code: str = Field(primary_key=True)
    name: str
    position: int


class Dimension(SQLModel, table=True):
    code: str = Field(primary_key=True)
    area_code: str = Field(foreign_key="area.code", index=True)
    name: str
    position: int
    description: str = ""


class Step(SQLModel, table=True):
    code: str = Field(primary_key=True)
    name: str
    position: int
    description: str = ""


class Indicator(SQLModel, table=True):
    code: str = Field(primary_key=True)
    dimension_code: str = Field(foreign_key="dimension.code", index=True)
    step_code: str = Field(foreign_key="step.code", index=True)
    title: str
    description: str = ""
    scored: bool = True
    illustrative: bool = True


class Round(SQLModel, table=True):
    year: int = Field(primary_key=True)
    situation: str
    label: str
    published: str = ""


class RoundCountry(SQLModel, table=True):
    round_year: int = Field(foreign_key="round.year", primary_key=True)
    country_code: str = Field(foreign_key="country.code", primary_key=True)


class Revision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    author: str
    created_at: datetime = Field(default_factory=utc_now)
    comment: str = ""
    kind: str = RevisionKind.UPLOAD
    status: str = Field(default=RevisionStatus.PENDING, index=True)
    file_name: str | None = None
    file_hash: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_reason: str | None = None
    published_at: datetime | None = Field(default=None, index=True)
    rolls_back_id: int | None = Field(default=None, foreign_key="revision.id")


class Score(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(foreign_key="revision.id", index=True)
    # No index of its own: the score key's index (below) begins with it.
    round_year: int = Field(foreign_key="round.year")
    country_code: str = Field(foreign_key="country.code", index=True)
    indicator_code: str = Field(foreign_key="indicator.code", index=True)
    value: float | None = None
    note: str = ""
    source: str = ""
    # Set by a rollback: the row whose value this one restores, so it keeps that provenance.
    restored_from_id: int | None = Field(default=None, foreign_key="score.id")
    # Set by a carry-over: the previous round's row this one starts from, marked carried over.
    carried_from_id: int | None = Field(default=None, foreign_key="score.id")

    # Every value of one score or of one round and country (history, previews, rollbacks).
    __table_args__ = (Index("ix_score_key", "round_year", "country_code", "indicator_code"),)


class CurrentValue(SQLModel, table=True):
    """The current value of one score: a copy of the published row that ranks last for it.

    Derived, like a materialised view: written only from score rows, in the same transaction,
    and held equal to the full history by the tests. It has no foreign keys of its own (the
    score rows it copies have them): on PostgreSQL each would be checked again for every value
    an import makes current, a sixth of a 100,000-row import.
    """

    round_year: int = Field(primary_key=True)
    country_code: str = Field(primary_key=True)
    indicator_code: str = Field(primary_key=True)
    value: float | None = None
    note: str = ""
    source: str = ""
    score_id: int = Field(index=True)
    revision_id: int
    provenance: str
    author: str
    published_at: datetime
    ranks_as_illustrative: bool = False


class PublishedFigure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    round_year: int = Field(foreign_key="round.year", index=True)
    country_code: str = Field(foreign_key="country.code", index=True)
    level: str
    code: str = ""
    value: float
    source_url: str
    note: str = ""


class User(SQLModel, table=True):
    name: str = Field(primary_key=True)
    role: str
    password_hash: str
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class UserCountry(SQLModel, table=True):
    user_name: str = Field(foreign_key="user.name", primary_key=True)
    country_code: str = Field(foreign_key="country.code", primary_key=True)


class Practice(SQLModel, table=True):
    """A promising practice; what it says lives in its versions, the newest published current."""

    id: int | None = Field(default=None, primary_key=True)
    created_by: str
    created_at: datetime = Field(default_factory=utc_now)


class PracticeVersion(SQLModel, table=True):
    """One version of a practice: an edit adds a version, and nothing here is overwritten
    except the status of a version waiting for review."""

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    title: str
    organisation: str
    year_from: int
    year_to: int | None = None
    summary: str
    evidence: str = ""
    link: str = ""
    illustrative: bool = False
    status: str = Field(default=PracticeStatus.PENDING, index=True)
    submitted_by: str
    submitted_at: datetime = Field(default_factory=utc_now)
    file_name: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_reason: str | None = None
    published_at: datetime | None = None


class PracticeCountry(SQLModel, table=True):
    version_id: int = Field(foreign_key="practiceversion.id", primary_key=True)
    country_code: str = Field(foreign_key="country.code", primary_key=True)


class PracticeDimension(SQLModel, table=True):
    version_id: int = Field(foreign_key="practiceversion.id", primary_key=True)
    dimension_code: str = Field(foreign_key="dimension.code", primary_key=True)


class PracticeStep(SQLModel, table=True):
    version_id: int = Field(foreign_key="practiceversion.id", primary_key=True)
    step_code: str = Field(foreign_key="step.code", primary_key=True)


class PublishedFact(SQLModel, table=True):
    """A published statement about the figures (a rank, a count, a gap), with its source.

    `check` and `arguments` say how `niem check` verifies it against the current figures.
    """

    key: str = Field(primary_key=True)
    round_year: int = Field(foreign_key="round.year", index=True)
    statement: str
    source_url: str
    check: str
    arguments: str = ""


class AccountEvent(SQLModel, table=True):
    """One thing done to an account (added, disabled, password reset...), by whom and when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, index=True)
    actor: str
    account: str = Field(index=True)
    action: str
    detail: str = ""


class OneTimePassword(SQLModel, table=True):
    """A reset password, which its account must replace at its next sign-in."""

    user_name: str = Field(foreign_key="user.name", primary_key=True)
    issued_at: datetime = Field(default_factory=utc_now)


class SignInSession(SQLModel, table=True):
    """A browser's signed-in session; its cookie holds a signed token whose hash is the key."""

    token_hash: str = Field(primary_key=True)
    user_name: str = Field(foreign_key="user.name", index=True)
    created_at: datetime = Field(default_factory=utc_now)
    last_seen: datetime = Field(default_factory=utc_now)
    expires_at: datetime


class SignInTicket(SQLModel, table=True):
    """A one-time hand-over from the sign-in page to the route that sets the cookie."""

    ticket_hash: str = Field(primary_key=True)
    user_name: str = Field(foreign_key="user.name")
    expires_at: datetime


class AppSecret(SQLModel, table=True):
    """A secret the app generates once, such as the key that signs session cookies."""

    name: str = Field(primary_key=True)
    value: str


class Feedback(SQLModel, table=True):
    """What a visitor said about one score, as sent, with the value shown then; never
    changed and never shown publicly."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now, index=True)
    round_year: int = Field(foreign_key="round.year")
    country_code: str = Field(foreign_key="country.code", index=True)
    indicator_code: str = Field(foreign_key="indicator.code")
    value: float | None = None
    # The score row whose value was current when the feedback was sent, if there was one.
    score_id: int | None = Field(default=None, foreign_key="score.id")
    what_is_wrong: str
    evidence: str = ""
    contact: str = ""
    session_key: str

    # The rate limit counts one session's feedback of the last hour.
    __table_args__ = (Index("ix_feedback_session", "session_key", "created_at"),)


class FeedbackDecision(SQLModel, table=True):
    """What became of one piece of feedback (answered, dismissed or turned into a draft
    revision), by whom and when: added once, never changed."""

    id: int | None = Field(default=None, primary_key=True)
    # One decision per feedback: two reviewers acting at once cannot both decide.
    feedback_id: int = Field(foreign_key="feedback.id", unique=True)
    status: str
    answer: str = ""
    revision_id: int | None = Field(default=None, foreign_key="revision.id")
    decided_by: str
    decided_at: datetime = Field(default_factory=utc_now)
