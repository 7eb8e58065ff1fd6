"""Practices in the store: search ranking, filters, versions, review and who may do what.

Every test here runs on SQLite (FTS5) and on PostgreSQL (its own text search).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from niem import practices
from niem.accounts import Account
from niem.database import open_session
from niem.errors import NiemError, PermissionDenied
from niem.practice_import import PracticeRow
from niem.practices import PracticeFilters, WrongPracticeStatus
from tests.conftest import add_people, table_rows

pytestmark = pytest.mark.both_databases

PASSWORD = "correct horse"


def practice(
    title: str,
    summary: str,
    *,
    countries: tuple[str, ...] = ("LV",),
    dimensions: tuple[str, ...] = ("language_learning",),
    steps: tuple[str, ...] = ("implementation",),
    organisation: str = "A city",
    years: tuple[int, int | None] = (2019, None),
    practice_id: int | None = None,
    link: str = "",
) -> PracticeRow:
    return PracticeRow(
        row=None,
        practice_id=practice_id,
        title=title,
        organisation=organisation,
        countries=countries,
        dimensions=dimensions,
        steps=steps,
        year_from=years[0],
        year_to=years[1],
        summary=summary,
        link=link,
    )


@pytest.fixture
def session(empty_engine: Engine) -> Iterator[Session]:
    with open_session(empty_engine) as opened:
        yield opened


@pytest.fixture
def people(session: Session) -> dict[str, Account]:
    return add_people(session, PASSWORD)


@pytest.fixture
def four(session: Session, people: dict[str, Account]) -> None:
    """Four published practices, three of which speak of language, in different places."""
    practices.submit(
        session,
        [
            practice("Housing guarantee for landlords", "The city guarantees the rent."),
            practice("Job coaching", "Coaching with some language support at work."),
            practice(
                "Evening café for conversation in the local language",
                "Meetings in the library.",
            ),
            practice("Language courses", "Free language courses at every language level."),
        ],
        user=people["coord"],
    )


def titles(found: list[practices.PracticeRecord]) -> list[str]:
    return [p.title for p in found]


def test_a_search_ranks_title_matches_first_and_more_matches_higher(
    session: Session, four: None
) -> None:
    assert titles(practices.search_practices(session, "language")) == [
        "Language courses",
        "Evening café for conversation in the local language",
        "Job coaching",
    ]


def test_every_word_of_a_search_must_match(session: Session, four: None) -> None:
    assert titles(practices.search_practices(session, "coaching language")) == ["Job coaching"]
    assert titles(practices.search_practices(session, "language guarantee")) == []


def test_a_search_finds_other_forms_of_a_word(session: Session, four: None) -> None:
    assert titles(practices.search_practices(session, "guaranteed landlord")) == [
        "Housing guarantee for landlords"
    ]


def test_search_syntax_and_punctuation_are_read_as_plain_words(
    session: Session, four: None
) -> None:
    assert titles(practices.search_practices(session, 'café" *')) == [
        "Evening café for conversation in the local language"
    ]
    assert titles(practices.search_practices(session, '" * ( ) :')) == []


def test_without_words_every_practice_is_listed_by_title(session: Session, four: None) -> None:
    assert titles(practices.search_practices(session, "  ")) == [
        "Evening café for conversation in the local language",
        "Housing guarantee for landlords",
        "Job coaching",
        "Language courses",
    ]


def test_the_shipped_practices_are_published_illustrative_and_filterable(
    engine: Engine,
) -> None:
    with open_session(engine) as session:
        shipped = practices.current_practices(session)
        assert len(shipped) == 31
        assert all(p.illustrative and p.status == "published" for p in shipped)

        def search(text: str = "", **filters: object) -> list[str]:
            chosen = PracticeFilters(
                **filters, dimension_area={"housing": "socio_economic"}  # type: ignore[arg-type]
            )
            return titles(practices.search_practices(session, text, chosen))

        assert search(country="LV") == [
            "Free language courses up to level B1",
            "Homework clubs run by volunteers",
            "One-stop integration desk in the city hall",
            "Residence permit renewal reminders",
        ]
        assert search(country="LV", year=2019) == [
            "Free language courses up to level B1",
            "One-stop integration desk in the city hall",
        ]
        assert search(area="socio_economic", step="legal") == ["Housing benefit on equal terms"]
        assert search("language", dimension="language_learning", country="LT") == [
            "Free language courses up to level B1"
        ]


def test_an_edit_is_a_new_version_that_replaces_the_text_only_when_published(
    session: Session, people: dict[str, Account]
) -> None:
    (first,) = practices.submit(
        session, [practice("Language café", "Weekly meetings.")], user=people["lv"]
    )
    assert first.status == "pending"
    assert practices.current_practices(session) == []
    practices.publish(session, first.id, user=people["coord"])
    edit = practice(
        "Language café and club", "Weekly meetings and outings.", practice_id=first.practice_id
    )
    (second,) = practices.submit(session, [edit], user=people["lv"])
    assert (second.practice_id, second.version, second.status) == (first.practice_id, 2, "pending")
    assert titles(practices.current_practices(session)) == ["Language café"]
    practices.publish(session, second.id, user=people["coord"])
    (current,) = practices.current_practices(session)
    assert (current.title, current.version, current.published_by) == (
        "Language café and club",
        2,
        "coord",
    )
    assert titles(practices.search_practices(session, "outings")) == ["Language café and club"]
    assert titles(practices.search_practices(session, "café")) == ["Language café and club"]
    kept = practices.load_versions(session)
    assert [(v.version, v.title, v.status) for v in kept] == [
        (1, "Language café", "published"),
        (2, "Language café and club", "published"),
    ]


def test_a_partner_may_not_submit_for_another_country_and_nothing_is_written(
    session: Session, empty_engine: Engine, people: dict[str, Account]
) -> None:
    before = table_rows(empty_engine)
    with pytest.raises(PermissionDenied) as refused:
        practices.submit(
            session,
            [practice("Fine", "Text."), practice("Job fair", "Text.", countries=("LV", "LT"))],
            user=people["lt"],
        )
    assert str(refused.value) == (
        "this account may not submit practices for LV; its countries are LT"
    )
    assert table_rows(empty_engine) == before


def test_a_partner_may_not_add_a_version_to_another_countrys_practice(
    session: Session, empty_engine: Engine, people: dict[str, Account]
) -> None:
    (latvian,) = practices.submit(session, [practice("Language café", "Text.")], user=people["lv"])
    before = table_rows(empty_engine)
    edit = practice("Taken over", "Text.", countries=("LT",), practice_id=latvian.practice_id)
    with pytest.raises(PermissionDenied) as refused:
        practices.submit(session, [edit], user=people["lt"])
    assert str(refused.value) == (
        "this account may not submit practices for LV; its countries are LT"
    )
    assert table_rows(empty_engine) == before


def test_only_the_coordinator_publishes_or_returns(
    session: Session, people: dict[str, Account]
) -> None:
    (pending,) = practices.submit(session, [practice("Language café", "Text.")], user=people["lv"])
    for who in ("lv", "lt"):
        with pytest.raises(PermissionDenied) as refused:
            practices.publish(session, pending.id, user=people[who])
        assert str(refused.value) == "only a coordinator may publish or return practices"
    with pytest.raises(PermissionDenied) as viewer:
        practices.return_(session, pending.id, user=None, reason="no")
    assert str(viewer.value) == (
        "log in to publish or return practices; without an account you may only view scores"
    )
    with pytest.raises(NiemError) as no_reason:
        practices.return_(session, pending.id, user=people["coord"], reason="  ")
    assert str(no_reason.value) == "give a reason for returning the practice; its author reads it"
    returned = practices.return_(
        session, pending.id, user=people["coord"], reason="Add evidence of results."
    )
    assert (returned.status, returned.review_reason) == ("returned", "Add evidence of results.")
    with pytest.raises(WrongPracticeStatus) as again:
        practices.publish(session, pending.id, user=people["coord"])
    assert str(again.value) == (
        f"practice version {pending.id} is returned; only a pending version can be changed"
    )


def test_a_draft_waits_until_its_author_sends_it(
    session: Session, people: dict[str, Account]
) -> None:
    (draft,) = practices.submit(
        session, [practice("Language café", "Text.")], user=people["lv"], draft=True
    )
    assert draft.status == "draft"
    with pytest.raises(PermissionDenied) as refused:
        practices.send_for_review(session, draft.id, user=people["coord"])
    assert str(refused.value) == "only lv may send this draft for review"
    sent = practices.send_for_review(session, draft.id, user=people["lv"])
    assert sent.status == "pending"
    assert [v.title for v in practices.versions_for(session, people["lt"])] == []
    waiting = practices.versions_for(session, people["coord"], status="pending")
    assert [v.title for v in waiting] == ["Language café"]


def test_rows_that_bypass_the_file_check_are_refused(
    session: Session, people: dict[str, Account]
) -> None:
    with pytest.raises(NiemError) as refused:
        practices.submit(
            session, [practice("Café", "Text.", link="javascript:alert(1)")], user=people["coord"]
        )
    assert str(refused.value) == "the practice: links must start with https:// or http://"
    with pytest.raises(NiemError) as unknown:
        practices.submit(
            session, [practice("Café", "Text.", dimensions=("cooking",))], user=people["coord"]
        )
    assert str(unknown.value) == "the practice: unknown dimension cooking"
