"""Serves app.py with its sign-in route, so that a sign-in survives a reload: `niem-app`,
`make run` or `streamlit run niem_server.py`. (`streamlit run app.py` serves the app without
it.) It lives beside app.py so that Streamlit reads the same `.streamlit/` settings."""

import streamlit as st

from niem import sessions
from niem.ui.routes import ROUTES

sessions.routes_served = True
app = st.App("app.py", routes=ROUTES)
