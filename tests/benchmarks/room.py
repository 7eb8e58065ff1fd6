"""The room: 30 visitors opening the same link at once, on its own server and database."""

from __future__ import annotations

from typing import Any

from tests import load_test


def run() -> tuple[dict[str, Any], list[str]]:
    """Run the load test; its figures are printed as `room_load` lines."""
    missed = load_test.main()
    return {}, ["room_load: a room missed its target"] if missed else []
