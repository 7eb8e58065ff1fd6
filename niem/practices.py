"""Promising practices: submitting, reviewing, reading and searching them.

A practice is shown as its newest published version. Nothing is overwritten: an edit adds a
version, which goes through the same review; only a version waiting for review (or a draft)
changes status. Each action checks through `niem.accounts.check` that its user may do it:
partners submit for their own countries only, and only the coordinator publishes or returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sql
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from niem import practice_search
from niem.accounts import OPERATOR, Account, Action, Actor, authorize, check, may_see
from niem.config import Settings
from niem.database import driver_rows, write_transaction
from niem.errors import NiemError, PermissionDenied, UnknownChoice
from niem.i18n import _
from niem.models import (
    Country,
    Dimension,
    Practice,
    PracticeCountry,
    PracticeDimension,
    PracticeStatus,
    PracticeStep,
    PracticeVersion,
    Step,
    utc_now,
)
from niem.practice_import import (
    PracticeRow,
    practice_context,
    read_practices,
    safe_link,
)
from niem.store import load_catalogue

ILLUSTRATIVE_AUTHOR = "niem init"


@dataclass(frozen=True)
class PracticeRecord:
    """One version of a practice as plain data, with its countries, dimensions and steps."""

    id: int
    practice_id: int
    version: int
    title: str
    organisation: str
    countries: tuple[str, ...]
    dimensions: tuple[str, ...]
    steps: tuple[str, ...]
    year_from: int
    year_to: int | None
    summary: str
    evidence: str
    link: str
    illustrative: bool
    status: str
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    review_reason: str | None
    published_at: datetime | None

    @property
    def published_by(self) -> str | None:
        return self.reviewed_by if self.status == PracticeStatus.PUBLISHED else None

    @property
    def years(self) -> str:
        """'2019–2022', or '2019–' while it runs."""
        return f"{self.year_from}–{self.year_to or ''}"

    def runs_in(self, year: int) -> bool:
        """Whether the practice ran in that year (an open end runs on)."""
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


@dataclass(frozen=True)
class PracticeFilters:
    """What the list is narrowed to; None means any."""

    country: str | None = None
    area: str | None = None
    dimension: str | None = None
    step: str | None = None
    year: int | None = None
    dimension_area: dict[str, str] = field(default_factory=dict)

    def keeps(self, practice: PracticeRecord) -> bool:
        """Whether the practice passes every filter set."""
        areas = {self.dimension_area.get(d) for d in practice.dimensions}
        return (
            (self.country is None or self.country in practice.countries)
            and (self.area is None or self.area in areas)
            and (self.dimension is None or self.dimension in practice.dimensions)
            and (self.step is None or self.step in practice.steps)
            and (self.year is None or practice.runs_in(self.year))
        )


class NothingToSubmit(NiemError):
    """A submission without any practice."""


class WrongPracticeStatus(NiemError):
    """The version is not in the status the action needs."""


def load_versions(
    session: Session, *, ids: Iterable[int] | None = None, status: str | None = None
) -> list[PracticeRecord]:
    """Practice versions (these ids, this status, or all), oldest first, as plain data."""
    query = select(PracticeVersion).order_by(col(PracticeVersion.id))
    if ids is not None:
        query = query.where(col(PracticeVersion.id).in_(list(ids)))
    if status is not None:
        query = query.where(PracticeVersion.status == status)
    versions = session.exec(query).all()
    wanted = [v.id for v in versions]
    links: dict[int, dict[str, list[str]]] = {v.id or 0: {} for v in versions}
    for table, column in (
        (PracticeCountry, PracticeCountry.country_code),
        (PracticeDimension, PracticeDimension.dimension_code),
        (PracticeStep, PracticeStep.step_code),
    ):
        version_id = col(table.version_id)  # type: ignore[attr-defined]
        pairs = session.exec(select(version_id, column).where(version_id.in_(wanted))).all()
        for owner, code in pairs:
            links[owner].setdefault(table.__name__, []).append(code)
    numbers = _version_numbers(session, {v.practice_id for v in versions})
    # Dimensions and steps in the framework's order, as the pages list them.
    order = {
        "PracticeDimension": dict(session.exec(select(Dimension.code, Dimension.position)).all()),
        "PracticeStep": dict(session.exec(select(Step.code, Step.position)).all()),
    }
    for owned in links.values():
        for name, positions in order.items():
            owned.get(name, []).sort(key=lambda code: positions.get(code, 0))
    return [_record(v, links[v.id or 0], numbers[v.id or 0]) for v in versions]


def _version_numbers(session: Session, practice_ids: set[int]) -> dict[int, int]:
    """Version id -> its number within its practice (1 for the first)."""
    ids = session.exec(
        select(PracticeVersion.id, PracticeVersion.practice_id)
        .where(col(PracticeVersion.practice_id).in_(practice_ids))
        .order_by(col(PracticeVersion.id))
    ).all()
    counts: dict[int, int] = {}
    numbers: dict[int, int] = {}
    for version_id, practice_id in ids:
        counts[practice_id] = counts.get(practice_id, 0) + 1
        numbers[version_id or 0] = counts[practice_id]
    return numbers


def _record(version: PracticeVersion, links: dict[str, list[str]], number: int) -> PracticeRecord:
    return PracticeRecord(
        id=version.id or 0,
        practice_id=version.practice_id,
        version=number,
        title=version.title,
        organisation=version.organisation,
        countries=tuple(sorted(links.get("PracticeCountry", []))),
        dimensions=tuple(links.get("PracticeDimension", [])),
        steps=tuple(links.get("PracticeStep", [])),
        year_from=version.year_from,
        year_to=version.year_to,
        summary=version.summary,
        evidence=version.evidence,
        link=version.link,
        illustrative=version.illustrative,
        status=version.status,
        submitted_by=version.submitted_by,
        submitted_at=version.submitted_at,
        reviewed_by=version.reviewed_by,
        review_reason=version.review_reason,
        published_at=version.published_at,
    )


def current_practices(session: Session) -> list[PracticeRecord]:
    """Each practice's newest published version, by title."""
    published = session.exec(
        select(PracticeVersion.id, PracticeVersion.practice_id)
        .where(PracticeVersion.status == PracticeStatus.PUBLISHED)
        .order_by(col(PracticeVersion.published_at), col(PracticeVersion.id))
    ).all()
    newest = {practice_id: version_id for version_id, practice_id in published}
    records = load_versions(session, ids=[v for v in newest.values() if v is not None])
    return sorted(records, key=lambda r: (r.title.casefold(), r.id))


