"""What a submission would change, and what a revision changed: each score before and after.

"Before" follows `niem.store.published_values`, exactly as the current values do. A change
conflicts when the value it replaces was published after its author last saw the score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from sqlmodel import Session, col, func, select

from niem.accounts import Actor, authorize_seeing
from niem.errors import UnknownChoice
from niem.i18n import _
from niem.importing import UploadRow
from niem.models import Revision, RevisionStatus, Score, as_utc
from niem.store import (
    ILLUSTRATIVE_SOURCE,
    CurrentPart,
    Key,
    PublishedValue,
    current_parts,
    published_values,
    score_key,
)
from niem.wording import SHOWN_IN_MESSAGES, more_text, value_text


class ChangeKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    TO_NO_DATA = "to_no_data"


class Change(NamedTuple):
    """One score before and after: a row a submission would store, or one a revision stored.
    A named tuple: an upload's preview makes one per row."""

    round_year: int
    country: str
    indicator: str
    kind: ChangeKind
    before: float | None
    after: float | None
    before_note: str
    after_note: str
    before_source: str
    after_source: str
    # The revision whose value "before" is.
    current_revision: int | None
    # Set when the value this would replace was published after its author last saw it.
    conflict: bool = False
    newer_revision: int | None = None
    # Only for a submission: the row of the file, and the revision its template showed.
    row: int | None = None
    based_on_revision: int | None = None

    @property
    def key(self) -> Key:
        return (self.round_year, self.country, self.indicator)


@dataclass(frozen=True)
class Preview:
    """Every submitted row against the current values, as they were when `publications`
    revisions were published (`published_revisions`)."""

    rows: list[Change]
    publications: int = -1

    @property
    def counts(self) -> dict[ChangeKind, int]:
        return {kind: sum(r.kind == kind for r in self.rows) for kind in ChangeKind}

    @property
    def changes(self) -> list[Change]:
        return [r for r in self.rows if r.kind != ChangeKind.UNCHANGED]

    @property
    def conflicts(self) -> list[Change]:
        return conflicting(self.rows)


