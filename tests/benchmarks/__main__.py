"""Run every benchmark section, print its figures and merge them into bench/results.json."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results.json"
# Each module has `run() -> (figures, failures)`; figures are merged under their own keys.
SECTIONS = ("tests.benchmarks.scale", "tests.benchmarks.shipped")


def main(names: list[str]) -> int:
    """Run the named sections (all by default); exit 1 if any missed a target."""
    stored: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    failures: list[str] = []
    for name in names or SECTIONS:
        module = importlib.import_module(name if "." in name else f"tests.benchmarks.{name}")
        figures, missed = module.run()
        stored.update(figures)
        failures.extend(missed)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
    for failure in failures:
        print(f"MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
