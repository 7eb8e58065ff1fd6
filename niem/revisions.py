"""Submitting, reviewing and rolling back scores: every write to the scores.

The store is append-only: every write here adds a Revision and its Score rows, or moves a
pending revision to another status. Nothing in Score is ever updated or deleted; the
current-values table follows each publication in the same transaction (`niem.current`). Each action
checks, through `niem.accounts.check`, that its user may do it, and writes nothing otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from niem.accounts import Account, Action, authorize, check
from niem.changes import (
    Preview,
    conflicting,
    conflicts_message,
    diff,
    find_revision,
    keys_of,
    parts,
    preview_changes,
    published_revisions,
    same_parts,
    scores_of,
)
from niem.current import record_publication
from niem.database import driver_insert, write_transaction
from niem.errors import NiemError, UnknownChoice
from niem.i18n import N_, _
from niem.importing import UploadRow
from niem.models import (
    Indicator,
    Revision,
    RevisionKind,
    RevisionStatus,
    Role,
    RoundCountry,
    Score,
    utc_now,
)
from niem.store import ILLUSTRATIVE_SOURCE, Key, PublishedValue, published_values
from niem.text import CONTROL, check_plain, control_character
from niem.upload_checks import lost_letters, lost_letters_message
from niem.wording import describe_scores, status_word

INSERT_BATCH = 5000


class ConflictingChanges(NiemError):
    """Scores being written were changed by someone else after the template or submission."""


class NothingToSubmit(NiemError):
    """Every submitted value equals the current one."""


class CommentRequired(NiemError):
    """A partner submitted without saying why the scores change."""


class WrongStatus(NiemError):
    """The revision is not in the status the action needs."""


def _check_rows(session: Session, rows: Sequence[UploadRow]) -> None:
    """Refuse rows the upload validation would have refused, whichever path they came by."""
    seen = {row.key: row.row for row in rows}
    texts = {row.note for row in rows} | {row.source for row in rows}
    if (
        len(seen) != len(rows)
        or any(row.value is not None and not 0 <= row.value <= 100 for row in rows)
        or any(control_character(text) for text in texts)
    ):
        _refuse_the_first_wrong_row(rows)
    members = {
        (year, country)
        for year, country in session.exec(
            select(RoundCountry.round_year, RoundCountry.country_code)
        ).all()
    }
    unknown_pairs = sorted({k for k in seen if (k[0], k[1]) not in members})
    if unknown_pairs:
        raise UnknownChoice(
            _("these countries are not in these rounds: {scores}").format(
                scores=describe_scores(unknown_pairs)
            )
        )
    scored = set(session.exec(select(Indicator.code).where(Indicator.scored)).all())
    unknown_codes = sorted(k for k in seen if k[2] not in scored)
    if unknown_codes:
        raise UnknownChoice(
            _("these are not scored indicators: {scores}").format(
                scores=describe_scores(unknown_codes)
            )
        )


def _refuse_the_first_wrong_row(rows: Sequence[UploadRow]) -> None:
    """Row by row, the first repeated score, score outside 0–100 or control character."""
    seen: dict[Key, int] = {}
    for row in rows:
        if row.key in seen:
            raise NiemError(
                _("row {row} repeats {scores} of row {first}; keep one row per round, country and "
                  "indicator").format(
                    row=row.row, scores=describe_scores([row.key]), first=seen[row.key]
                )
            )
        seen[row.key] = row.row
        if row.value is not None and not 0 <= row.value <= 100:
            raise NiemError(f"row {row.row}: score {row.value:g} is outside 0–100")
        for what, text in ((_("the note"), row.note), (_("the source"), row.source)):
            check_plain(text, _("row {row}: {what}").format(row=row.row, what=what))


def _still_holds(session: Session, preview: Preview | None, rows: Sequence[UploadRow]) -> bool:
    """Whether a preview made before is of these very rows (each score, value, note, source
    and template revision) and nothing was published since."""
    if preview is None or preview.publications != published_revisions(session):
        return False
    return len(preview.rows) == len(rows) and all(
        change.key == row.key
        and change.row == row.row
        and change.after == row.value
        and change.after_note == row.note
        # The template's placeholder source may have been dropped (`source_to_store`).
        and (change.after_source == row.source or row.source == ILLUSTRATIVE_SOURCE)
        and change.based_on_revision == row.based_on_revision
        for change, row in zip(preview.rows, rows, strict=True)
    )


def file_hash(data: bytes) -> str:
    """The SHA-256 of an uploaded file, stored with its revision."""
    return hashlib.sha256(data).hexdigest()


def submit(
    session: Session,
    rows: Sequence[UploadRow],
    *,
    user: Account | None,
    comment: str,
    file_name: str | None = None,
    file_bytes: bytes | None = None,
    kind: RevisionKind = RevisionKind.UPLOAD,
    confirm_conflicts: bool = False,
    now: datetime | None = None,
    also: Callable[[Revision], object] | None = None,
    preview: Preview | None = None,
) -> Revision:
    """Store the rows that change something as one revision, pending or (coordinator) published.

    Conflicting rows are refused unless confirmed; on any error nothing is written. `also`
    writes what belongs with the revision (such as the feedback it answers) in its transaction.
    A `preview` of these rows made before is used if nothing was published since; else the
    rows are compared again inside the transaction.
    """
    comment = check_plain(comment.strip(), _("the comment"))
    # The file name comes from the partner's computer; it is kept, its control characters not.
    file_name = None if file_name is None else CONTROL.sub("\ufffd", file_name)

    def write() -> Revision:
        account = check(session, user, Action.SUBMIT)
        assert isinstance(account, Account)
        for country in sorted({r.country for r in rows}):
            authorize(account, Action.SUBMIT, country=country)
        if not rows:
            raise NothingToSubmit(_("nothing to submit: there are no rows"))
        _check_rows(session, rows)
        compared = preview
        if not _still_holds(session, compared, rows):
            compared = preview_changes(session, rows)
        assert compared is not None
        if lost := lost_letters(compared.rows):
            raise NiemError(lost_letters_message(lost))
        if compared.conflicts and not confirm_conflicts:
            raise ConflictingChanges(
                _("another revision changed these scores after your template was made: {scores}; "
                  "check them and confirm to overwrite them").format(
                    scores=describe_scores([r.key for r in compared.conflicts])
                )
            )
        if not compared.changes:
            raise NothingToSubmit(_("nothing to submit: every value equals the current one"))
        if account.role == Role.PARTNER and not comment:
            raise CommentRequired(
                _("add a comment saying why these scores change; the coordinator reads it")
            )
        direct = account.is_coordinator
        moment = now or utc_now()
        revision = Revision(
            author=account.name,
            created_at=moment,
            comment=comment,
            kind=kind,
            status=RevisionStatus.PUBLISHED if direct else RevisionStatus.PENDING,
            file_name=file_name,
            file_hash=file_hash(file_bytes) if file_bytes is not None else None,
            reviewed_by=account.name if direct else None,
            reviewed_at=moment if direct else None,
            published_at=moment if direct else None,
        )
        values = [(r.key, r.after, r.after_note, r.after_source, None) for r in compared.changes]
        _add(session, revision, values)
        if also is not None:
            also(revision)
        return revision

    return write_transaction(session, write)


def _add(
    session: Session,
    revision: Revision,
    values: Sequence[tuple[Key, float | None, str, str, int | None]],
) -> None:
    """Store the revision with its values: (key, value, note, source, restored score id)."""
    session.add(revision)
    session.flush()
    assert revision.id is not None
    columns = (
        "revision_id", "round_year", "country_code", "indicator_code", "value", "note",
        "source", "restored_from_id",
    )
    rows = [
        (revision.id, year, country, code, value, note, source, restored_from_id)
        for (year, country, code), value, note, source, restored_from_id in values
    ]
    # One executemany per batch through the driver: an upload's cost follows its rows.
    table = Score.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), INSERT_BATCH):
        driver_insert(session, table, columns, rows[start : start + INSERT_BATCH])
    if revision.status == RevisionStatus.PUBLISHED:
        record_publication(session, revision)


# Only a pending revision can be approved, rejected or withdrawn.
ONLY_PENDING = {
    "approved": N_("revision {revision} is {status}; only pending revisions can be approved"),
    "rejected": N_("revision {revision} is {status}; only pending revisions can be rejected"),
    "withdrawn": N_("revision {revision} is {status}; only pending revisions can be withdrawn"),
}


def _require_status(revision: Revision, wanted: RevisionStatus, verb: str) -> None:
    if revision.status != wanted:
        raise WrongStatus(
            _(ONLY_PENDING[verb]).format(revision=revision.id, status=status_word(revision.status))
        )


def _move(session: Session, revision: Revision, **values: object) -> None:
    """Change a pending revision's status, refusing if someone else moved it first."""
    moved = session.execute(
        update(Revision)
        .where(col(Revision.id) == revision.id, col(Revision.status) == RevisionStatus.PENDING)
        .values(**values)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise WrongStatus(
            _("revision {revision} is no longer pending").format(revision=revision.id)
        )
    session.refresh(revision)


def approve(
    session: Session,
    revision_id: int,
    *,
    user: Account | None,
    confirm_conflicts: bool = False,
    now: datetime | None = None,
) -> Revision:
    """Publish a pending revision: its values become current.

    Values published after it was submitted are replaced only when `confirm_conflicts`.
    """

    def write() -> Revision:
        account = check(session, user, Action.APPROVE)
        assert isinstance(account, Account)
        revision = find_revision(session, revision_id, lock=True)
        _require_status(revision, RevisionStatus.PENDING, "approved")
        newer = conflicting(diff(session, revision))
        if newer and not confirm_conflicts:
            raise ConflictingChanges(conflicts_message(revision_id, newer))
        moment = now or utc_now()
        _move(
            session,
            revision,
            status=RevisionStatus.PUBLISHED,
            published_at=moment,
            reviewed_by=account.name,
            reviewed_at=moment,
        )
        record_publication(session, revision)
        return revision

    return write_transaction(session, write)


def reject(
    session: Session,
    revision_id: int,
    *,
    user: Account | None,
    reason: str,
    now: datetime | None = None,
) -> Revision:
    """Refuse a pending revision, with a reason the partner will read."""
    reason = check_plain(reason.strip(), _("the reason"))

    def write() -> Revision:
        account = check(session, user, Action.REJECT)
        assert isinstance(account, Account)
        revision = find_revision(session, revision_id, lock=True)
        _require_status(revision, RevisionStatus.PENDING, "rejected")
        if not reason:
            raise NiemError(_("give a reason for rejecting; the partner reads it"))
        _move(
            session,
            revision,
            status=RevisionStatus.REJECTED,
            reviewed_by=account.name,
            reviewed_at=now or utc_now(),
            review_reason=reason,
        )
        return revision

    return write_transaction(session, write)


def withdraw(
    session: Session, revision_id: int, *, user: Account | None, now: datetime | None = None
) -> Revision:
    """Take back one's own pending revision; a coordinator rejects others' with a reason."""

    def write() -> Revision:
        revision = find_revision(session, revision_id, lock=True)
        account = check(session, user, Action.WITHDRAW, author=revision.author)
        assert isinstance(account, Account)
        _require_status(revision, RevisionStatus.PENDING, "withdrawn")
        _move(
            session,
            revision,
            status=RevisionStatus.WITHDRAWN,
            reviewed_by=account.name,
            reviewed_at=now or utc_now(),
        )
        return revision

    return write_transaction(session, write)


def rollback(
    session: Session, revision_id: int, *, user: Account | None, now: datetime | None = None
) -> Revision:
    """Publish a new revision restoring, for every score the revision set, the value before it."""

    def write() -> Revision:
        account = check(session, user, Action.ROLLBACK)
        assert isinstance(account, Account)
        target = find_revision(session, revision_id)
        if target.status != RevisionStatus.PUBLISHED:
            raise WrongStatus(
                _("revision {revision} is {status}; only published revisions can be rolled back (a "
                  "pending one can be rejected or withdrawn)").format(
                    revision=revision_id, status=status_word(target.status)
                )
            )
        keys = keys_of(scores_of(session, revision_id))
        restored = published_values(session, keys, before=target)
        current = published_values(session, keys)
        if all(same_parts(parts(restored.get(k)), parts(current.get(k))) for k in keys):
            raise NothingToSubmit(
                _("nothing to roll back: the scores of revision {revision} already have the "
                  "values they had before it").format(revision=revision_id)
            )
        moment = now or utc_now()
        revision = Revision(
            author=account.name,
            created_at=moment,
            comment=f"Rollback of revision {revision_id}",
            kind=RevisionKind.ROLLBACK,
            status=RevisionStatus.PUBLISHED,
            reviewed_by=account.name,
            reviewed_at=moment,
            published_at=moment,
            rolls_back_id=revision_id,
        )
        _add(
            session,
            revision,
            [(k, *parts(restored.get(k)), _score_id(restored.get(k))) for k in keys],
        )
        return revision

    return write_transaction(session, write)


def _score_id(stored: PublishedValue | None) -> int | None:
    return stored.score_id if stored else None
