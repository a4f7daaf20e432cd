"""Servers the tests start on loopback: a free port, and a real ``oxigraph serve``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.processes import stop

STARTED: list[str] = []  # every server a test of this session started, in order


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oxigraph_server(location: Path, *options: str) -> Iterator[str]:
    """A real ``oxigraph serve --union-default-graph`` (plus ``options``) on a free port: its base URL."""
    # the venv's bin/ need not be on PATH (CI runs .venv/bin/pytest without activating)
    beside = Path(sys.executable).parent / "oxigraph"
    binary = str(beside) if beside.exists() else shutil.which("oxigraph")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the remote-store suite: `pip install oxigraph` (in .[test])")
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("oxigraph serve did not start")
        time.sleep(0.05)
    STARTED.append("oxigraph serve")
    try:
        yield url
    finally:
        stop(proc)
