"""Review: the coordinator approves or rejects submissions; a partner withdraws its own."""

import streamlit as st

from niem import revisions, ui
from niem.models import RevisionStatus

ui.require_database()
account = ui.require_account("review submissions")
catalogue = ui.catalogue()

if account.is_coordinator:
    st.title("Review submissions")
    st.write(
        "Partners' submissions wait here. Approving one publishes its values on every page; "
        "rejecting one keeps the current values and sends your reason to the partner."
    )
    pending = ui.revision_summaries(account, RevisionStatus.PENDING)
else:
    st.title("My submissions")
    st.write(
        "What you submitted and what the coordinator decided. "
        "A submission still waiting for review can be withdrawn."
    )
    mine = ui.own_submissions(account)
    if mine:
        ui.st_revisions(mine, key="mine")
    pending = [s for s in mine if s.revision.status == RevisionStatus.PENDING]
if message := st.session_state.pop("review_message", None):
    st.success(message)
if not pending:
    st.info("Nothing is waiting for review.")
    st.stop()

st.header("Waiting for review")
if account.is_coordinator:
    ui.st_revisions(pending, key="pending")
by_id = {s.revision.id: s for s in pending}
chosen = st.selectbox(
    "Revision", list(by_id), format_func=lambda i: ui.revision_label(by_id[i]), key="revision"
)
ui.st_revision_details(by_id[chosen])
st.subheader("What it changes")
changes = ui.revision_changes(chosen)
ui.st_changes(changes, catalogue, key=f"changes_{chosen}")

if account.is_coordinator:
    conflicts = revisions.conflicting(changes)
    confirmed = False
    if conflicts:
        st.warning(ui.sentence(revisions.conflicts_message(chosen, conflicts)))
        st.dataframe(
            ui.changes_table(conflicts, catalogue), hide_index=True, key=f"conflicts_{chosen}"
        )
        confirmed = st.checkbox(
            "Replace those newer values with this revision's", key=f"confirm_conflicts_{chosen}"
        )
    approving, rejecting = st.columns(2)
    with approving:
        st.subheader("Approve")
        if st.button(
            "Approve and publish",
            type="primary",
            key="approve",
            disabled=bool(conflicts) and not confirmed,
        ):
            if ui.approve_confirmed(chosen, account, confirm_conflicts=confirmed):
                st.session_state["review_message"] = (
                    f"Revision {chosen} is published: every page now shows its values."
                )
                st.rerun()
    with rejecting:
        st.subheader("Reject")
        reason = st.text_area("Why? The partner reads this.", key="reason")
        if st.button("Reject", key="reject"):
            if ui.reject(chosen, account, reason):
                st.session_state["review_message"] = f"Revision {chosen} is rejected."
                st.rerun()
elif st.button("Withdraw this submission", key="withdraw"):
    if ui.withdraw(chosen, account):
        st.session_state["review_message"] = f"Revision {chosen} is withdrawn."
        st.rerun()
