"""Submit scores: get the template, send it back filled in (or edit a table), check, submit."""

import math

import streamlit as st

from niem.accounts import submittable
from niem.config import MB
from niem.i18n import _, ngettext
from niem.models import RevisionKind
from niem.templates import template_as_upload
from niem.ui import actions, data, session, urlstate
from niem.ui import partner_views as views
from niem.wording import limits_text, submitted_text

account = session.require_account(_("submit scores"))
catalogue, rounds = data.catalogue(), data.rounds()

st.title(_("Submit scores"))
if account.is_coordinator:
    st.write(_("As coordinator, what you submit is published at once and shown on every page."))
else:
    st.write(
        _("What you submit goes to the coordinator for review. "
          "Nobody else sees the new values until the coordinator approves them.")
    )
if message := session.message("submitted"):
    st.success(message)
    if account.is_coordinator:
        st.page_link(
            "app_pages/history.py", label=_("See it in the history"), icon=":material/history:"
        )
    else:
        st.page_link(
            "app_pages/review.py", label=_("See my submissions"), icon=":material/fact_check:"
        )
    st.button(_("Submit more scores"), key="submit_more", type="primary")
    st.stop()

left, right = st.columns(2)
round_info = urlstate.st_round_select(left, rounds)
countries = submittable(account, round_info.countries)
if not countries:
    st.info(
        _("None of your countries took part in {round}; choose another round.").format(
            round=round_info.label
        )
    )
    st.stop()
country = urlstate.st_country_select(right, countries, catalogue.countries)
template = data.template(round_info.year, country)

st.header(_("1. Get the template"))
st.write(
    _("One row for each scored indicator of {country} in {round}, with the current score, note "
      "and source, and the indicator's title to guide you. Change what needs changing and leave "
      "the rest as it is. Scores go from 0 to 100; leave a score empty when there is no data.")
    .format(country=catalogue.countries[country], round=round_info.label)
)
views.st_template_downloads(template, round_info.year, country)

st.header(_("2. Send your scores"))
method = st.radio(
    _("How would you like to send them?"),
    ["file", "table"],
    format_func={
        "file": _("Upload the filled-in file"),
        "table": _("Edit a few scores here"),
    }.__getitem__,
    horizontal=True,
    key="method",
)
file_id = None
if method == "file":
    limits = data.upload_limits()
    uploaded = st.file_uploader(
        _("Your filled-in template, as Excel (.xlsx) or CSV"),
        key="upload",
        max_upload_size=math.ceil(limits.bytes / MB),
    )
    st.caption(limits_text(limits))
    if uploaded is None:
        st.stop()
    data_bytes, file_name, kind = uploaded.getvalue(), uploaded.name, RevisionKind.UPLOAD
    file_id = uploaded.file_id
    if session.already_submitted(file_id):
        st.info(_("You have already submitted this file. To send corrections, upload a new file."))
        st.stop()
else:
    st.caption(
        _("Edit the score, note or source of any row. Your edits take the same checks and the "
          "same review as an uploaded file.")
    )
    editor = f"editor_{round_info.year}_{country}_{session.editor_generation()}"
    edited = views.st_template_editor(template, key=editor)
    data_bytes, file_name, kind = template_as_upload(edited), _("the table"), RevisionKind.EDIT

st.header(_("3. Check"))
result = data.check_upload(data_bytes, file_name, account)
views.st_report(result, key="problems")
if not result.valid:
    st.stop()
preview = data.preview(result.rows)
st.subheader(_("What would change"))
views.st_preview(preview, catalogue, key="preview")
if not preview.changes:
    st.info(_("Every value equals the current one, so there is nothing to submit."))
    st.stop()
confirmed = False
if preview.conflicts:
    st.warning(
        ngettext(
            "{count} score in your file changed after your template was made (marked in the "
            "table): someone else's newer value would be replaced by yours. Download a fresh "
            "template to see the newer values, or confirm below.",
            "{count} scores in your file changed after your template was made (marked in the "
            "table): someone else's newer values would be replaced by yours. Download a fresh "
            "template to see the newer values, or confirm below.",
            len(preview.conflicts),
        ).format(count=len(preview.conflicts))
    )
    confirmed = st.checkbox(_("Replace those newer values with mine"), key="confirm_conflicts")

st.header(_("4. Submit"))
comment = st.text_area(
    _("Why do these scores change? The coordinator reads this, and it stays in the history."),
    key="comment",
)
uploading = kind == RevisionKind.UPLOAD
if st.button(
    _("Publish") if account.is_coordinator else _("Submit for review"),
    type="primary",
    key="submit",
    disabled=bool(preview.conflicts) and not confirmed,
) and (
    revision := actions.submit_scores(
        result.rows,
        account=account,
        comment=comment,
        kind=kind,
        file_name=file_name if uploading else None,
        file_bytes=data_bytes if uploading else None,
        confirm_conflicts=confirmed,
        preview=preview,
    )
):
    session.remember_submission(kind, file_id)
    session.rerun_with_message("submitted", submitted_text(revision))
