"""`niem-app`: serve the app, as `streamlit run app.py` does."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from streamlit.web import cli

from niem.config import MB, load_settings

# The launcher beside app.py, which adds the route that sets the session cookie.
LAUNCHER = Path(__file__).resolve().parent.parent.parent / "niem_server.py"


def serve() -> None:
    """Serve the app and its sign-in route, with any extra arguments given.

    The server refuses uploads over the app's own limit, in whole megabytes.
    """
    megabytes = math.ceil(load_settings().upload_limits.bytes / MB)
    cli.main(["run", str(LAUNCHER), f"--server.maxUploadSize={megabytes}", *sys.argv[1:]])