def search_practices(
    session: Session, text: str, filters: PracticeFilters | None = None
) -> list[PracticeRecord]:
    """The published practices matching the words (most relevant first) and the filters.

    Without words, every published practice passing the filters, by title.
    """
    practices = current_practices(session)
    if text.strip():
        rank = {v: i for i, v in enumerate(practice_search.ranked_version_ids(session, text))}
        practices = sorted((p for p in practices if p.id in rank), key=lambda p: rank[p.id])
    filters = filters or PracticeFilters()
    return [p for p in practices if filters.keeps(p)]


def find_practice(session: Session, version_id: int, *, viewer: Actor) -> PracticeRecord:
    """One version, if the viewer may see it (published, or its author's, or the coordinator)."""
    found = load_versions(session, ids=[version_id])
    if not found:
        raise UnknownChoice(_("there is no practice version {id}").format(id=version_id))
    record = found[0]
    if not may_see(viewer, record.status, record.submitted_by):
        raise PermissionDenied(_("practice version {id} is not published").format(id=version_id))
    return record


def versions_for(
    session: Session, viewer: Account, *, status: str | None = None
) -> list[PracticeRecord]:
    """The versions a partner submitted, or (coordinator) all; optionally of one status."""
    records = load_versions(session, status=status)
    if viewer.is_coordinator:
        return records
    return [r for r in records if r.submitted_by == viewer.name]


# Read on every run of a page that lists practices: one kept statement (`driver_rows`).
_PRACTICES_VERSION = select(
    func.count(), sql.type_coerce(func.max(PracticeVersion.reviewed_at), sql.String)
).select_from(PracticeVersion)


def practices_version(session: Session) -> tuple[int, str]:
    """A cheap fingerprint that changes whenever a practice version is added or reviewed."""
    [(count, reviewed)] = driver_rows(session, _PRACTICES_VERSION, {})
    return count, str(reviewed)


