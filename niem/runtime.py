"""How a process of ours runs: Python's garbage collector tuned for the rows of a large store.

The collector looks for reference cycles every 700 new objects and, now and then, walks
every object the process holds. A page reading 100,000 current values, or an import of
100,000 rows, makes hundreds of thousands of objects that are freed as soon as they are used
(none is part of a cycle): with the default settings the collector set off by them took a
tenth of such a page's time and a sixth of such an import's. So once the code is loaded (it
lives as long as the process) it is frozen out of the collector's walks, and cycles are
looked for every 50,000 new objects; cycles are still collected, only less often.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Objects made between two looks for cycles in the youngest generation, then how many of those
# looks before each of the two older generations is looked at.
THRESHOLDS = (50_000, 20, 20)

_settled = False


def settle() -> None:
    """Freeze what the process holds now out of the collector's walks, and look for cycles
    less often (see the module's text); the first call in a process does it."""
    global _settled
    if _settled:
        return
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    _settled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """No looks for cycles while a bulk of rows is made and used: its objects are freed by
    their counts before the pause ends, so no look ever walks them (between the thresholds
    above, 50,000 new objects still set one off in the middle of reading a round: a
    twentieth of its time). Nested or concurrent pauses leave the collector as the outermost
    found it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
