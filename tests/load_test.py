"""The room opens the link at once: 30 visitors start the same page within the same second.

Each visitor is a websocket client speaking Streamlit's own protocol (as the browser does,
without drawing): it asks for one run of the page and waits for the run to finish. A phone
also fetches the app's static files; the list is taken from one real phone visit (headless
Chromium at 390x844) and fetched by every visitor, six at a time as a browser does. The
server's memory is read from /proc while the room is served, and over a longer run of
repeated rooms to show that it stays bounded.

`python -m tests.load_test` prints the results; `make bench` runs it as its `room_load`
section.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from niem.config import load_settings
from niem.database import make_engine
from niem.loading import initialise
from tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NIEM_APP,
    ROOT,
    SETTLED,
    _free_port,
    _wait_until_serving,
)

VISITORS = 30
TARGET_SECONDS = 5.0
MEMORY_LIMIT_MB = 1024
BROWSER_CONNECTIONS = 6
FINISHED = ForwardMsg.ScriptFinishedStatus
ROOMS = {
    "overview": ("", "round=2021&measure=overall"),
    "profile LV": ("country", "country=LV&round=2021"),
}


@dataclass(frozen=True)
class Visit:
    """One visitor's wait: until the page's run finished, and until its files arrived."""

    seconds: float
    run_seconds: float
    deltas: int
    error: str = ""


@dataclass(frozen=True)
class Room:
    """Thirty visitors on one page: their waits and the server's memory."""

    page: str
    visits: list[Visit]
    wall: float
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(v.seconds for v in self.visits)

    @property
    def worst(self) -> float:
        return max(v.seconds for v in self.visits)

    @property
    def errors(self) -> list[str]:
        return [v.error for v in self.visits if v.error]


def _rerun(page: str, query: str, url: str) -> bytes:
    message = BackMsg()
    state = message.rerun_script
    state.query_string = query
    state.page_name = page
    state.page_script_hash = ""
    context = state.context_info
    context.locale, context.timezone, context.timezone_offset = "lv-LV", "Europe/Riga", -120
    context.url = f"{url}/{page}"
    context.is_embedded, context.color_scheme = False, "light"
    return message.SerializeToString()


async def _run_page(url: str, page: str, query: str) -> tuple[float, int, str]:
    """Open a session, run the page once; (seconds, deltas, error)."""
    socket_url = url.replace("http", "ws", 1) + "/_stcore/stream"
    start = time.perf_counter()
    deltas = 0
    async with connect(socket_url, subprotocols=["streamlit"], max_size=None, compression=None,
                       open_timeout=60) as socket:  # type: ignore[list-item]
        await socket.send(_rerun(page, query, url))
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(socket.recv(), timeout=120))
            kind = message.WhichOneof("type")
            if kind == "delta":
                deltas += 1
                if message.delta.new_element.WhichOneof("type") == "exception":
                    return time.perf_counter() - start, deltas, "exception on the page"
            elif kind == "page_not_found":
                return time.perf_counter() - start, deltas, "page not found"
            elif kind == "script_finished" and message.script_finished in (
                FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR,
            ):
                error = "" if message.script_finished == FINISHED.FINISHED_SUCCESSFULLY else (
                    "compile error"
                )
                return time.perf_counter() - start, deltas, error


def _fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=120) as response:
        return len(response.read())


async def _fetch_files(files: Sequence[str]) -> str:
    limit = asyncio.Semaphore(BROWSER_CONNECTIONS)

    async def one(file: str) -> None:
        async with limit:
            await asyncio.to_thread(_fetch, file)

    try:
        await asyncio.gather(*(one(f) for f in files))
    except OSError as error:
        return f"static file: {error}"
    return ""


