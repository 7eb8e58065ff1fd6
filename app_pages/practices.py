"""Practices: search promising practices, filter them, open one beside its countries' scores."""

import streamlit as st

from niem.i18n import _
from niem.ui import data, session
from niem.ui import practice_partner_views as partner_views
from niem.ui import practice_views as views

account = session.signed_in()
catalogue = data.catalogue()

st.title(_("Promising practices"))
st.caption(
    _(
        "What countries do to integrate refugees, and how it worked: submitted by partner "
        "organisations and published by the coordinator."
    )
)
chosen = views.chosen_practice()
if chosen is not None:
    views.st_practice_detail(chosen, catalogue)
else:
    text, filters = views.st_practice_filters(catalogue)
    views.st_practice_results(views.search(text, filters), catalogue)
partner_views.st_practice_submission(account, catalogue)
