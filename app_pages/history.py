"""History: every value a score has had, who set it, when and why; a revision's diff; rollback."""

import streamlit as st

from niem.i18n import _, ngettext
from niem.models import RevisionStatus
from niem.ui import actions, data, session, urlstate
from niem.ui import partner_views as views
from niem.wording import revision_label

account = session.signed_in()
catalogue, rounds = data.catalogue(), data.rounds()

st.title(_("History of scores"))
st.write(
    _("Every value a score has had: who set it, when and why. Nothing is ever deleted; "
      "a rollback adds a new revision that restores the earlier values.")
)
if message := session.message("history"):
    st.success(message)

round_column, country_column, indicator_column = st.columns(3)
round_info = urlstate.st_round_select(round_column, rounds, everything=_("All rounds"))
country = urlstate.st_country_select(
    country_column, list(catalogue.countries), catalogue.countries, everything=_("All countries")
)
indicator = urlstate.st_url_select(
    indicator_column,
    _("Indicator"),
    list(catalogue.indicators),
    key="indicator",
    default=urlstate.EVERYTHING,
    format_func=lambda c: f"{c}: {catalogue.indicators[c].title}",
    everything=_("All indicators"),
)

entries = data.score_history(
    account,
    round_year=None if round_info is None else round_info.year,
    country=country,
    indicator=indicator,
)
if not entries:
    st.info(_("No values are recorded for these scores."))
    st.stop()
st.subheader(
    ngettext("{count} value, newest first", "{count} values, newest first", len(entries)).format(
        count=len(entries)
    )
)
if len(entries) >= data.HISTORY_ROWS:
    st.caption(
        _("Only the {count} values written most recently are listed; choose a round, a country "
          "or an indicator to see older ones.").format(count=data.HISTORY_ROWS)
    )
views.st_history(entries, catalogue, key="history")

st.header(_("One revision and what it changed"))
by_id = {s.revision.id: s for s in data.revisions_of(entries, account)}
chosen = st.selectbox(
    _("Revision"), list(by_id), format_func=lambda i: revision_label(by_id[i]), key="revision"
)
views.st_revision_details(by_id[chosen])
views.st_changes(data.revision_changes(chosen, account), catalogue, key=f"changes_{chosen}")

if account is not None and account.is_coordinator:
    if by_id[chosen].revision.status == RevisionStatus.PUBLISHED:
        st.subheader(_("Roll back"))
        st.write(
            _("Rolling back publishes a new revision that gives every score this revision set "
              "the value it had just before it. Nothing is deleted, and the rollback can itself "
              "be rolled back.")
        )
        confirmed = st.checkbox(
            _("Yes, roll back revision {revision}").format(revision=chosen), key="confirm_rollback"
        )
        if st.button(_("Roll back"), key="rollback", disabled=not confirmed) and (
            rolled_back := actions.rollback(chosen, account)
        ):
            session.rerun_with_message(
                "history",
                _("Revision {rollback} rolls back revision {revision}: every page now shows the "
                  "earlier values.").format(rollback=rolled_back.id, revision=chosen),
            )
