"""Servers on loopback: a free port for one, waiting until a SPARQL server answers, and the TLS
context requests to them share."""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import time

import httpx

# Ports handed out for servers to bind: below Linux's ephemeral range (32768-60999), where the
# kernel picks the local port of every outgoing connection, so no client can take one between
# free_port() and the server's bind. BESKGRAPH_PORTS=FIRST-LAST gives a process its own share
# (parallel test workers get disjoint ones); each process starts at a place of its own in it.
# Only the process that starts a server asks for its port: a child given the same share (or
# a fork, which continues its parent's turn) could be handed a port its parent holds.
PORTS = range(20_000, 32_768)

# httpx makes a TLS context for every client it creates, one-shot requests included, and loads
# the CA bundle into it: about 20 ms of CPU a request, plain HTTP too. Requests to loopback
# servers (the waits here, the tests' thousands a run) share this one.
TLS = httpx.create_ssl_context()


def _share() -> range:
    given = os.environ.get("BESKGRAPH_PORTS")
    if not given:
        return PORTS
    first, last = (int(end) for end in given.split("-"))
    return range(first, last + 1)


_turn = itertools.count(os.getpid() * 7919)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now: the next one of this process's share
    (``BESKGRAPH_PORTS``) that can be bound, taken in turn so none is given out twice."""
    share = _share()
    for _ in range(len(share)):
        port = share[next(_turn) % len(share)]
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port in {share.start}-{share.stop - 1}")


def answers_sparql(endpoint: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Wait until the SPARQL ``endpoint`` served by ``process`` answers ``ASK {}``: True, or
    False (``process`` killed) once it has ended or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(endpoint, params={"query": "ASK {}"}, timeout=2, verify=TLS).status_code == 200:
                return True
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            return False
        time.sleep(0.05)
