"""One typed settings object, read from NIEM_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from niem.errors import BadSetting

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """How much of an uploaded file is read; anything bigger is refused before the work grows.

    The same limits hold for CSV and XLSX. The cells of a workbook may hold no more text in
    all than a CSV file of `bytes` could, and a workbook's parts are read only while they
    unpack within `unpacked_bytes` in all and `part_bytes` each.
    """

    bytes: int = 5 * MB
    rows: int = 10_000
    columns: int = 50
    # Excel itself holds at most 32,767 characters in a cell.
    cell_characters: int = 32_767
    unpacked_bytes: int = 12 * MB
    part_bytes: int = 8 * MB


@dataclass(frozen=True)
class Settings:
    """Where the data lives and the limits the app enforces."""

    database_url: str = f"sqlite:///{DATA_DIR / 'niem.db'}"
    data_dir: Path = DATA_DIR
    upload_limits: ReadLimits = field(default_factory=ReadLimits)
    login_attempts_before_lock: int = 5
    login_lock_minutes: int = 15
    # A signed-in session ends after this long without a request, and this long after sign-in.
    session_idle_minutes: int = 120
    session_hours: int = 72
    # Signs session cookies; when empty, one generated once is kept in the database.
    cookie_secret: str = ""
    # Mark the session cookie Secure (HTTPS only): set it behind a TLS proxy.
    cookie_secure: bool = False
    framework_dir: Path = field(default=DATA_DIR / "framework")
    # The address people outside reach the app at, for the event QR code behind a proxy;
    # empty means the address the browser used.
    public_url: str = ""
    # Feedback on a score from visitors: how many one browser session may send in an hour,
    # and how long each of its fields may be (counted after NFKC normalisation).
    feedback_per_hour: int = 5
    feedback_characters: int = 2000

    @property
    def rounds_file(self) -> Path:
        return self.data_dir / "rounds.csv"

    @property
    def published_file(self) -> Path:
        return self.data_dir / "published_scores.csv"

    @property
    def facts_file(self) -> Path:
        return self.data_dir / "published_facts.csv"

    @property
    def illustrative_file(self) -> Path:
        return self.data_dir / "illustrative_scores.csv"

    @property
    def illustrative_practices_file(self) -> Path:
        return self.data_dir / "illustrative_practices.csv"

    @property
    def boundaries_file(self) -> Path:
        return self.data_dir / "europe.geojson"

    @property
    def fonts_dir(self) -> Path:
        return self.data_dir / "fonts"


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 1:
        raise BadSetting(f"{name} must be a whole number above 0, not {raw!r}; fix or unset it")
    return value


def load_settings() -> Settings:
    """Build the settings from the environment, falling back to the shipped defaults."""
    defaults = Settings()
    limits = defaults.upload_limits
    return Settings(
        database_url=os.environ.get("NIEM_DATABASE_URL") or defaults.database_url,
        upload_limits=ReadLimits(
            bytes=_whole_number("NIEM_MAX_UPLOAD_BYTES", limits.bytes),
            rows=_whole_number("NIEM_MAX_UPLOAD_ROWS", limits.rows),
            columns=_whole_number("NIEM_MAX_UPLOAD_COLUMNS", limits.columns),
            cell_characters=_whole_number("NIEM_MAX_CELL_CHARACTERS", limits.cell_characters),
            unpacked_bytes=_whole_number("NIEM_MAX_UNPACKED_BYTES", limits.unpacked_bytes),
            part_bytes=_whole_number("NIEM_MAX_UNPACKED_PART_BYTES", limits.part_bytes),
        ),
        login_attempts_before_lock=_whole_number(
            "NIEM_LOGIN_ATTEMPTS", defaults.login_attempts_before_lock
        ),
        login_lock_minutes=_whole_number("NIEM_LOGIN_LOCK_MINUTES", defaults.login_lock_minutes),
        public_url=os.environ.get("NIEM_PUBLIC_URL", "").strip(),
        session_idle_minutes=_whole_number(
            "NIEM_SESSION_IDLE_MINUTES", defaults.session_idle_minutes
        ),
        session_hours=_whole_number("NIEM_SESSION_HOURS", defaults.session_hours),
        cookie_secret=os.environ.get("NIEM_COOKIE_SECRET", ""),
        cookie_secure=os.environ.get("NIEM_COOKIE_SECURE", "") in ("1", "true", "yes"),
        feedback_per_hour=_whole_number("NIEM_FEEDBACK_PER_HOUR", defaults.feedback_per_hour),
        feedback_characters=_whole_number(
            "NIEM_FEEDBACK_CHARACTERS", defaults.feedback_characters
        ),
    )