async def _visit(url: str, page: str, query: str, files: Sequence[str]) -> Visit:
    start = time.perf_counter()
    try:
        (run, deltas, error), fetched = await asyncio.gather(
            _run_page(url, page, query), _fetch_files(files)
        )
    except (OSError, TimeoutError) as failure:
        return Visit(time.perf_counter() - start, 0.0, 0, f"{type(failure).__name__}: {failure}")
    return Visit(time.perf_counter() - start, run, deltas, error or fetched)


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (or its peak, `VmHWM`) in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def room(url: str, pid: int, page: str, query: str, files: Sequence[str]) -> Room:
    """`VISITORS` visitors opening the page together."""
    peak = memory_mb(pid)
    start = time.perf_counter()
    visits = asyncio.gather(*(_visit(url, page, query, files) for _ in range(VISITORS)))
    while not visits.done():
        await asyncio.sleep(0.2)
        peak = max(peak, memory_mb(pid))
    return Room(page or "overview", await visits, time.perf_counter() - start, peak)


def phone_files(url: str, path: str) -> list[str]:
    """The same-host files a phone fetches to show the page (its websocket aside)."""
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on("request", lambda r: requested.append(r.url) if r.method == "GET" else None)
        page.goto(f"{url}/{path}")
        page.wait_for_selector("h1")
        page.wait_for_function(SETTLED)
        browser.close()
    return [r for r in dict.fromkeys(requested) if r.startswith(url) and "/_stcore/" not in r]


@contextmanager
def app_server(database: str) -> Iterator[tuple[str, int]]:
    """The app served as `niem-app` serves it: its address and process id."""
    port = _free_port()
    process = subprocess.Popen(
        [*NIEM_APP, "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env={**os.environ, "NIEM_DATABASE_URL": database},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def _line(name: str, result: Room, with_files: bool) -> str:
    flag = "" if result.worst <= TARGET_SECONDS and not result.errors else "  MISSES TARGET"
    what = "with static files" if with_files else "runs only       "
    errors = f", {len(result.errors)} errors ({result.errors[0]})" if result.errors else ""
    return (f"room_load {name:<11} {what} median {result.median:5.2f} s, worst "
            f"{result.worst:5.2f} s, wall {result.wall:5.2f} s, server peak "
            f"{result.peak_mb:6.0f} MB{errors}{flag}")


def main(soak_rooms: int = 10) -> int:
    """Measure both rooms (runs only, then with the phone's files) and a longer soak;
    print one line each; 1 if a room misses the target."""
    missed = False
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'niem.db'}"
        initialise(make_engine(database), load_settings())
        with app_server(database) as (url, pid):
            files = {name: phone_files(url, f"{page}?{query}") for name, (page, query)
                     in ROOMS.items()}
            sizes = {name: sum(_fetch(f) for f in found) for name, found in files.items()}
            for name in ROOMS:
                print(f"room_load {name:<11} a phone fetches {len(files[name])} files, "
                      f"{sizes[name] / 1e6:.1f} MB uncompressed")
            print(f"room_load server after one visit each: {memory_mb(pid):.0f} MB")
            for with_files in (False, True):
                for name, (page, query) in ROOMS.items():
                    result = asyncio.run(
                        room(url, pid, page, query, files[name] if with_files else [])
                    )
                    print(_line(name, result, with_files))
                    missed |= bool(result.worst > TARGET_SECONDS or result.errors)
                    missed |= result.peak_mb > MEMORY_LIMIT_MB
            readings = []
            for number in range(soak_rooms):
                page, query = list(ROOMS.values())[number % len(ROOMS)]
                asyncio.run(room(url, pid, page, query, []))
                readings.append(memory_mb(pid))
            print(f"room_load soak: {soak_rooms} more rooms of {VISITORS}, server memory after "
                  f"each: {', '.join(f'{m:.0f}' for m in readings)} MB; peak "
                  f"{memory_mb(pid, 'VmHWM'):.0f} MB")
            missed |= memory_mb(pid, "VmHWM") > MEMORY_LIMIT_MB
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
