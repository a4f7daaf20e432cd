"""``python server.py`` is ``beskgraph serve``: every option documented; uvicorn's connection
limits and a body-read timeout set from them; the source texts of the folders it was built
from served; its private dump directory gone after SIGTERM, and stale ones swept at start;
a build, a setting, an address or a store it cannot use is one line and exit code 1; port 0;
signals during the first load; a crash loop of workers ends the server."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
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
from tests.support.locks import held
from tests.support.paths import ROOT
from tests.support.processes import group
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
    with held(live):  # as its server does while it runs
        server = Served(tmp_path)
        try:
            assert not stale.exists() and live.exists()
            assert http.get(server.url("/dump.ttl"), timeout=60).status_code == 200
            [own] = [f for f in dumps.iterdir() if f != live]
            assert owner(own) == server.process.pid and any(own.rglob("*.turtle"))
            os.kill(server.process.pid, signal.SIGTERM)
            assert server.process.wait(timeout=30) == 0
            assert sorted(dumps.iterdir()) == [live]
        finally:
            server.stop()


def refusal(*args: str, **env: str) -> str:
    """The one line ``server.py ARGS`` ends with when it cannot serve (exit code 1, no traceback)."""
    run = subprocess.run(
        [sys.executable, "server.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", **env},
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    return run.stderr.strip().splitlines()[-1]


def test_a_build_that_fails_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"
    assert refusal(str(missing), "--port", str(free_port())) == f"cannot serve: source not found: {missing}"


def test_an_unusable_setting_an_address_or_a_store_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    # an unknown HTTP parser made every worker fail after its start, replaced forever
    assert refusal("--port", "0", BESKGRAPH_HTTP_PARSER="foo") == (
        "cannot serve: setting http_parser (BESKGRAPH_HTTP_PARSER) is 'foo': expected one of auto, h11, httptools"
    )
    assert refusal("--host", "no-such-host.invalid", "--port", "0").startswith(
        "cannot serve: cannot listen on no-such-host.invalid:0: "
    )
    (tmp_path / "a-file").write_text("not a store\n")
    assert refusal("--port", "0", BESKGRAPH_STORE=f"oxigraph:{tmp_path / 'a-file'}").startswith(
        f"cannot serve: oxigraph:{tmp_path / 'a-file'} cannot be opened: "
    )
    assert refusal("--port", "0", BESKGRAPH_STORE="oxigraph:").startswith(
        "cannot serve: BESKGRAPH_STORE='oxigraph:' names no folder"
    )
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert (
            refusal("--port", str(port))
            == f"cannot serve: cannot listen on 127.0.0.1:{port}: Address already in use"
        )


def test_of_two_servers_started_on_one_port_one_serves_and_the_other_says_why(tmp_path: Path) -> None:
    port = str(free_port())
    command = [sys.executable, "server.py", "--port", port, "--workers", "1"]
    both = [
        subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
        for _ in range(2)
    ]
    try:  # both bind before either listens (SO_REUSEADDR): the second to listen is refused
        assert wait_until(lambda: any(p.poll() is not None for p in both), 120)
        [loser] = [p for p in both if p.poll() is not None]
        assert loser.returncode == 1
        assert loser.stderr is not None
        last = loser.stderr.read().strip().splitlines()[-1]
        assert last == f"cannot serve: cannot listen on 127.0.0.1:{port}: Address already in use"
        assert http.get(f"http://127.0.0.1:{port}/health", timeout=30).status_code == 200
    finally:
        for process in both:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_port_0_serves_on_a_free_port_and_the_links_say_which(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "server.py", "--port", "0", "--workers", "1"],
            cwd=ROOT,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        bound = lambda: re.search(r"bound to http://127\.0\.0\.1:(\d+);", log.read_text())  # noqa: E731
        assert wait_until(bound, 60), log.read_text()
        base = f"http://127.0.0.1:{bound().group(1)}"  # type: ignore[union-attr]
        assert wait_until(lambda: _answers(base + "/health"), 120), log.read_text()
        void = http.get(base + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
        assert f"<{base}/sparql>" in void.text and ":0/" not in void.text
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _answers(url: str) -> bool:
    try:
        return http.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_the_first_load_stops_cleanly_or_reloads_after_it(
    tmp_path: Path, sent: signal.Signals
) -> None:
    dumps = tmp_path / "dumps"
    server = subprocess.Popen(
        [sys.executable, "server.py", "--port", str(free_port()), "--workers", "1"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "BESKGRAPH_DUMP_DIR": str(dumps), "BESKGRAPH_CACHE": str(tmp_path / "cache")},
    )
    lines: list[str] = []
    reading = threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True)  # type: ignore[arg-type]
    reading.start()
    try:
        assert wait_until(lambda: any("bound to" in line for line in lines), 60), lines
        os.kill(server.pid, sent)  # the build from an empty cache takes seconds: it is loading
        if sent == signal.SIGTERM:
            assert server.wait(timeout=60) == 0
            reading.join(10)
            assert any("stopped while loading" in line for line in lines), lines
            assert not list(dumps.iterdir())  # its dump directory went with it
        else:
            assert wait_until(lambda: any("generation 2 published" in line for line in lines), 120), lines
            assert server.poll() is None
        assert not any("Traceback" in line for line in lines), lines
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_workers_that_keep_ending_at_once_stop_the_server_with_the_reason(tmp_path: Path) -> None:
    server = Served(tmp_path)
    killed: set[int] = set()

    def kill_the_worker() -> bool:
        for member in group(server.process.pid):
            if member.name == "bg-worker" and member.pid not in killed:
                killed.add(member.pid)
                os.kill(member.pid, signal.SIGKILL)
        return server.process.poll() is not None

    try:
        assert wait_until(kill_the_worker, 120), server.log.read_text()
        assert server.process.returncode == 1
        log = server.log.read_text()
        assert log.strip().splitlines()[-1] == (
            "cannot serve: 5 workers in a row ended within 10 s of their start, the last with signal 9; "
            "not starting more (see the log above)"
        )
        assert len(killed) == 5 and "Traceback" not in log
    finally:
        server.stop()
