"""Review: the coordinator approves or rejects submissions; a partner withdraws its own."""

import streamlit as st

from niem.changes import conflicting
from niem.i18n import _, ngettext
from niem.models import RevisionStatus
from niem.ui import actions, data, feedback_views, practice_partner_views, session
from niem.ui import partner_views as views
from niem.wording import revision_label

account = session.require_account(_("review submissions"))
catalogue = data.catalogue()

if account.is_coordinator:
    st.title(_("Review submissions"))
    st.write(
        _("Partners' submissions wait here. Approving one publishes its values on every page; "
          "rejecting one keeps the current values and sends your reason to the partner.")
    )
    pending = data.revision_summaries(account, RevisionStatus.PENDING)
else:
    st.title(_("My submissions"))
    st.write(
        _("What you submitted and what the coordinator decided. "
          "A submission still waiting for review can be withdrawn.")
    )
    mine = data.revision_summaries(account, author=account.name)
    if mine:
        views.st_revisions(mine, key="mine")
    pending = [s for s in mine if s.revision.status == RevisionStatus.PENDING]
if message := session.message("review"):
    st.success(message)
practice_partner_views.st_practice_review(account)
feedback_views.st_feedback_queue(account, catalogue)
if not pending:
    st.info(_("Nothing is waiting for review."))
    st.stop()

st.header(_("Waiting for review"))
if account.is_coordinator:
    views.st_revisions(pending, key="pending")
by_id = {s.revision.id: s for s in pending}
chosen = st.selectbox(
    _("Revision"), list(by_id), format_func=lambda i: revision_label(by_id[i]), key="revision"
)
views.st_revision_details(by_id[chosen])
st.subheader(_("What it changes"))
changes = data.revision_changes(chosen, account)
views.st_changes(changes, catalogue, key=f"changes_{chosen}")
views.st_effect(data.revision_effect(chosen, account), catalogue, key=f"effect_{chosen}")

if account.is_coordinator:
    conflicts = conflicting(changes)
    confirmed = False
    if conflicts:
        views.st_conflicts(chosen, conflicts, catalogue)
        confirmed = st.checkbox(
            _("Replace those newer values with this revision's"), key=f"confirm_conflicts_{chosen}"
        )
    approving, rejecting = st.columns(2)
    with approving:
        st.subheader(_("Approve"))
        publishing = st.checkbox(
            ngettext(
                "Yes, publish this {count} value", "Yes, publish these {count} values", len(changes)
            ).format(count=len(changes)),
            key=f"confirm_publish_{chosen}",
        )
        if st.button(
            _("Approve and publish"),
            type="primary",
            key="approve",
            disabled=not publishing or (bool(conflicts) and not confirmed),
        ) and actions.approve(chosen, account, confirm_conflicts=confirmed):
            session.rerun_with_message(
                "review",
                _("Revision {revision} is published: every page now shows its values.").format(
                    revision=chosen
                ),
            )
    with rejecting:
        st.subheader(_("Reject"))
        reason = st.text_area(_("Why? The partner reads this."), key="reason")
        if st.button(_("Reject"), key="reject") and actions.reject(chosen, account, reason):
            session.rerun_with_message(
                "review", _("Revision {revision} is rejected.").format(revision=chosen)
            )
elif st.button(_("Withdraw this submission"), key="withdraw") and actions.withdraw(chosen, account):
    session.rerun_with_message(
        "review", _("Revision {revision} is withdrawn.").format(revision=chosen)
    )
