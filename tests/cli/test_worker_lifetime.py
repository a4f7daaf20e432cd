"""No helper process outlives the server or the build that started it.

``python server.py`` runs in its own process group (as under a service manager);
slow queries keep query processes busy; then the server is killed with SIGKILL (the
OOM killer, a crash) or its process group gets SIGTERM (systemd, ``docker stop`` with
an init, a terminal's Ctrl-C is SIGINT the same way). Nothing of the group may be
left running a few seconds later, and SIGTERM must end it promptly and cleanly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import group
from tests.support.server import Server, wait_until

# integration: ``python server.py`` and build processes
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc and prctl"),
]


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
    assert time.monotonic() - started < 5, server.log()[-6000:]
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
