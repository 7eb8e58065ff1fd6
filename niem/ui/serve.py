"""`niem-app`: serve the app, as `streamlit run app.py` does."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent.parent / "app.py"


def serve() -> None:
    """Serve the app: `streamlit run app.py` with any extra arguments given."""
    cli.main(["run", str(APP), *sys.argv[1:]])
