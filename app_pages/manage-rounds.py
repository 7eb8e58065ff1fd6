"""Manage rounds: the coordinator opens a round (empty, or carried over) and adds countries."""

from dataclasses import replace

import streamlit as st

from niem import rounds, tables
from niem.i18n import _
from niem.ui import actions, data, session
from niem.wording import country_label

account = session.require_account(_("manage rounds"))
catalogue, known = data.catalogue(), data.rounds()

st.title(_("Manage rounds"))
if not account.is_coordinator:
    st.info(_("Only a coordinator can open rounds and add countries to them."))
    st.stop()
if message := session.message("manage_rounds"):
    st.success(message)

summaries = actions.attempt(rounds.round_summaries)
if summaries is None:
    st.stop()
# The rounds as the reader's language names them (the summaries carry the stored names).
named = {r.year: r for r in known}
summaries = [replace(s, round=named.get(s.round.year, s.round)) for s in summaries]
st.dataframe(
    tables.round_summaries_table(summaries), hide_index=True, key="rounds_table"
)

st.header(_("Open a round"))
with st.form("add_round"):
    year_column, label_column, situation_column = st.columns(3)
    year = year_column.number_input(
        _("Year"),
        min_value=rounds.FIRST_YEAR,
        max_value=rounds.LAST_YEAR,
        value=max((r.year for r in known), default=2023) + 2,
        step=1,
        key="round_year",
    )
    label = label_column.text_input(_("Label, e.g. Evaluation 3"), key="round_label")
    situation = situation_column.text_input(
        _("Situation on (the date the evaluation describes)"), key="round_situation"
    )
    countries = st.multiselect(
        _("Countries (any European country can join)"),
        list(catalogue.countries),
        format_func=lambda c: country_label(catalogue.countries, c),
        placeholder=_("Choose countries"),
        key="round_countries",
    )
    carry_over = st.checkbox(
        _(
            "Start from the previous round's current values (each is marked carried over "
            "until a partner sends a new one)"
        ),
        key="round_carry_over",
    )
    opening = st.form_submit_button(_("Open the round"), type="primary", key="add_round_button")
if opening and (
    opened := actions.add_round(
        account, int(year), label, situation, countries, carry_over=carry_over
    )
):
    session.rerun_with_message(
        "manage_rounds", _("Round {year} is open.").format(year=opened.year)
    )

st.header(_("Add a country to a round"))
if known:
    by_year = {r.year: r for r in known}
    round_column, country_column = st.columns(2)
    chosen = round_column.selectbox(
        _("Round"),
        list(reversed(by_year)),
        format_func=lambda y: (
            by_year[y].label if str(y) in by_year[y].label else f"{by_year[y].label} ({y})"
        ),
        key="country_round",
    )
    joining = country_column.selectbox(
        _("Country"),
        [c for c in catalogue.countries if c not in by_year[chosen].countries],
        index=None,
        placeholder=_("Choose a country"),
        format_func=lambda c: country_label(catalogue.countries, c),
        key="round_country",
    )
    if joining is not None and st.button(_("Add the country"), key="add_round_country") and (
        changed := actions.add_round_country(account, chosen, joining)
    ):
        session.rerun_with_message(
            "manage_rounds",
            _("{country} is in round {year} now; its scores start empty.").format(
                country=catalogue.countries.get(joining, joining), year=changed.year
            ),
        )
