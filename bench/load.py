"""Server load: ``server.py`` under uvicorn on loopback, a bounded number of concurrent
clients posting a mix of the six requests for a fixed time; requests/s, p50, p99, errors."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from bench.calls import Call, graphql_calls
from bench.loopback import TLS, free_port
from bench.requests import Request
from bench.stats import summary

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Server:
    """A running ``server.py``: its base URL, process and log (stderr)."""

    url: str
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def log_tail(self, size: int = 2000) -> str:
        """The end of what the server wrote to stderr."""
        self.log.seek(0, os.SEEK_END)
        self.log.seek(max(0, self.log.tell() - size))
        return self.log.read().decode(errors="replace")


@contextlib.contextmanager
def running_server(
    graph: Path,
    startup_timeout: float = 1800,
    *,
    source: Path = ROOT,
    env: dict[str, str] | None = None,
    workers: int | None = None,
) -> Iterator[Server]:
    """``server.py --graph graph`` on a free loopback port, until the block ends.

    ``source`` is the checkout whose ``server.py`` and ``src/`` run (this one by default;
    another to compare versions); ``env`` adds environment variables; ``workers`` is
    ``--workers`` (default: the server's own).
    """
    port = free_port()
    command = [
        sys.executable,
        str(source / "server.py"),
        "--graph",
        str(graph),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *(["--workers", str(workers)] if workers else []),
    ]
    variables = {**os.environ, "BESKGRAPH_STORE": "memory", **(env or {})}
    if source != ROOT:
        variables["PYTHONPATH"] = str(source / "src")
    # stderr to a file, not a pipe: a server that logs a lot must never block on it
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=source, stdout=subprocess.DEVNULL, stderr=log, env=variables)
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            deadline = time.monotonic() + startup_timeout
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited: {server.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{server.url}/health", timeout=2, verify=TLS).status_code == 200:
                        break
                time.sleep(0.5)
            else:
                raise RuntimeError("server did not start in time")
            yield server
        finally:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            if process.poll() is None:
                process.kill()
                process.wait()


@contextlib.contextmanager
def loopback_server(handler: type[socketserver.BaseRequestHandler]) -> Iterator[str]:
    """A threaded TCP server on a free loopback port with ``handler``; its http:// URL."""
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as listener:
        threading.Thread(target=listener.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{listener.server_address[1]}"
        finally:
            listener.shutdown()


KEEP = 1 << 20  # bytes of a body kept for its check; the rest is counted and dropped


@dataclass
class Tally:
    """What the clients saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)  # well-behaved, by kind
    errors: dict[str, list[str]] = field(default_factory=dict)
    hostile: dict[str, Counter[str]] = field(default_factory=dict)  # by "kind: name", answers
    hostile_latencies: dict[str, list[float]] = field(default_factory=dict)


async def send(client: httpx.AsyncClient, call: Call) -> tuple[int, bytes, str | None]:
    """Status, the body's start (decoded, if the server compressed it), and a transfer problem
    (the body cut off, or shorter than announced). A failure before the answer starts raises
    httpx.HTTPError."""
    kept = bytearray()
    async with client.stream(call.method, call.path, **call.options) as response:
        try:
            async for chunk in response.aiter_bytes():
                if len(kept) < KEEP:
                    kept += chunk
        except httpx.HTTPError as exc:
            return (
                response.status_code,
                bytes(kept),
                f"{type(exc).__name__} after {response.num_bytes_downloaded} bytes of the body",
            )
    size = response.num_bytes_downloaded  # as sent, before decoding
    announced = response.headers.get("content-length")
    problem = f"{size} bytes of {announced}" if announced and int(announced) != size else None
    return response.status_code, bytes(kept), problem


async def client_loop(
    client: httpx.AsyncClient, calls: list[Call], offset: int, stop: float, tally: Tally
) -> None:
    """One client sending ``calls`` in turn (from ``offset``) until ``stop``, each answer
    checked; its first call even when it only gets to run after ``stop`` (a busy event loop
    or machine: a short run still sends each client's first call)."""
    index = offset
    while index == offset or time.monotonic() < stop:
        call = calls[index % len(calls)]
        index += 1
        started = time.perf_counter()
        try:
            status, body, problem = await send(client, call)
            error = problem or call.check(status, body)  # type: ignore[misc]
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__} before any answer: {exc}"
        except ValueError as exc:
            error = f"{type(exc).__name__}: {exc}"
        tally.latencies.setdefault(call.kind, []).append(time.perf_counter() - started)
        if error:
            tally.errors.setdefault(call.kind, []).append(f"{call.name}: {error}"[:300])


async def _load(url: str, mix: list[Request], clients: int, seconds: float) -> dict[str, Any]:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients)
    calls = graphql_calls(mix)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        started = time.monotonic()
        stop = started + seconds
        await asyncio.gather(*(client_loop(client, calls, i, stop, tally) for i in range(clients)))
        elapsed = time.monotonic() - started
    latencies, errors = tally.latencies.get("graphql", []), tally.errors.get("graphql", [])
    return {
        "clients": clients,
        "seconds": elapsed,
        "requests": len(latencies),
        "requests_per_s": len(latencies) / elapsed,
        "latency_ms": summary(latencies),
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def measure_load(graph: Path, mix: list[Request], clients: int, seconds: float) -> dict[str, Any]:
    """Start the server on ``graph``, load it, stop it."""
    started = time.perf_counter()
    with running_server(graph) as server:
        ready = time.perf_counter() - started
        result = asyncio.run(_load(server.url, mix, clients, seconds))
    return {"server_start_s": ready, **result}
