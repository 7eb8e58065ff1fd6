"""One typed settings object, read from NIEM_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from niem.errors import BadSetting

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


@dataclass(frozen=True)
class Settings:
    """Where the data lives and the limits the app enforces."""

    database_url: str = f"sqlite:///{DATA_DIR / 'niem.db'}"
    data_dir: Path = DATA_DIR
    max_upload_bytes: int = 5 * 1024 * 1024
    login_attempts_before_lock: int = 5
    login_lock_minutes: int = 15
    framework_dir: Path = field(default=DATA_DIR / "framework")

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
    def boundaries_file(self) -> Path:
        return self.data_dir / "europe.geojson"


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
    return Settings(
        database_url=os.environ.get("NIEM_DATABASE_URL") or defaults.database_url,
        max_upload_bytes=_whole_number("NIEM_MAX_UPLOAD_BYTES", defaults.max_upload_bytes),
        login_attempts_before_lock=_whole_number(
            "NIEM_LOGIN_ATTEMPTS", defaults.login_attempts_before_lock
        ),
        login_lock_minutes=_whole_number("NIEM_LOGIN_LOCK_MINUTES", defaults.login_lock_minutes),
    )
