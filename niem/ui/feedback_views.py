"""Drawing feedback on scores: the visitor's "Is this right?" form under an indicator table,
and the queue where the coordinator and the partners read, answer or act on it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from niem import tables
from niem.accounts import Account
from niem.config import load_settings
from niem.feedback import CONTACT_CHARACTERS, FeedbackItem, may_draft
from niem.i18n import _, ngettext
from niem.store import Catalogue
from niem.ui import actions, session
from niem.ui.downloads import st_table

WIDE_TEXT = st.column_config.TextColumn(width="large")
NUMBER = st.column_config.NumberColumn(width="small", format="%d")


def _generation(key: str) -> int:
    return int(st.session_state.get(f"{key}_generation", 0))


def st_feedback_form(
    indicators: pd.DataFrame,
    choices: dict[str, str],
    round_year: int,
    *,
    key: str,
) -> None:
    """An "Is this right?" form for the scores of an indicator table (`choices`, as
    `tables.score_choices` lists them): anyone may say what is wrong with one, with evidence
    and a contact; it reaches the reviewers, never the page."""
    if indicators.empty:
        return
    confirmation = session.message(key)
    with st.container(key=key), st.expander(
        _("Is this right? Tell the coordinator about a score"),
        expanded=confirmation is not None,
        icon=":material/feedback:",
    ):
        if confirmation is not None:
            st.success(confirmation, icon=":material/check_circle:")
        st.caption(
            _("No account needed. What you send goes to the coordinator and to the country's "
              "partner, with the score as shown now; it is never shown on these pages.")
        )
        limit = load_settings().feedback_characters
        generation = _generation(key)
        with st.form(f"{key}_form_{generation}", border=False):
            chosen = st.selectbox(
                _("Which score?"),
                list(choices),
                format_func=choices.__getitem__,
                key=f"{key}_score_{generation}",
            )
            what = st.text_area(
                _("What is wrong? (required)"), max_chars=limit, key=f"{key}_what_{generation}"
            )
            evidence = st.text_area(
                _("Evidence or link (optional)"),
                max_chars=limit,
                key=f"{key}_evidence_{generation}",
            )
            contact = st.text_input(
                _("Your e-mail or phone, if you would like an answer (optional)"),
                max_chars=CONTACT_CHARACTERS,
                key=f"{key}_contact_{generation}",
            )
            sent = st.form_submit_button(_("Send"), type="primary", key=f"{key}_send")
        if not sent or chosen is None:
            return
        country, _colon, code = chosen.partition(":")
        stored = actions.send_feedback(round_year, country, code, what, evidence, contact)
        if stored is not None:
            name = indicators.loc[indicators["country"] == country, "country name"].iloc[0]
            st.session_state[f"{key}_generation"] = generation + 1
            session.rerun_with_message(
                key,
                _("Thank you. Your feedback on {code} ({country}, {year}) has reached the "
                  "coordinator. It is not shown publicly.").format(
                    code=code, country=name, year=round_year
                ),
            )


def st_feedback_queue(account: Account, catalogue: Catalogue) -> None:
    """The open feedback this account may read, with answer, dismiss and (a partner of the
    country) turn into a draft revision; below, what became of the rest."""
    every = actions.every_feedback(account)
    if every is None:
        return
    items = [item for item in every if item.decision is None]
    st.header(_("Feedback on scores"))
    st.write(
        _("What visitors said with “Is this right?” on the country profile and policy areas. "
          "It is not shown publicly. Answer it, dismiss it, or, as the country's partner, "
          "turn it into a draft revision.")
    )
    if message := session.message("feedback_queue"):
        st.success(message)
    if items:
        _st_open_feedback(account, items, catalogue)
    else:
        st.info(_("No open feedback."))
    decided = [item for item in every if item.decision is not None]
    if decided:
        with st.expander(
            ngettext(
                "{count} answered, dismissed or drafted", "{count} answered, dismissed or drafted",
                len(decided),
            ).format(count=len(decided))
        ):
            st_table(
                tables.decided_feedback_table(decided, catalogue),
                "feedback_decided",
                column_config={
                    _("No."): NUMBER,
                    _("What is wrong"): WIDE_TEXT,
                    _("Answer or reason"): WIDE_TEXT,
                },
                download=False,
            )


def _st_open_feedback(
    account: Account, items: list[FeedbackItem], catalogue: Catalogue
) -> None:
    st.caption(
        ngettext("{count} open piece of feedback.", "{count} open pieces of feedback.",
                 len(items)).format(count=len(items))
    )
    st_table(
        tables.feedback_table(items, catalogue),
        "feedback_queue",
        column_config={
            _("No."): NUMBER,
            _("What is wrong"): WIDE_TEXT,
            _("Evidence or link"): WIDE_TEXT,
        },
        download=False,
    )
    by_id = {item.feedback.id: item for item in items}
    chosen = st.selectbox(
        _("Feedback"),
        list(by_id),
        format_func=lambda i: _feedback_label(by_id[i]),
        key="feedback_chosen",
    )
    if chosen is not None:
        _st_feedback_actions(account, by_id[chosen])


def _feedback_label(item: FeedbackItem) -> str:
    sent = item.feedback
    return _("{number}: {year} {country} {code}").format(
        number=sent.id, year=sent.round_year, country=sent.country_code, code=sent.indicator_code
    )


def _st_feedback_actions(account: Account, item: FeedbackItem) -> None:
    number = item.feedback.id
    assert number is not None
    answering, dismissing = st.columns(2)
    with answering:
        text = st.text_area(
            _("Answer (kept with the feedback; write to the contact yourself if one is given)"),
            key=f"feedback_answer_{number}",
        )
        if st.button(_("Save the answer"), key=f"feedback_answer_button_{number}") and (
            actions.answer_feedback(account, number, text)
        ):
            session.rerun_with_message(
                "feedback_queue", _("Feedback {number} is answered.").format(number=number)
            )
    with dismissing:
        reason = st.text_area(_("Why dismiss it? (optional)"), key=f"feedback_reason_{number}")
        if st.button(_("Dismiss"), key=f"feedback_dismiss_{number}") and (
            actions.dismiss_feedback(account, number, reason)
        ):
            session.rerun_with_message(
                "feedback_queue", _("Feedback {number} is dismissed.").format(number=number)
            )
    if may_draft(account, item.feedback.country_code):
        _st_draft_form(account, item)


def _st_draft_form(account: Account, item: FeedbackItem) -> None:
    number = item.feedback.id
    assert number is not None
    current = item.current
    st.subheader(_("Turn it into a draft revision"))
    st.caption(
        _("The new value waits for the coordinator's review like any submission; the "
          "feedback then names the revision.")
    )
    with st.form(f"feedback_draft_{number}", border=False):
        value = st.number_input(
            _("New score (0–100; empty = no data)"),
            min_value=0.0,
            max_value=100.0,
            value=current.value if current else None,
            key=f"feedback_draft_value_{number}",
        )
        note = st.text_area(
            _("Note"), value=current.note if current else "", key=f"feedback_draft_note_{number}"
        )
        source = st.text_input(
            _("Source"),
            value=current.source if current else "",
            key=f"feedback_draft_source_{number}",
        )
        comment = st.text_area(
            _("Why does the score change? The coordinator reads this."),
            value=_("Following feedback {number}").format(number=number),
            key=f"feedback_draft_comment_{number}",
        )
        drafted = st.form_submit_button(
            _("Create the draft revision"), type="primary", key=f"feedback_draft_button_{number}"
        )
    if not drafted:
        return
    revision = actions.draft_from_feedback(
        account, number, value=value, note=note, source=source, comment=comment
    )
    if revision is not None:
        session.rerun_with_message(
            "feedback_queue",
            _("Feedback {number} is now revision {revision}, waiting for review.").format(
                number=number, revision=revision.id
            ),
        )
