"""``python server.py`` in its own session (a process group of its own, as under a service
manager), and waiting for a condition."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from bench.loopback import free_port
from tests.support import http
from tests.support.paths import ROOT
from tests.support.processes import Proc, group

# On the seed graph (~7 000 triples): 7 000^3 rows, none kept (hours, in constant memory).
SLOW = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STRLEN(STR(?c)) + STRLEN(STR(?i)) < 0) }"


def slow_query(number: int) -> str:
    """The ``number``-th of several different slow queries: the server answers a request
    made while the same one is running by waiting for that one's answer (up to 15 s), so
    identical queries would not all get a query process of their own."""
    return SLOW.replace("< 0", f"< -{number}")


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
            return http.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()

    def members(self) -> list[Proc]:
        return group(self.process.pid)

    def start_slow_queries(self, count: int) -> None:
        def run(query: str) -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server goes away: that is the point
                http.get(f"http://127.0.0.1:{self.port}/sparql", params={"query": query}, timeout=60)

        self.clients = [
            threading.Thread(target=run, args=(slow_query(number),), daemon=True) for number in range(count)
        ]
        for client in self.clients:
            client.start()
        busy = lambda: len([p for p in self.members() if p.name == "bg-query"]) == count  # noqa: E731
        assert wait_until(busy, 60), (self.members(), self.log())

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.stderr.close()