def same_value(a: float | None, b: float | None) -> bool:
    """Equal scores, or both no data."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def parts(stored: PublishedValue | CurrentPart | None) -> tuple[float | None, str, str]:
    """Value, note and source; a score no revision had set is no data."""
    return (stored.value, stored.note, stored.source) if stored else (None, "", "")


def same_parts(a: tuple[float | None, str, str], b: tuple[float | None, str, str]) -> bool:
    """Whether two (value, note, source) are the same score."""
    return same_value(a[0], b[0]) and a[1:] == b[1:]


def _kind(
    before: PublishedValue | CurrentPart | None, value: float | None, note: str, source: str
) -> ChangeKind:
    old = before.value if before else None
    if old is None and value is not None:
        return ChangeKind.NEW
    if old is not None and value is None:
        return ChangeKind.TO_NO_DATA
    if same_parts(parts(before), (value, note, source)):
        return ChangeKind.UNCHANGED
    return ChangeKind.CHANGED


def source_to_store(before: PublishedValue | CurrentPart | None, row: UploadRow) -> str:
    """The row's source, except the illustrative marker the template carried onto a new value.

    The marker stays only on an unchanged illustrative value: a changed value or note, or a
    value someone else has set since the template was made, is no longer illustrative.
    """
    if row.source != ILLUSTRATIVE_SOURCE:
        return row.source
    old_value, old_note, old_source = parts(before)
    unchanged = same_value(old_value, row.value) and old_note == row.note
    return row.source if unchanged and old_source == ILLUSTRATIVE_SOURCE else ""


def _change(
    before: PublishedValue | CurrentPart | None,
    key: Key,
    after: tuple[float | None, str, str],
    *,
    based_on_revision: int | None = None,
    row: int | None = None,
) -> Change:
    value, note, source = after
    kind = _kind(before, value, note, source)
    current_revision = before.revision_id if before else None
    # Someone changed this score after the template was made, and this row would overwrite.
    conflict = (
        kind != ChangeKind.UNCHANGED
        and based_on_revision is not None
        and based_on_revision != current_revision
    )
    # By position, in the order of Change's fields: a preview makes one per row.
    return Change(
        key[0],
        key[1],
        key[2],
        kind,
        before.value if before else None,
        value,
        before.note if before else "",
        note,
        before.source if before else "",
        source,
        current_revision,
        conflict,
        current_revision if conflict else None,
        row,
        based_on_revision,
    )


def preview_changes(session: Session, rows: Sequence[UploadRow]) -> Preview:
    """What each row would change: new, changed, unchanged or to no data, and conflicts.

    A changed row whose source is still the template's illustrative marker will be stored
    without a source, and the preview shows it so.
    """
    publications = published_revisions(session)
    keys = [row.key for row in rows]
    current = current_parts(session, keys)
    preview = []
    for key, row in zip(keys, rows, strict=True):
        before = current.get(key)
        source = row.source
        if source == ILLUSTRATIVE_SOURCE:
            source = source_to_store(before, row)
        preview.append(
            _change(
                before,
                key,
                (row.value, row.note, source),
                based_on_revision=row.based_on_revision,
                row=row.row,
            )
        )
    return Preview(preview, publications)


def published_revisions(session: Session) -> int:
    """How many revisions are published: it grows with every publication (nothing published is
    ever unpublished), so a preview made at the same count still holds."""
    return session.execute(
        select(func.count()).select_from(Revision).where(
            col(Revision.status) == RevisionStatus.PUBLISHED
        )
    ).scalar_one()


def find_revision(session: Session, revision_id: int, *, lock: bool = False) -> Revision:
    """The revision as the database has it now; UnknownChoice if there is none.

    With `lock`, its row stays locked until the transaction ends (SELECT ... FOR UPDATE), so
    two reviewers acting at once take turns and the second sees what the first did.
    """
    revision = session.get(Revision, revision_id, with_for_update=lock, populate_existing=True)
    if revision is None:
        raise UnknownChoice(_("there is no revision {revision}").format(revision=revision_id))
    return revision


def scores_of(session: Session, revision_id: int) -> list[Score]:
    """The score rows a revision stored, in the order it stored them."""
    return list(
        session.exec(
            select(Score).where(Score.revision_id == revision_id).order_by(col(Score.id))
        ).all()
    )


def keys_of(scores: Iterable[Score]) -> list[Key]:
    """The scores these rows set."""
    return [score_key(s) for s in scores]


def revision_diff(session: Session, revision_id: int, *, viewer: Actor) -> list[Change]:
    """Each score the revision sets, before and after, if the viewer may see the revision.

    "Before" is the value current just before the revision was published, or the value current
    now for a revision that is not published. For a pending revision, each change whose current
    value was published after the revision was submitted names that newer revision.
    """
    revision = find_revision(session, revision_id)
    authorize_seeing(viewer, revision.status, revision.author)
    return diff(session, revision)


def diff(session: Session, revision: Revision) -> list[Change]:
    """`revision_diff` of a revision already loaded."""
    assert revision.id is not None
    scores = scores_of(session, revision.id)
    keys = keys_of(scores)
    published = revision.status == RevisionStatus.PUBLISHED
    before = published_values(session, keys, before=revision if published else None)
    based_on: dict[Key, PublishedValue] = {}
    if revision.status == RevisionStatus.PENDING:
        based_on = published_values(session, keys, as_of=as_utc(revision.created_at))
    changes = []
    for score, key in zip(scores, keys, strict=True):
        old = before.get(key)
        own = (score.value, score.note, score.source)
        # A newer value differs from the one seen when submitting and from the one submitted;
        # illustrative values rank below every revision, so they are never newer.
        newer = (
            old is not None
            and not old.ranks_as_illustrative
            and not same_parts(parts(old), parts(based_on.get(key)))
            and not same_parts(parts(old), own)
        )
        change = _change(old, key, own)
        changes.append(
            change._replace(conflict=True, newer_revision=change.current_revision)
            if newer
            else change
        )
    return sorted(changes, key=lambda c: c.key)


def conflicting(changes: Iterable[Change]) -> list[Change]:
    """The changes that would replace a value published since their author last saw it."""
    return [c for c in changes if c.conflict]


def conflicts_message(revision_id: int, conflicts: Sequence[Change]) -> str:
    """Why approving the revision needs confirmation, naming the scores it would replace."""
    shown = ", ".join(
        _("{score} ({before} from revision {revision}, would become {after})").format(
            score=f"{c.round_year} {c.country} {c.indicator}",
            before=value_text(c.before),
            revision=c.newer_revision,
            after=value_text(c.after),
        )
        for c in conflicts[:SHOWN_IN_MESSAGES]
    )
    return _(
        "approving revision {revision} would replace values published after it was submitted: "
        "{scores}; check them and confirm to replace them"
    ).format(revision=revision_id, scores=shown + more_text(len(conflicts)))