def practice_ids(session: Session) -> list[int]:
    """Every practice's number, for checking edits."""
    return [i for i in session.exec(select(Practice.id)).all() if i is not None]


def _check_rows(session: Session, account: Account | None, rows: Sequence[PracticeRow]) -> None:
    """Refuse what the file check would have refused, whichever way the rows came in."""
    known = {
        "country": set(session.exec(select(Country.code)).all()),
        "dimension": set(session.exec(select(Dimension.code)).all()),
        "step": set(session.exec(select(Step.code)).all()),
    }
    for row in rows:
        where = _("row {row}").format(row=row.row) if row.row else _("the practice")
        if not row.title.strip() or not row.countries or not row.dimensions or not row.steps:
            raise NiemError(
                _("{where} needs a title, countries, dimensions and steps").format(where=where)
            )
        if row.link and not safe_link(row.link):
            raise NiemError(
                _("{where}: links must start with https:// or http://").format(where=where)
            )
        if row.year_to is not None and row.year_to < row.year_from:
            raise NiemError(_("{where}: year_to is before year_from").format(where=where))
        for kind, codes in (
            ("country", row.countries),
            ("dimension", row.dimensions),
            ("step", row.steps),
        ):
            unknown = sorted(set(codes) - known[kind])
            if unknown:
                raise UnknownChoice(
                    _("{where}: unknown {kind} {codes}").format(
                        where=where, kind=kind, codes=", ".join(unknown)
                    )
                )
        for country in row.countries:
            authorize(account, Action.SUBMIT_PRACTICE, country=country)
        if row.practice_id is not None:
            _check_may_edit(session, account, row.practice_id)


def _check_may_edit(session: Session, account: Account | None, practice_id: int) -> None:
    """A partner may add a version only to a practice of its own countries."""
    latest = session.exec(
        select(PracticeVersion.id)
        .where(PracticeVersion.practice_id == practice_id)
        .order_by(col(PracticeVersion.id).desc())
    ).first()
    if latest is None:
        raise UnknownChoice(_("there is no practice {id}").format(id=practice_id))
    countries = session.exec(
        select(PracticeCountry.country_code).where(PracticeCountry.version_id == latest)
    ).all()
    for country in countries:
        authorize(account, Action.SUBMIT_PRACTICE, country=country)


def submit(
    session: Session,
    rows: Sequence[PracticeRow],
    *,
    user: Account | None,
    draft: bool = False,
    file_name: str | None = None,
    illustrative: bool = False,
    now: datetime | None = None,
) -> list[PracticeRecord]:
    """Store each row as a new version: a draft, waiting for review, or (coordinator) published.

    On any error nothing is written.
    """

    def write() -> list[int]:
        account = check(session, user, Action.SUBMIT_PRACTICE)
        assert isinstance(account, Account)
        if not rows:
            raise NothingToSubmit(_("nothing to submit: there are no practices"))
        _check_rows(session, account, rows)
        direct = account.is_coordinator and not draft
        moment = now or utc_now()
        status = PracticeStatus.DRAFT if draft else PracticeStatus.PENDING
        return [
            _add_version(
                session,
                row,
                status=PracticeStatus.PUBLISHED if direct else status,
                author=account.name,
                moment=moment,
                file_name=file_name,
                illustrative=illustrative,
            )
            for row in rows
        ]

    ids = write_transaction(session, write)
    return load_versions(session, ids=ids)


def _add_version(
    session: Session,
    row: PracticeRow,
    *,
    status: PracticeStatus,
    author: str,
    moment: datetime,
    file_name: str | None,
    illustrative: bool,
) -> int:
    practice_id = row.practice_id
    if practice_id is None:
        practice = Practice(created_by=author, created_at=moment)
        session.add(practice)
        session.flush()
        practice_id = practice.id
    assert practice_id is not None
    published = status == PracticeStatus.PUBLISHED
    version = PracticeVersion(
        practice_id=practice_id,
        title=row.title,
        organisation=row.organisation,
        year_from=row.year_from,
        year_to=row.year_to,
        summary=row.summary,
        evidence=row.evidence,
        link=row.link,
        illustrative=illustrative,
        status=status,
        submitted_by=author,
        submitted_at=moment,
        file_name=file_name,
        reviewed_by=author if published else None,
        reviewed_at=moment if published else None,
        published_at=moment if published else None,
    )
    session.add(version)
    session.flush()
    assert version.id is not None
    session.add_all(PracticeCountry(version_id=version.id, country_code=c) for c in row.countries)
    session.add_all(
        PracticeDimension(version_id=version.id, dimension_code=d) for d in row.dimensions
    )
    session.add_all(PracticeStep(version_id=version.id, step_code=s) for s in row.steps)
    session.flush()
    return version.id


