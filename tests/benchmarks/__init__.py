"""`make bench`: one module per section, each returning its figures; `__main__` runs them all,
prints them and merges them into `bench/results.json` (a section's keys replace only its own).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

REPEATS = 5


def samples(action: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    """The wall times of `repeats` runs of an action, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def median_time(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """The median wall time of an action, in seconds."""
    return statistics.median(samples(action, repeats))
