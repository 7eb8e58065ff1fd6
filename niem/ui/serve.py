"""`niem-app`: serve the app, as `streamlit run app.py` does."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from streamlit.web import cli

from niem.config import MB, load_settings

APP = Path(__file__).resolve().parent.parent.parent / "app.py"


def serve() -> None:
    """Serve the app: `streamlit run app.py` with any extra arguments given.

    The server refuses uploads over the app's own limit, in whole megabytes.
    """
    megabytes = math.ceil(load_settings().upload_limits.bytes / MB)
    cli.main(["run", str(APP), f"--server.maxUploadSize={megabytes}", *sys.argv[1:]])