def _move(session: Session, version_id: int, wanted: PracticeStatus, **values: object) -> None:
    """Change a version's status from `wanted`, refusing if it is not (or no longer) there."""
    version = session.get(PracticeVersion, version_id)
    if version is None:
        raise UnknownChoice(_("there is no practice version {id}").format(id=version_id))
    moved = session.execute(
        update(PracticeVersion)
        .where(col(PracticeVersion.id) == version_id, col(PracticeVersion.status) == wanted)
        .values(**values)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise WrongPracticeStatus(
            _("practice version {id} is {status}; only a {wanted} version can be changed").format(
                id=version_id, status=version.status, wanted=wanted
            )
        )


def publish(
    session: Session, version_id: int, *, user: Account | None, now: datetime | None = None
) -> PracticeRecord:
    """Publish a version waiting for review: it becomes the practice's current text."""

    def write() -> None:
        account = check(session, user, Action.REVIEW_PRACTICE)
        assert isinstance(account, Account)
        moment = now or utc_now()
        _move(
            session,
            version_id,
            PracticeStatus.PENDING,
            status=PracticeStatus.PUBLISHED,
            reviewed_by=account.name,
            reviewed_at=moment,
            published_at=moment,
        )

    write_transaction(session, write)
    return load_versions(session, ids=[version_id])[0]


def return_(
    session: Session,
    version_id: int,
    *,
    user: Account | None,
    reason: str,
    now: datetime | None = None,
) -> PracticeRecord:
    """Send a version waiting for review back to its author, with a reason it reads."""
    reason = reason.strip()

    def write() -> None:
        account = check(session, user, Action.REVIEW_PRACTICE)
        assert isinstance(account, Account)
        if not reason:
            raise NiemError(_("give a reason for returning the practice; its author reads it"))
        _move(
            session,
            version_id,
            PracticeStatus.PENDING,
            status=PracticeStatus.RETURNED,
            reviewed_by=account.name,
            reviewed_at=now or utc_now(),
            review_reason=reason,
        )

    write_transaction(session, write)
    return load_versions(session, ids=[version_id])[0]


def send_for_review(
    session: Session, version_id: int, *, user: Account | None
) -> PracticeRecord:
    """Send one's own draft to the coordinator."""

    def write() -> None:
        account = check(session, user, Action.SUBMIT_PRACTICE)
        assert isinstance(account, Account)
        version = session.get(PracticeVersion, version_id)
        if version is not None and version.submitted_by != account.name:
            raise PermissionDenied(
                _("only {author} may send this draft for review").format(
                    author=version.submitted_by
                )
            )
        _move(session, version_id, PracticeStatus.DRAFT, status=PracticeStatus.PENDING)

    write_transaction(session, write)
    return load_versions(session, ids=[version_id])[0]


def load_illustrative_practices(session: Session, settings: Settings) -> int:
    """Load the shipped illustrative practices as published versions, once."""
    already = session.exec(
        select(func.count()).select_from(PracticeVersion).where(col(PracticeVersion.illustrative))
    ).one()
    if already or not settings.illustrative_practices_file.exists():
        return 0
    path = settings.illustrative_practices_file
    context = practice_context(load_catalogue(session), [], OPERATOR, settings.upload_limits)
    checked = read_practices(path.read_bytes(), path.name, context)
    if not checked.valid:
        raise NiemError(f"{path} has problems: {'; '.join(map(str, checked.problems[:3]))}")
    moment = utc_now()
    for row in checked.rows:
        _add_version(
            session,
            row,
            status=PracticeStatus.PUBLISHED,
            author=ILLUSTRATIVE_AUTHOR,
            moment=moment,
            file_name=path.name,
            illustrative=True,
        )
    return len(checked.rows)
