"""How the app and the command line put things into words: counts, times, values, reviews.

Plain functions over plain values, so the page and `niem` say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from babel import Locale

from niem.cells import size_text
from niem.config import ReadLimits
from niem.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    _,
    count_text,
    current_language,
    day_text,
    decimal_text,
    ngettext,
    number_text,
)
from niem.methodology import round_score
from niem.models import Revision, RevisionStatus, as_utc

if TYPE_CHECKING:  # both modules put things into words with this one
    from niem.accounts import Account
    from niem.history import RevisionSummary
    from niem.store import RoundInfo

SHOWN_IN_MESSAGES = 5
STATUS_LABELS: dict[str, str] = {
    RevisionStatus.PENDING: N_("waiting for review"),
    RevisionStatus.PUBLISHED: N_("published"),
    RevisionStatus.REJECTED: N_("rejected"),
    RevisionStatus.WITHDRAWN: N_("withdrawn"),
}
# A status as a word in a sentence ("revision 2 is pending; …").
STATUS_WORDS: dict[str, str] = {
    RevisionStatus.PENDING: N_("pending"),
    RevisionStatus.PUBLISHED: N_("published"),
    RevisionStatus.REJECTED: N_("rejected"),
    RevisionStatus.WITHDRAWN: N_("withdrawn"),
}
REVIEWS: dict[str, str] = {
    RevisionStatus.PUBLISHED: N_("approved by {reviewer}"),
    RevisionStatus.REJECTED: N_("rejected by {reviewer}"),
    RevisionStatus.WITHDRAWN: N_("withdrawn by {reviewer}"),
}
HOW_SUBMITTED = {
    "upload": N_("file upload"),
    "edit": N_("edited in the app"),
    "rollback": N_("rollback"),
    "illustrative": N_("illustrative data, generated"),
    "carry-over": N_("carried over from the previous round"),
}
ROLES = {"partner": N_("partner"), "coordinator": N_("coordinator")}


def sentence(message: object) -> str:
    """A backend message as a sentence: capital first letter and a full stop."""
    text = str(message).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


def plural(count: int, noun: str) -> str:
    """'1 score', '3 scores'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def moment_text(moment: datetime | None, *, zone: bool = True) -> str:
    """A stored time as '2021-06-30 14:05 UTC' (without ' UTC' if not `zone`), or empty; in
    Latvian '2021. gada 30. jūnijs, 14:05 UTC'."""
    moment = as_utc(moment)
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    separator = " " if current_language() == DEFAULT_LANGUAGE else ", "
    text = f"{day_text(moment)}{separator}{moment:%H:%M}"
    return f"{text} UTC" if zone else text


def value_text(value: float | None) -> str:
    """An indicator score as entered ('33.3', in Latvian '33,3'), or 'no data'."""
    return _("no data") if value is None else decimal_text(value)


def _missing(value: object) -> bool:
    # pandas is loaded by whatever made the table a cell comes from; `niem import` runs
    # without it.
    import pandas as pd

    return value is None or bool(pd.isna(value))  # type: ignore[call-overload]


def score_text(score: object) -> str:
    """A figure to one decimal by the one rounding rule (39.55 -> '39.6', in Latvian '39,6'),
    or 'no data'."""
    if _missing(score):
        return _("no data")
    return number_text(round_score(float(score)) or 0.0)  # type: ignore[arg-type]


def signed_text(change: float) -> str:
    """A change to one decimal with its sign, by the one rounding rule: '+7.2', '-0.3'
    (in Latvian '+7,2')."""
    rounded = round_score(change) or 0.0  # no '-0.0'
    if not rounded:
        return number_text(0.0)
    return ("+" if rounded > 0 else "-") + number_text(abs(rounded))


def empty_text(covered: int, total: int) -> str:
    """Why a figure has no number: 'insufficient data (1 of 3 indicators)' or 'no data'."""
    if covered <= 0:
        return _("no data")
    return ngettext(
        "insufficient data ({covered} of {total} indicator)",
        "insufficient data ({covered} of {total} indicators)",
        total,
    ).format(covered=covered, total=total)


def figure_text(score: object, covered: int, total: int, *, stored: bool = False) -> str:
    """A figure as every page shows it: stored values as entered, aggregates to one
    decimal, and an empty one as `empty_text` words it."""
    if _missing(score):
        return empty_text(covered, total)
    return value_text(float(score)) if stored else score_text(score)  # type: ignore[arg-type]


def ordinal(number: int) -> str:
    """'1st', '2nd', '3rd', '13th', by the reader's language's ordinal rules."""
    form = Locale.parse(current_language()).ordinal_form(number)
    if form == "one":
        return _("{number}st").format(number=number)
    if form == "two":
        return _("{number}nd").format(number=number)
    if form == "few":
        return _("{number}rd").format(number=number)
    return _("{number}th").format(number=number)


