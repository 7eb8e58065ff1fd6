"""Feedback on the pages (AppTest): anyone sends "Is this right?" from the country profile or
the policy areas; the coordinator and the country's partner find it on the review page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from niem import feedback
from niem.database import open_session
from niem.models import Feedback, FeedbackDecision, Revision
from tests.conftest import table_rows
from tests.test_partner_pages import _database, _use, open_page, table, texts


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A database of its own with the partner pages' accounts, for a test that writes."""
    url, engine = _database(tmp_path)
    _use(url, monkeypatch)
    yield engine


def _send(engine: Engine, country: str = "LV", indicator: str = "BRI-I-01") -> int:
    with open_session(engine) as session:
        sent = feedback.submit_feedback(
            session,
            round_year=2021,
            country=country,
            indicator=indicator,
            what_is_wrong="**Not bold**: the law changed <script>alert(1)</script>",
            evidence="[a link](https://example.org)",
            contact="reader@example.org",
            session_key="test",
        )
    assert sent.id is not None
    return sent.id


def _stored(engine: Engine) -> list[tuple[int, str, str, float | None, str, str, str]]:
    with open_session(engine) as session:
        return [
            (
                f.round_year,
                f.country_code,
                f.indicator_code,
                f.value,
                f.what_is_wrong,
                f.evidence,
                f.contact,
            )
            for f in session.exec(select(Feedback)).all()
        ]


