"""Submit scores: get the template, send it back filled in (or edit a table), check, submit."""

import streamlit as st

from niem import ui
from niem.models import RevisionKind

ui.require_database()
account = ui.require_account("submit scores")
catalogue, rounds = ui.catalogue(), ui.rounds()
years = [r.year for r in rounds]
labels = {r.year: r.label for r in rounds}

st.title("Submit scores")
if account.is_coordinator:
    st.write("As coordinator, what you submit is published at once and shown on every page.")
else:
    st.write(
        "What you submit goes to the coordinator for review. "
        "Nobody else sees the new values until the coordinator approves them."
    )
if message := st.session_state.pop("submitted_message", None):
    st.success(message)
    if account.is_coordinator:
        st.page_link("pages/history.py", label="See it in the history", icon=":material/history:")
    else:
        st.page_link("pages/review.py", label="See my submissions", icon=":material/fact_check:")
    st.button("Submit more scores", key="submit_more", type="primary")
    st.stop()

left, right = st.columns(2)
default_year = ui.url_choice("round", years, years[-1], "round")
year = left.selectbox(
    "Round", years, index=years.index(default_year), format_func=labels.get, key="round"
)
round_info = next(r for r in rounds if r.year == year)
countries = ui.submittable_countries(account, round_info)
if not countries:
    st.info(f"None of your countries took part in {labels[year]}; choose another round.")
    st.stop()
default_country = ui.url_choice("country", countries, countries[0], "country")
country = right.selectbox(
    "Country",
    countries,
    index=countries.index(default_country),
    format_func=lambda c: ui.country_label(catalogue, c),
    key="country",
)
ui.keep_in_url(round=year, country=country)
template = ui.template(year, country)

st.header("1. Get the template")
st.write(
    f"One row for each scored indicator of {catalogue.countries[country]} in {labels[year]}, "
    "with the current score, note and source, and the indicator's title to guide you. "
    "Change what needs changing and leave the rest as it is. "
    "Scores go from 0 to 100; leave a score empty when there is no data."
)
ui.st_template_downloads(template, year, country)

st.header("2. Send your scores")
method = st.radio(
    "How would you like to send them?",
    ["file", "table"],
    format_func={"file": "Upload the filled-in file", "table": "Edit a few scores here"}.get,
    horizontal=True,
    key="method",
)
if method == "file":
    uploaded = st.file_uploader("Your filled-in template, as Excel (.xlsx) or CSV", key="upload")
    if uploaded is None:
        st.stop()
    data, file_name, kind = uploaded.getvalue(), uploaded.name, RevisionKind.UPLOAD
    if uploaded.file_id in st.session_state.get("submitted_files", ()):
        st.info("You have already submitted this file. To send corrections, upload a new file.")
        st.stop()
else:
    st.caption(
        "Edit the score, note or source of any row. Your edits take the same checks and the same "
        "review as an uploaded file."
    )
    generation = st.session_state.get("editor_generation", 0)
    edited = ui.st_template_editor(template, key=f"editor_{year}_{country}_{generation}")
    data, file_name, kind = ui.table_as_upload(edited), "the table", RevisionKind.EDIT

st.header("3. Check")
result = ui.check_upload(data, file_name, account)
ui.st_report(result, key="problems")
if not result.valid:
    st.stop()
preview = ui.preview(result.rows)
st.subheader("What would change")
ui.st_preview(preview, catalogue, key="preview")
if not preview.changes:
    st.info("Every value equals the current one, so there is nothing to submit.")
    st.stop()
confirmed = False
if preview.conflicts:
    st.warning(
        f"{ui.plural(len(preview.conflicts), 'score')} in your file changed after your template "
        "was made (marked in the table): someone else's newer value would be replaced by yours. "
        "Download a fresh template to see the newer values, or confirm below."
    )
    confirmed = st.checkbox("Replace those newer values with mine", key="confirm_conflicts")

st.header("4. Submit")
comment = st.text_area(
    "Why do these scores change? The coordinator reads this, and it stays in the history.",
    key="comment",
)
if st.button(
    "Publish" if account.is_coordinator else "Submit for review",
    type="primary",
    key="submit",
    disabled=bool(preview.conflicts) and not confirmed,
):
    revision = ui.submit_scores(
        result.rows,
        account=account,
        comment=comment,
        kind=kind,
        file_name=file_name if kind == RevisionKind.UPLOAD else None,
        file_bytes=data if kind == RevisionKind.UPLOAD else None,
        confirm_conflicts=confirmed,
    )
    if revision is not None:
        # Remember what was sent, so the same scores are not submitted twice by accident.
        if kind == RevisionKind.UPLOAD:
            st.session_state.setdefault("submitted_files", set()).add(uploaded.file_id)
        else:
            st.session_state["editor_generation"] = generation + 1
        st.session_state["submitted_message"] = ui.submitted_text(revision)
        st.rerun()