def rank_text(rank: int, count: int, *, joint: bool = False) -> str:
    """'12th of 14', or 'joint 13th of 14' when another country has the same figure."""
    if joint:
        return _("joint {ordinal} of {count}").format(ordinal=ordinal(rank), count=count)
    return _("{ordinal} of {count}").format(ordinal=ordinal(rank), count=count)


def status_text(status: str) -> str:
    """'waiting for review' for a pending revision; other statuses as they are."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def status_word(status: str) -> str:
    """'pending', 'published', 'rejected' or 'withdrawn', in the reader's language."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def how_submitted_text(kind: str) -> str:
    """'file upload' or 'edited in the app'."""
    return _(HOW_SUBMITTED[kind]) if kind in HOW_SUBMITTED else kind


def role_text(role: str) -> str:
    """'partner' or 'coordinator', in the reader's language."""
    return _(ROLES[role]) if role in ROLES else role


def review_text(status: str, author: str, reviewer: str | None, reason: str | None) -> str:
    """Who approved, rejected or withdrew a revision, and why; empty if its author published it."""
    if reviewer is None or (status == RevisionStatus.PUBLISHED and reviewer == author):
        return ""
    review = REVIEWS.get(status)
    text = _(review).format(reviewer=reviewer) if review else f"{status} {reviewer}"
    return _("{review}: {reason}").format(review=text, reason=reason) if reason else text


def country_label(names: Mapping[str, str], code: str) -> str:
    """'Latvia (LV)'."""
    return f"{names.get(code, code)} ({code})"


def describe_scores(keys: Sequence[tuple[int, str, str]]) -> str:
    """'2021 LV BRI-I-01, 2021 LV BRI-I-02 and 3 more', for messages."""
    shown = ", ".join(
        f"{year} {country} {code}" for year, country, code in keys[:SHOWN_IN_MESSAGES]
    )
    return shown + more_text(len(keys))


def more_text(count: int) -> str:
    """' and 3 more' when more than the messages show, else empty."""
    more = count - SHOWN_IN_MESSAGES
    return _(" and {count} more").format(count=more) if more > 0 else ""


def names_text(names: Mapping[str, str], codes: Sequence[str]) -> str:
    """'Bulgaria (BG), Portugal (PT)'."""
    return ", ".join(country_label(names, code) for code in codes)


def account_text(account: Account, names: Mapping[str, str]) -> str:
    """'providus, partner for Latvia (LV)' or 'anna, coordinator'."""
    if not account.countries:
        return f"{account.name}, {role_text(account.role)}"
    return _("{name}, {role} for {countries}").format(
        name=account.name,
        role=role_text(account.role),
        countries=names_text(names, account.countries),
    )


def revision_label(summary: RevisionSummary) -> str:
    """'Revision 12 by providus, 2021-06-30 14:05 UTC: LV 2021, 3 scores'."""
    revision = summary.revision
    where = " ".join(summary.countries) + " " + " ".join(str(y) for y in summary.rounds)
    return ngettext(
        "Revision {revision} by {author}, {when}: {where}, {count} score",
        "Revision {revision} by {author}, {when}: {where}, {count} scores",
        summary.scores,
    ).format(
        revision=revision.id,
        author=revision.author,
        when=moment_text(revision.created_at),
        where=where.strip(),
        count=summary.scores,
    )


def submitted_text(revision: Revision) -> str:
    """What happens next to a revision just submitted."""
    if revision.status == RevisionStatus.PUBLISHED:
        return _("Revision {revision} is published: every page now shows the new values.").format(
            revision=revision.id
        )
    return _(
        "Revision {revision} is waiting for the coordinator's review. "
        "Nobody else sees the new values until it is approved."
    ).format(revision=revision.id)


def limits_text(limits: ReadLimits) -> str:
    """What an upload may hold, as the submit page states it."""
    return _(
        "A file may be up to {size}, with up to {rows} rows of scores and {columns} columns; "
        "a cell holds up to {characters} characters."
    ).format(
        size=size_text(limits.bytes),
        rows=count_text(limits.rows),
        columns=limits.columns,
        characters=count_text(limits.cell_characters),
    )


def round_caption(round_info: RoundInfo) -> str:
    """'Situation as of 2021; published 2022.', or 'not published yet' for a new round."""
    if not round_info.published:
        return _("Situation as of {situation}; not published yet.").format(
            situation=round_info.situation
        )
    return _("Situation as of {situation}; published {published}.").format(
        situation=round_info.situation, published=round_info.published
    )
