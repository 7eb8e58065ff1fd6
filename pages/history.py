"""History: every value a score has had, who set it, when and why; a revision's diff; rollback."""

import streamlit as st

from niem import ui
from niem.models import RevisionStatus

ALL = "all"

ui.require_database()
account = ui.viewer()
catalogue, rounds = ui.catalogue(), ui.rounds()
years = [r.year for r in rounds]
labels = {r.year: r.label for r in rounds}

st.title("History of scores")
st.write(
    "Every value a score has had: who set it, when and why. Nothing is ever deleted; "
    "a rollback adds a new revision that restores the earlier values."
)
if message := st.session_state.pop("history_message", None):
    st.success(message)

round_column, country_column, indicator_column = st.columns(3)
round_options = [ALL, *years]
default_round = ui.url_choice("round", round_options, years[-1], "round")
round_choice = round_column.selectbox(
    "Round",
    round_options,
    index=round_options.index(default_round),
    format_func=lambda y: "All rounds" if y == ALL else labels[y],
    key="round",
)
country_options = [ALL, *catalogue.countries]
default_country = ui.url_choice("country", country_options, ALL, "country")
country_choice = country_column.selectbox(
    "Country",
    country_options,
    index=country_options.index(default_country),
    format_func=lambda c: "All countries" if c == ALL else ui.country_label(catalogue, c),
    key="country",
)
indicator_options = [ALL, *catalogue.indicators]
default_indicator = ui.url_choice("indicator", indicator_options, ALL, "indicator")
indicator_choice = indicator_column.selectbox(
    "Indicator",
    indicator_options,
    index=indicator_options.index(default_indicator),
    format_func=lambda c: "All indicators" if c == ALL else f"{c}: {catalogue.indicators[c].title}",
    key="indicator",
)
round_year = None if round_choice == ALL else round_choice
country = None if country_choice == ALL else country_choice
indicator = None if indicator_choice == ALL else indicator_choice
ui.keep_in_url(round=round_year, country=country, indicator=indicator)

entries = ui.score_history(account, round_year=round_year, country=country, indicator=indicator)
if not entries:
    st.info("No values are recorded for these scores.")
    st.stop()
st.subheader(f"{ui.plural(len(entries), 'value')}, newest first")
ui.st_history(entries, catalogue, key="history")

st.header("One revision and what it changed")
summaries = ui.revisions_of(entries, account)
by_id = {s.revision.id: s for s in summaries}
chosen = st.selectbox(
    "Revision", list(by_id), format_func=lambda i: ui.revision_label(by_id[i]), key="revision"
)
ui.st_revision_details(by_id[chosen])
ui.st_changes(ui.revision_changes(chosen), catalogue, key=f"changes_{chosen}")

if account is not None and account.is_coordinator:
    if by_id[chosen].revision.status == RevisionStatus.PUBLISHED:
        st.subheader("Roll back")
        st.write(
            "Rolling back publishes a new revision that gives every score this revision set "
            "the value it had just before it. Nothing is deleted, and the rollback can itself "
            "be rolled back."
        )
        confirmed = st.checkbox(f"Yes, roll back revision {chosen}", key="confirm_rollback")
        if st.button("Roll back", key="rollback", disabled=not confirmed):
            if rolled_back := ui.rollback(chosen, account):
                st.session_state["history_message"] = (
                    f"Revision {rolled_back.id} rolls back revision {chosen}: "
                    "every page now shows the earlier values."
                )
                st.rerun()
