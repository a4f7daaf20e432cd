"""Servers on loopback: a free port for one, and waiting until a SPARQL server answers."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_sparql(endpoint: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Wait until the SPARQL ``endpoint`` served by ``process`` answers ``ASK {}``: True, or
    False (``process`` killed) once it has ended or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(endpoint, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return True
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            return False
        time.sleep(0.05)
