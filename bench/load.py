"""Server load: ``server.py`` under uvicorn on loopback, a bounded number of concurrent
clients posting a mix of the six requests for a fixed time; requests/s, p50, p99, errors."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.requests import Request
from bench.stats import summary

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_server(graph: Path, startup_timeout: float = 1800) -> Iterator[str]:
    """``server.py --graph graph`` on a free loopback port, until the block ends."""
    port = _free_port()
    command = [sys.executable, str(ROOT / "server.py"), "--graph", str(graph), "--host", "127.0.0.1",
               "--port", str(port)]
    with tempfile.TemporaryFile() as log:  # not a pipe: a server logging past 64 KB would block on it
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                                  env={**os.environ, "BESKGRAPH_STORE": "memory"})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + startup_timeout
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"server exited: {log.read().decode()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                time.sleep(0.5)
            else:
                raise RuntimeError("server did not start in time")
            yield url
        finally:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=30)
            if server.poll() is None:
                server.kill()


async def _client(client: httpx.AsyncClient, mix: list[Request], offset: int, stop: float,
                  latencies: list[float], errors: list[str]) -> None:
    index = offset
    while time.monotonic() < stop:
        request = mix[index % len(mix)]
        index += 1
        started = time.perf_counter()
        try:
            response = await client.post("/graphql", json=request.payload())
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                errors.append(f"{request.name}: {response.status_code} {str(body)[:200]}")
        except (httpx.HTTPError, ValueError) as error:
            errors.append(f"{request.name}: {error!r}")
        latencies.append(time.perf_counter() - started)


async def _load(url: str, mix: list[Request], clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        started = time.monotonic()
        stop = started + seconds
        await asyncio.gather(*(_client(client, mix, i, stop, latencies, errors) for i in range(clients)))
        elapsed = time.monotonic() - started
    return {"clients": clients, "seconds": elapsed, "requests": len(latencies),
            "requests_per_s": len(latencies) / elapsed, "latency_ms": summary(latencies),
            "errors": len(errors), "first_errors": errors[:3]}


def measure_load(graph: Path, mix: list[Request], clients: int, seconds: float) -> dict[str, Any]:
    """Start the server on ``graph``, load it, stop it."""
    started = time.perf_counter()
    with running_server(graph) as url:
        ready = time.perf_counter() - started
        result = asyncio.run(_load(url, mix, clients, seconds))
    return {"server_start_s": ready, **result}
