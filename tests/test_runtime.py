"""The garbage collector is tuned once per process, after the code is loaded."""

from __future__ import annotations

import gc
import subprocess
import sys


def test_settling_freezes_the_loaded_code_once_and_looks_for_cycles_less_often() -> None:
    script = (
        "import gc\n"
        "from niem import runtime\n"
        "before = gc.get_freeze_count()\n"
        "runtime.settle()\n"
        "frozen = gc.get_freeze_count()\n"
        "[object() for _ in range(10)]\n"
        "runtime.settle()\n"
        "print(before, frozen > 1000, gc.get_freeze_count() == frozen, gc.get_threshold())\n"
    )
    printed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert printed == "0 True True (50000, 20, 20)\n"
    assert gc.isenabled()


def test_a_pause_leaves_the_collector_as_the_outermost_found_it() -> None:
    from niem.runtime import collector_paused

    seen = []
    with collector_paused():
        seen.append(gc.isenabled())
        with collector_paused():
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
    seen.append(gc.isenabled())
    try:
        with collector_paused():
            raise ValueError("a failed read")
    except ValueError:
        seen.append(gc.isenabled())
    gc.disable()
    try:
        with collector_paused():
            pass
        seen.append(gc.isenabled())
    finally:
        gc.enable()
    assert seen == [False, False, False, True, True, False]