def test_a_visitor_sends_feedback_from_the_country_profile(
    fresh: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_page("app_pages/country.py", round="2021", country="LV")
    assert not app.exception
    assert app.expander[-1].label == "Is this right? Tell the coordinator about a score"
    chooser = app.selectbox(key="profile_feedback_score_0")
    assert chooser.value == "LV:MAI-L-01"
    assert "BRI-I-01 (22): Participation of refugees in local public life" in chooser.options
    chooser.set_value("LV:BRI-I-02")
    app.text_area(key="profile_feedback_what_0").input("Language courses are free since 2020.")
    app.text_area(key="profile_feedback_evidence_0").input("https://likumi.lv/ta/id/68490")
    app.button(key="profile_feedback_send").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == [
        "Thank you. Your feedback on BRI-I-02 (Latvia, 2021) has reached the coordinator. It "
        "is not shown publicly."
    ]
    # The form starts again empty.
    assert app.text_area(key="profile_feedback_what_1").value == ""
    assert _stored(fresh) == [
        (
            2021,
            "LV",
            "BRI-I-02",
            25.0,
            "Language courses are free since 2020.",
            "https://likumi.lv/ta/id/68490",
            "",
        )
    ]


def test_the_page_refuses_too_much_feedback_and_keeps_what_was_typed(
    fresh: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIEM_FEEDBACK_PER_HOUR", "1")
    app = open_page("app_pages/country.py", round="2021", country="LV")
    app.text_area(key="profile_feedback_what_0").input("First.")
    app.button(key="profile_feedback_send").click().run()
    app.text_area(key="profile_feedback_what_1").input("Second.")
    app.button(key="profile_feedback_send").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "This browser has sent 1 piece of feedback in the last hour, the most it may; send the "
        "next one in 60 minutes."
    ]
    assert app.text_area(key="profile_feedback_what_1").value == "Second."
    assert [row[4] for row in _stored(fresh)] == ["First."]


def test_an_empty_feedback_is_refused_and_nothing_stored(fresh: Engine) -> None:
    before = table_rows(fresh)
    app = open_page("app_pages/country.py", round="2021", country="LV")
    app.button(key="profile_feedback_send").click().run()
    assert [e.value for e in app.error] == [
        "Say what is wrong with this score; the coordinator reads it."
    ]
    assert table_rows(fresh) == before


def test_a_visitor_sends_feedback_from_the_policy_areas(fresh: Engine) -> None:
    app = open_page("app_pages/policy-areas.py", round="2021", country="LT")
    assert not app.exception
    chooser = app.selectbox(key="policy_feedback_score_0")
    # The chosen country's scores come first.
    assert chooser.value == "LT:FAM-L-01"
    assert chooser.options[0].startswith("Lithuania · FAM-L-01 (")
    chooser.set_value("LT:FAM-L-01")
    app.text_area(key="policy_feedback_what_0").input("Reunification takes two years now.")
    app.text_input(key="policy_feedback_contact_0").input("ngo@example.lt")
    app.button(key="policy_feedback_send").click().run()
    assert not app.exception
    assert len(app.success) == 1
    assert [(row[1], row[2], row[6]) for row in _stored(fresh)] == [
        ("LT", "FAM-L-01", "ngo@example.lt")
    ]


def test_the_coordinator_reads_the_queue_as_plain_text_and_answers(fresh: Engine) -> None:
    number = _send(fresh)
    app = open_page("app_pages/review.py", user="anna")
    assert not app.exception
    assert "Feedback on scores" in texts(app)
    queue = table(app, "What is wrong")
    assert queue.to_dict("records") == [
        {
            "No.": number,
            "Received": queue["Received"][0],
            "Round": 2021,
            "Country": "Latvia",
            "Indicator": "BRI-I-01",
            "Value shown": "22",
            "What is wrong": "**Not bold**: the law changed <script>alert(1)</script>",
            "Evidence or link": "[a link](https://example.org)",
            "Contact": "reader@example.org",
        }
    ]
    # The coordinator answers and dismisses, but a draft revision is the partner's.
    assert f"feedback_draft_button_{number}" not in {b.key for b in app.button}
    app.text_area(key=f"feedback_answer_{number}").input("Thank you; Providus checks it.")
    app.button(key=f"feedback_answer_button_{number}").click().run()
    assert not app.exception
    assert f"Feedback {number} is answered." in [s.value for s in app.success]
    assert "No open feedback." in texts(app)
    assert app.expander[-1].label == "1 answered, dismissed or drafted"
    decided = table(app, "Answer or reason")
    assert decided.drop(columns=["Received", "When"]).to_dict("records") == [
        {
            "No.": number,
            "Round": 2021,
            "Country": "Latvia",
            "Indicator": "BRI-I-01",
            "Value shown": "22",
            "What is wrong": "**Not bold**: the law changed <script>alert(1)</script>",
            "Status": "answered",
            "By": "anna",
            "Answer or reason": "Thank you; Providus checks it.",
            "Revision": "",
        }
    ]
    with open_session(fresh) as session:
        decision = session.exec(select(FeedbackDecision)).one()
    assert (decision.status, decision.answer, decision.decided_by) == (
        "answered",
        "Thank you; Providus checks it.",
        "anna",
    )


def test_a_partner_of_another_country_sees_none_of_it(fresh: Engine) -> None:
    _send(fresh)
    app = open_page("app_pages/review.py", user="lt-partner")
    assert not app.exception
    assert "No open feedback." in texts(app)
    assert not any("What is wrong" in d.value.columns for d in app.dataframe)


def test_a_visitor_has_no_queue(fresh: Engine) -> None:
    _send(fresh)
    app = open_page("app_pages/review.py")
    assert not app.exception
    assert "Feedback on scores" not in texts(app)


def test_the_partner_turns_feedback_into_a_draft_revision(fresh: Engine) -> None:
    number = _send(fresh)
    app = open_page("app_pages/review.py", user="providus")
    assert not app.exception
    assert app.number_input(key=f"feedback_draft_value_{number}").value == 22.0
    app.number_input(key=f"feedback_draft_value_{number}").set_value(35.0)
    app.button(key=f"feedback_draft_button_{number}").click().run()
    assert not app.exception
    with open_session(fresh) as session:
        revision = session.exec(select(Revision).order_by(Revision.id.desc())).first()  # type: ignore[union-attr]
        decision = session.exec(select(FeedbackDecision)).one()
    assert revision is not None
    assert (revision.status, revision.author, revision.comment) == (
        "pending",
        "providus",
        f"Following feedback {number}",
    )
    assert (decision.status, decision.revision_id) == ("drafted", revision.id)
    assert (
        f"Feedback {number} is now revision {revision.id}, waiting for review."
        in [s.value for s in app.success]
    )
    assert table(app, "Answer or reason")["Revision"].tolist() == [str(revision.id)]


@pytest.mark.parametrize("demo", [True, False])
def test_the_pages_with_feedback_open_on_shipped_and_nearly_empty_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: bool
) -> None:
    url, engine = _database(tmp_path, demo=demo)
    _use(url, monkeypatch)
    _send(engine)
    for page in ("app_pages/country.py", "app_pages/policy-areas.py"):
        assert not open_page(page, round="2021", country="LV").exception, page
    assert not open_page("app_pages/review.py", user="anna").exception
