"""Feedback on a score from anyone: stored with the score, limited, read and acted on only by
the coordinator and the country's partner, and listed by `niem feedback list`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from niem import accounts, feedback
from niem.accounts import OPERATOR, Account
from niem.cli import cli
from niem.database import make_engine, open_session
from niem.errors import NiemError, PermissionDenied
from niem.models import CurrentValue, Feedback, FeedbackDecision, Revision, Score
from niem.revisions import NothingToSubmit
from tests.conftest import table_rows

# Storage: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROVIDUS = Account("providus", "partner", ("LV",))
LT_PARTNER = Account("lt-partner", "partner", ("LT",))
ANNA = Account("anna", "coordinator")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as opened:
        for name, role, countries in (
            ("providus", "partner", ["LV"]),
            ("lt-partner", "partner", ["LT"]),
            ("anna", "coordinator", []),
        ):
            accounts.add_user(opened, name, role, "a good password", countries, by=OPERATOR)
        yield opened


def send(
    session: Session,
    *,
    country: str = "LV",
    indicator: str = "BRI-I-01",
    what: str = "The law changed in 2020.",
    evidence: str = "",
    contact: str = "",
    key: str = "browser-1",
    at: datetime = T0,
) -> Feedback:
    return feedback.submit_feedback(
        session,
        round_year=2021,
        country=country,
        indicator=indicator,
        what_is_wrong=what,
        evidence=evidence,
        contact=contact,
        session_key=key,
        now=at,
    )


def test_anonymous_feedback_is_stored_with_the_score_it_concerns(session: Session) -> None:
    sent = send(
        session,
        what="  The score is too low:\n\tlanguage courses are free since 2020.  ",
        evidence="https://likumi.lv/ta/id/68490 <b>not a tag</b> [not](a link)",
        contact="anna@example.org",
    )
    current = session.get(CurrentValue, (2021, "LV", "BRI-I-01"))
    assert current is not None
    stored = session.get(Feedback, sent.id)
    assert stored is not None
    assert (stored.round_year, stored.country_code, stored.indicator_code) == (
        2021,
        "LV",
        "BRI-I-01",
    )
    assert stored.value == 22.0
    assert stored.score_id == current.score_id
    assert stored.what_is_wrong == "The score is too low:\n\tlanguage courses are free since 2020."
    assert stored.evidence == "https://likumi.lv/ta/id/68490 <b>not a tag</b> [not](a link)"
    assert stored.contact == "anna@example.org"
    assert stored.session_key == "browser-1"
    items = feedback.feedback_list(session, viewer=ANNA)
    assert [(i.feedback.id, i.status) for i in items] == [(sent.id, "open")]


def test_feedback_on_a_score_without_data_keeps_no_value(session: Session) -> None:
    empty = send(session, country="BG", indicator="LAN-I-01")
    current = session.get(CurrentValue, (2021, "BG", "LAN-I-01"))
    assert current is not None
    assert (empty.value, empty.score_id) == (None, current.score_id)
    # A statistical indicator has no score at all: there is nothing to point at.
    statistical = send(session, indicator="CIT-S-01")
    assert (statistical.value, statistical.score_id) == (None, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"what": "x" * 2001},
            "“What is wrong” is 2001 characters long; shorten it to at most 2000",
        ),
        # "ﬁ" is one character that NFKC makes two: 1,001 of them count as 2,002.
        (
            {"what": "ﬁ" * 1001},
            "“What is wrong” is 2002 characters long; shorten it to at most 2000",
        ),
        (
            {"evidence": "y" * 2500},
            "“Evidence or link” is 2500 characters long; shorten it to at most 2000",
        ),
        ({"contact": "z" * 201}, "“Contact” is 201 characters long; shorten it to at most 200"),
        ({"what": "   "}, "say what is wrong with this score; the coordinator reads it"),
        (
            {"what": "bad\x1b[2Jscore"},
            "“What is wrong” contains a control character (U+001B); remove it",
        ),
        (
            {"contact": "a@b.lv\nBcc: c@d.lv"},
            "“Contact” contains a control character (U+000A); remove it",
        ),
        ({"country": "DE"}, "DE is not in round 2021; choose a score from the page"),
        ({"indicator": "XXX-X-99"}, "there is no indicator XXX-X-99; choose a score from the page"),
        ({"key": ""}, "this browser session has no key; reload the page and send it again"),
    ],
)
def test_bad_feedback_is_refused_with_a_message_and_nothing_written(
    engine: Engine, session: Session, fields: dict[str, str], message: str
) -> None:
    before = table_rows(engine)
    with pytest.raises(NiemError) as refused:
        send(session, **fields)  # type: ignore[arg-type]
    assert str(refused.value) == message
    assert table_rows(engine) == before


def test_a_session_may_send_five_an_hour_then_is_refused(engine: Engine, session: Session) -> None:
    for minute in range(5):
        send(session, at=T0 + timedelta(minutes=minute))
    before = table_rows(engine)
    with pytest.raises(feedback.TooMuchFeedback) as refused:
        send(session, at=T0 + timedelta(minutes=10))
    assert str(refused.value) == (
        "this browser has sent 5 pieces of feedback in the last hour, the most it may; send "
        "the next one in 50 minutes"
    )
    assert table_rows(engine) == before
    # Another browser may still send, and the first may again once its oldest is an hour old.
    send(session, key="browser-2", at=T0 + timedelta(minutes=10))
    send(session, at=T0 + timedelta(minutes=60, seconds=1))
    assert len(session.exec(select(Feedback)).all()) == 7


def test_the_coordinator_reads_all_a_partner_its_countries_a_visitor_none(
    session: Session,
) -> None:
    lv = send(session)
    lt = send(session, country="LT", indicator="EDU-L-01", key="browser-2")

    def listed(viewer: Account | None) -> list[tuple[int | None, str]]:
        items = feedback.feedback_list(session, viewer=viewer)
        return [(i.feedback.id, i.feedback.country_code) for i in items]

    assert listed(ANNA) == [(lv.id, "LV"), (lt.id, "LT")]
    assert listed(PROVIDUS) == [(lv.id, "LV")]
    assert listed(LT_PARTNER) == [(lt.id, "LT")]
    with pytest.raises(PermissionDenied) as refused:
        listed(None)
    assert str(refused.value) == (
        "log in to read and answer feedback on scores; without an account you may only view "
        "scores"
    )


def test_a_partner_of_another_country_cannot_act_on_it(engine: Engine, session: Session) -> None:
    sent = send(session)
    assert sent.id is not None
    before = table_rows(engine)
    expected = (
        "this account may not read and answer feedback on scores for LV; its countries are LT"
    )
    for act in (
        lambda: feedback.answer(session, sent.id, user=LT_PARTNER, text="No."),
        lambda: feedback.dismiss(session, sent.id, user=LT_PARTNER),
    ):
        with pytest.raises(PermissionDenied) as refused:
            act()
        assert str(refused.value) == expected
    with pytest.raises(PermissionDenied) as refused:
        feedback.draft_revision(
            session, sent.id, user=LT_PARTNER, value=50, note="", source="", comment="Fix"
        )
    assert str(refused.value) == (
        "this account may not submit scores for LV; its countries are LT"
    )
    assert table_rows(engine) == before


def test_the_coordinator_answers_and_a_second_decision_is_refused(session: Session) -> None:
    sent = send(session)
    assert sent.id is not None
    decided = feedback.answer(
        session, sent.id, user=ANNA, text="Thank you; the partner checks it.", now=T0
    )
    assert (decided.status, decided.answer, decided.decided_by, decided.decided_at) == (
        "answered",
        "Thank you; the partner checks it.",
        "anna",
        T0,
    )
    with pytest.raises(feedback.AlreadyDecided) as refused:
        feedback.dismiss(session, sent.id, user=PROVIDUS)
    assert str(refused.value) == f"feedback {sent.id} is answered already (by anna)"
    assert feedback.feedback_list(session, viewer=ANNA) == []
    answered = feedback.feedback_list(session, viewer=PROVIDUS, status="answered")
    assert [(i.feedback.id, i.status) for i in answered] == [(sent.id, "answered")]
    # What the visitor sent is still there, unchanged.
    assert session.get(Feedback, sent.id) == sent


def test_an_empty_answer_is_refused(session: Session) -> None:
    sent = send(session)
    assert sent.id is not None
    with pytest.raises(NiemError) as refused:
        feedback.answer(session, sent.id, user=ANNA, text="  ")
    assert str(refused.value) == "write the answer first"


def test_the_partner_dismisses_feedback_on_its_country(session: Session) -> None:
    sent = send(session)
    assert sent.id is not None
    decided = feedback.dismiss(session, sent.id, user=PROVIDUS, reason="Already fixed in 2022.")
    assert (decided.status, decided.answer, decided.decided_by) == (
        "dismissed",
        "Already fixed in 2022.",
        "providus",
    )
    everything = feedback.feedback_list(session, viewer=OPERATOR, status="all")
    assert [i.status for i in everything] == ["dismissed"]


def test_the_partner_turns_feedback_into_a_pending_revision(session: Session) -> None:
    sent = send(session)
    assert sent.id is not None
    revision = feedback.draft_revision(
        session,
        sent.id,
        user=PROVIDUS,
        value=40,
        note="Courses free since 2020",
        source="https://likumi.lv/ta/id/68490",
        comment=f"Following feedback {sent.id}",
        now=T0,
    )
    stored = session.get(Revision, revision.id)
    assert stored is not None
    assert (stored.status, stored.kind, stored.author, stored.comment) == (
        "pending",
        "edit",
        "providus",
        f"Following feedback {sent.id}",
    )
    scores = session.exec(select(Score).where(Score.revision_id == revision.id)).all()
    assert [(s.round_year, s.country_code, s.indicator_code, s.value, s.note) for s in scores] == [
        (2021, "LV", "BRI-I-01", 40.0, "Courses free since 2020")
    ]
    decision = session.exec(select(FeedbackDecision)).one()
    assert (decision.feedback_id, decision.status, decision.revision_id) == (
        sent.id,
        "drafted",
        revision.id,
    )
    # The current value is untouched until the coordinator approves.
    current = session.get(CurrentValue, (2021, "LV", "BRI-I-01"))
    assert current is not None and current.value == 22.0


def test_a_draft_that_changes_nothing_writes_neither_revision_nor_decision(
    engine: Engine, session: Session
) -> None:
    sent = send(session)
    assert sent.id is not None
    current = session.get(CurrentValue, (2021, "LV", "BRI-I-01"))
    assert current is not None
    before = table_rows(engine)
    with pytest.raises(NothingToSubmit):
        feedback.draft_revision(
            session,
            sent.id,
            user=PROVIDUS,
            value=current.value,
            note=current.note,
            source=current.source,
            comment="No change",
        )
    assert table_rows(engine) == before


def test_the_coordinator_does_not_draft_a_revision_it_would_publish(session: Session) -> None:
    sent = send(session)
    assert sent.id is not None
    with pytest.raises(PermissionDenied) as refused:
        feedback.draft_revision(
            session, sent.id, user=ANNA, value=50, note="", source="", comment="Fix"
        )
    assert str(refused.value) == (
        "only the partner of LV turns feedback into a draft revision: a coordinator's change "
        "is published at once; answer it or ask the partner"
    )


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_niem_feedback_list_prints_a_stable_table(database_url: str) -> None:
    assert run("init")[0] == 0
    engine = make_engine(database_url)
    with open_session(engine) as session:
        accounts.add_user(session, "anna", "coordinator", "a good password", by=OPERATOR)
        first = send(session, what="Too low.\nSee the law.", evidence="https://likumi.lv/x")
        second = send(session, country="LT", indicator="EDU-L-01", contact="+370 600 00000")
        assert first.id is not None
        feedback.answer(session, first.id, user=ANNA, text="Checked: correct.", now=T0)
    engine.dispose()
    assert (first.id, second.id) == (1, 2)
    assert run("feedback", "list", "--status", "all") == (
        0,
        "id  received              round  country  indicator  value  status    what_is_wrong"
        "             evidence             contact         decided_by  answer             "
        "revision\n"
        "1   2026-03-02 09:00 UTC  2021   LV       BRI-I-01   22     answered  Too low. See "
        "the law.     https://likumi.lv/x                  anna        Checked: correct.\n"
        "2   2026-03-02 09:00 UTC  2021   LT       EDU-L-01   72     open      The law changed "
        "in 2020.                       +370 600 00000\n",
    )
    assert run("feedback", "list") == (
        0,
        "id  received              round  country  indicator  value  status  what_is_wrong"
        "             evidence  contact         decided_by  answer  revision\n"
        "2   2026-03-02 09:00 UTC  2021   LT       EDU-L-01   72     open    The law changed "
        "in 2020.            +370 600 00000\n",
    )
    # Open feedback on Latvia in 2021: none left, so only the header.
    assert run("feedback", "list", "--country", "lv", "--round", "2021")[1].count("\n") == 1
    assert run("feedback", "list", "--round", "2030") == (
        1,
        "Error: there is no round 2030; `niem round list` shows the rounds\n",
    )
    assert run("feedback", "list", "--country", "Atlantis") == (
        1,
        "Error: unknown country 'Atlantis'; use an ISO code such as LV\n",
    )
    code, output = run("feedback", "list", "--status", "closed")
    assert code == 1
    assert output.startswith("Error: Invalid value for '--status': 'closed' is not one of")


def test_two_reviewers_at_once_cannot_both_decide(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = send(session)
    assert sent.id is not None
    feedback.dismiss(session, sent.id, user=ANNA)
    before = table_rows(engine)
    # The second reviewer read the feedback as open just before the first decided.
    monkeypatch.setattr(
        feedback, "_open_feedback", lambda _session, _number, user: (sent, user)
    )
    with pytest.raises(feedback.AlreadyDecided) as refused:
        feedback.answer(session, sent.id, user=PROVIDUS, text="Checked.")
    assert str(refused.value) == f"feedback {sent.id} was handled by someone else just now"
    assert table_rows(engine) == before
