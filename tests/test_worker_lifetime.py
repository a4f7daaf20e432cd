"""No helper process outlives the server or the build that started it.

``python server.py`` runs in its own process group (as under a service manager);
slow queries keep query processes busy; then the server is killed with SIGKILL (the
OOM killer, a crash) or its process group gets SIGTERM (systemd, ``docker stop`` with
an init, a terminal's Ctrl-C is SIGINT the same way). Nothing of the group may be
left running a few seconds later, and SIGTERM must end it promptly and cleanly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import free_port
from processes import Proc, group

ROOT = Path(__file__).resolve().parents[1]  # the repository


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc and prctl")

# On the seed graph (~7 000 triples): 7 000^3 rows, none kept (hours, in constant memory).
SLOW = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STRLEN(STR(?c)) + STRLEN(STR(?i)) < 0) }"


def wait_until(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Server:
    """``python server.py [args]`` in a new session (its pid is its process group)."""

    def __init__(self, tmp_path: Path, store: str, *args: str) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "PORT": str(self.port),
            "BESKGRAPH_QUERY_TIMEOUT": "600",
            "BESKGRAPH_STORE": store,
        }
        self.stderr = (tmp_path / "server.log").open("w+")
        self.process = subprocess.Popen(
            [sys.executable, "server.py", *args],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=self.stderr,
            stderr=self.stderr,
        )
        assert wait_until(self.healthy, 120), self.log()
        self.clients: list[threading.Thread] = []

    def healthy(self) -> bool:
        assert self.process.poll() is None, self.log()
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()

    def members(self) -> list[Proc]:
        return group(self.process.pid)

    def start_slow_queries(self, count: int) -> None:
        def run() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server goes away: that is the point
                httpx.get(f"http://127.0.0.1:{self.port}/sparql", params={"query": SLOW}, timeout=60)

        self.clients = [threading.Thread(target=run, daemon=True) for _ in range(count)]
        for client in self.clients:
            client.start()
        busy = lambda: len([p for p in self.members() if p.name == "bg-query"]) == count  # noqa: E731
        assert wait_until(busy, 60), (self.members(), self.log())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.stderr.close()


@pytest.fixture(params=["memory", "disk"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    store = "memory" if request.param == "memory" else f"oxigraph:{tmp_path / 'db'}"
    running = Server(tmp_path, store)
    yield running
    running.stop()


def test_sigkill_of_the_server_leaves_no_worker(server: Server) -> None:
    server.start_slow_queries(3)
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    assert wait_until(lambda: server.members() == [], 5), server.members()


def test_sigterm_to_the_process_group_ends_it_promptly_and_cleanly(server: Server) -> None:
    server.start_slow_queries(3)
    started = time.monotonic()
    os.killpg(server.process.pid, signal.SIGTERM)
    code = server.process.wait(timeout=30)
    assert time.monotonic() - started < 5
    assert code in (0, -signal.SIGTERM)  # uvicorn stops gracefully, then re-raises SIGTERM
    assert wait_until(lambda: server.members() == [], 5), server.members()
    log = server.log()
    assert "Traceback" not in log
    assert "503 from 127.0.0.1: store unavailable: the query process was" in log  # answered, not dropped


def test_build_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    code = (
        "import time\n"
        "from beskgraph.workers import parallel_map\n"
        "parallel_map(lambda item: time.sleep(600), list(range(16)), 2)\n"
    )
    build = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    workers = lambda: [p for p in group(build.pid) if p.pid != build.pid]  # noqa: E731
    try:
        assert wait_until(lambda: len(workers()) == 2, 30), group(build.pid)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert wait_until(lambda: group(build.pid) == [], 5), group(build.pid)
    finally:
        if group(build.pid):
            os.killpg(build.pid, signal.SIGKILL)
