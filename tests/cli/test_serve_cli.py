"""``python server.py`` is ``beskgraph serve``: every option documented; uvicorn's connection
limits and a body-read timeout set from them; the source texts of the folders it was built
from served; its private dump directory gone after SIGTERM, and stale ones swept at start;
a build that fails is one line and exit code 1."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.loopback import free_port
from beskgraph.api.dump_dirs import PREFIX, owner
from beskgraph.api.settings import Settings
from beskgraph.config import SEEDS_DIR
from tests.support import http
from tests.support.paths import ROOT
from tests.support.server import wait_until

# integration: ``python server.py`` processes
pytestmark = pytest.mark.integration

RELEASE = "Pressemeddelelse\n\nOm ledighed\n\nDato: 3. marts 2020\n\nOdense Kommune.\n"
OPTIONS = (
    "--host",
    "--port",
    "--store",
    "--graph",
    "--rebuild",
    "--workers",
    "--max-connections",
    "--keep-alive-timeout",
    "--body-timeout",
    "--http-parser",
    "--max-header-bytes",
)


class Served:
    """``python server.py CORPUS --workers 1 …`` in a session of its own."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.port, self.dumps = free_port(), tmp_path / "dumps"
        self.log = tmp_path / "server.log"
        env = {**os.environ, "BESKGRAPH_DUMP_DIR": str(self.dumps)}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "server.py", *args, "--port", str(self.port), "--workers", "1"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=log,
            )
        assert wait_until(self.healthy, 120), self.log.read_text()

    def healthy(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return http.get(self.url("/health"), timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.settimeout(10)
        return sock

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp_path = tmp_path_factory.mktemp("served")
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    (corpus / "pressemeddelelse.txt").write_text(RELEASE, encoding="utf-8")
    server = Served(
        tmp_path, str(corpus), "--max-connections", "4", "--body-timeout", "1.5", "--keep-alive-timeout", "1"
    )
    yield server
    server.stop()


def test_serve_help_documents_every_option() -> None:
    env = {**os.environ, "COLUMNS": "200"}
    for command in (
        [sys.executable, "server.py", "--help"],
        [sys.executable, "-m", "beskgraph.cli", "serve", "--help"],
    ):
        shown = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
        assert shown.returncode == 0, shown.stderr
        for option in OPTIONS:
            assert option in shown.stdout, (command, option)
        assert (
            f"default {Settings.max_connections}" in shown.stdout and "BESKGRAPH_BODY_TIMEOUT" in shown.stdout
        )


def test_the_texts_of_the_folders_built_from_are_served(served: Served) -> None:
    answer = http.get(served.url("/source/pressemeddelelse?format=txt"), timeout=30)
    assert answer.status_code == 200
    assert answer.text == RELEASE


def test_a_slow_request_body_gets_408_and_the_connection_closes(served: Served) -> None:
    with served.connect() as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nASK {"
        )
        started = time.monotonic()
        answer = _until_closed(sock)
        assert 1.0 < time.monotonic() - started < 8
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ") and b"connection: close" in head.lower()
    assert body == b"the request body did not arrive within 1.5 s\n"
    log = served.log.read_text()
    assert "refused POST /sparql 408 from 127.0.0.1: the request body did not arrive within 1.5 s" in log
    assert "Traceback" not in log


def _until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_an_idle_kept_alive_connection_is_closed(served: Served) -> None:
    with served.connect() as sock:
        started = time.monotonic()
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = _until_closed(sock)  # the server closes it, after --keep-alive-timeout 1
        assert 1.0 < time.monotonic() - started < 8
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.count(b"HTTP/1.1 ") == 1


def test_connections_beyond_the_limit_get_503(served: Served) -> None:
    held = [served.connect() for _ in range(5)]
    try:
        time.sleep(0.5)  # accepted by the worker
        with served.connect() as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 503 ")
    finally:
        for sock in held:
            sock.close()
    assert wait_until(lambda: http.get(served.url("/health"), timeout=2).status_code == 200, 10)


def test_sigterm_removes_the_dump_directory_and_a_start_sweeps_stale_ones(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale, live = dumps / f"{PREFIX}{ended.pid}-abc", dumps / f"{PREFIX}{os.getpid()}-abc"
    for folder in (stale, live):
        folder.mkdir(parents=True)
        (folder / "5.turtle").write_bytes(b"left by a killed server\n")
    server = Served(tmp_path)
    try:
        assert not stale.exists() and live.exists()  # this test's own process is alive
        assert http.get(server.url("/dump.ttl"), timeout=60).status_code == 200
        [own] = [f for f in dumps.iterdir() if f != live]
        assert owner(own) == server.process.pid and any(own.rglob("*.turtle"))
        os.kill(server.process.pid, signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
        assert sorted(dumps.iterdir()) == [live]
    finally:
        server.stop()


def test_a_build_that_fails_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"
    run = subprocess.run(
        [sys.executable, "server.py", str(missing), "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == f"cannot serve: source not found: {missing}"
    assert "Traceback" not in run.stderr
