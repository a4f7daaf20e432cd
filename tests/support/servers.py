"""A real ``oxigraph serve`` on loopback, and every server the tests started."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.loopback import answers_sparql, free_port
from tests.support.processes import stop

STARTED: list[str] = []  # every server a test of this session started, in order


@contextmanager
def oxigraph_server(location: Path, *options: str, read_only: bool = False) -> Iterator[str]:
    """A real ``oxigraph serve --union-default-graph`` (plus ``options``) on a free port: its base
    URL; ``serve-read-only`` (every write refused) with ``read_only``."""
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
            "serve-read-only" if read_only else "serve",
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
    if not answers_sparql(f"{url}/query", proc, 20):
        raise RuntimeError("oxigraph serve did not start")
    STARTED.append("oxigraph serve")
    try:
        yield url
    finally:
        stop(proc)
