"""An upload checked against the current values: letters a legacy encoding lost, and the
template's placeholder source.

- A note or source whose only difference from the current one is letters turned into "?" or
  into look-alikes without their marks ("Rīga" → "R?ga" or "Riga") is refused: that is what a
  CSV saved as Windows-1252 or ISO-8859-15 does to Latvian text the partner never touched.
  The letters it kept may also come back as others ("š" saved as ISO-8859-15 and read as
  Windows-1257 is "Ø"); they count as lost too when some letter became "?" or plain.
  Both texts are compared letter by letter once, so the check is linear in their length.
- The template's illustrative source on a row whose value or note changed is removed
  (`niem.changes.source_to_store`): an expert's value is not illustrative. Keeping it would
  mark real data as generated; the validation report names the rows so the partner can add a
  source.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlmodel import Session

from niem.changes import Change, ChangeKind, Preview, preview_changes
from niem.i18n import _, ngettext
from niem.importing import Problem, UploadResult, UploadRow
from niem.store import ILLUSTRATIVE_SOURCE
from niem.wording import SHOWN_IN_MESSAGES, more_text

# Letters with no decomposition that a "best fit" conversion turns into a plain letter.
LOOK_ALIKES = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ħ": "h", "Ħ": "H"}
# How much of each text a message quotes around the first lost letter.
QUOTED_BEFORE = 12
QUOTED_AFTER = 28


@dataclass(frozen=True)
class LostLetters:
    """A text cell whose change only lost letters: where, and the two texts around the loss."""

    row: int | None
    column: str
    current: str
    submitted: str


def plain_letter(char: str) -> str:
    """The letter without its marks ('ā' → 'a', 'ł' → 'l'); itself when it has none."""
    if char in LOOK_ALIKES:
        return LOOK_ALIKES[char]
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def first_lost_letter(current: str, submitted: str) -> int | None:
    """Where the texts first differ, if every difference is a letter beyond ASCII that became
    "?", the same letter without its marks, or another letter beyond ASCII (its byte read in
    another code page), and at least one became "?" or a plain letter; None otherwise."""
    if current == submitted:
        return None
    current = unicodedata.normalize("NFC", current)
    submitted = unicodedata.normalize("NFC", submitted)
    if len(current) != len(submitted):
        return None
    first, lost = None, False
    for position, (had, has) in enumerate(zip(current, submitted, strict=True)):
        if had == has:
            continue
        if had.isascii():
            return None
        if has == "?" or plain_letter(had) == has:
            lost = True
        elif has.isascii():
            return None
        if first is None:
            first = position
    return first if lost else None


def lost_letters(changes: Sequence[Change]) -> list[LostLetters]:
    """The notes and sources of these changes that only lost letters, in row order."""
    found = []
    for change in changes:
        for column, before, after in (
            ("note", change.before_note, change.after_note),
            ("source", change.before_source, change.after_source),
        ):
            # Only a letter beyond ASCII can be lost: most texts are the same, or plain.
            if before == after or before.isascii() or change.kind == ChangeKind.UNCHANGED:
                continue
            current = unicodedata.normalize("NFC", before)
            submitted = unicodedata.normalize("NFC", after)
            position = first_lost_letter(current, submitted)
            if position is not None:
                start = max(0, position - QUOTED_BEFORE)
                end = position + QUOTED_AFTER
                found.append(
                    LostLetters(change.row, column, current[start:end], submitted[start:end])
                )
    return found


def lost_letters_message(found: Sequence[LostLetters]) -> str:
    """Why the upload is refused and how to save the file so that it keeps its letters."""
    rows = list(dict.fromkeys(f.row for f in found if f.row is not None))
    shown = ", ".join(str(row) for row in rows[:SHOWN_IN_MESSAGES]) + more_text(len(rows))
    return ngettext(
        'the file lost letters such as ā, ē, ī, ū, ņ, ļ (they became "?" or plain letters) in '
        "{count} row: {rows}; nothing was changed. The file was saved in a character set "
        'without them: save it as Excel (.xlsx), or as CSV in "UTF-8" or "Windows-1257 '
        '(Baltic)", and upload it again',
        'the file lost letters such as ā, ē, ī, ū, ņ, ļ (they became "?" or plain letters) in '
        "{count} rows: {rows}; nothing was changed. The file was saved in a character set "
        'without them: save it as Excel (.xlsx), or as CSV in "UTF-8" or "Windows-1257 '
        '(Baltic)", and upload it again',
        len(rows),
    ).format(count=len(rows), rows=shown)


def _cell_problem(lost: LostLetters) -> Problem:
    return Problem(
        lost.row,
        lost.column,
        _('only letters changed, into "?" or plain letters: "{current}" became "{submitted}"; '
          "upload the file saved as UTF-8 or Windows-1257").format(
            current=lost.current, submitted=lost.submitted
        ),
    )


def placeholder_cleared(rows: Sequence[UploadRow], changes: Sequence[Change]) -> list[int]:
    """The rows whose illustrative source is removed because their value or note changed."""
    return [
        row.row
        for row, change in zip(rows, changes, strict=True)
        if row.source == ILLUSTRATIVE_SOURCE and change.after_source != ILLUSTRATIVE_SOURCE
    ]


def _placeholder_notice(rows: Sequence[int]) -> Problem:
    shown = ", ".join(str(row) for row in rows[:SHOWN_IN_MESSAGES]) + more_text(len(rows))
    return Problem(
        None,
        "",
        ngettext(
            '{count} changed row still had the template\'s source "{placeholder}" (row {rows}); '
            "a changed score is no longer illustrative, so it is stored without a source. Write "
            "where the score comes from in the source column to give it one",
            '{count} changed rows still had the template\'s source "{placeholder}" (rows '
            "{rows}); a changed score is no longer illustrative, so they are stored without a "
            "source. Write where each score comes from in the source column to give it one",
            len(rows),
        ).format(count=len(rows), placeholder=ILLUSTRATIVE_SOURCE, rows=shown),
    )


def check_against_current(session: Session, result: UploadResult) -> UploadResult:
    """The upload's result with letters lost to an encoding refused (and its rows dropped) and
    a notice for each removed placeholder source; a result with problems is returned as is."""
    return checked_with_preview(session, result)[0]


def checked_with_preview(
    session: Session, result: UploadResult
) -> tuple[UploadResult, Preview | None]:
    """`check_against_current`, and the preview it made when the rows are kept: the same as
    `preview_changes` until something is written."""
    if result.problems or not result.rows:
        return result, None
    preview = preview_changes(session, result.rows)
    found = lost_letters(preview.rows)
    if found:
        problems = [Problem(None, "", lost_letters_message(found))]
        return replace(
            result, rows=[], problems=problems + [_cell_problem(f) for f in found]
        ), None
    cleared = placeholder_cleared(result.rows, preview.rows)
    if not cleared:
        return result, preview
    return replace(result, notices=[*result.notices, _placeholder_notice(cleared)]), preview
