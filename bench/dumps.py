"""Dumps under concurrency: ``server.py`` on a built graph, N clients asking for the same dump
at once (the first time, and again), the server's RSS meanwhile; then one client fetching the
dump against reading the same bytes from a file.

    python -m bench.dumps --graph out/graph.nq [--clients 8] [--ext trig] [--source CHECKOUT]

``--source`` runs another checkout's server (e.g. an older version, to compare). Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import socketserver
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.load import ROOT, loopback_server, running_server
from bench.memory import Sampler, tree_pss_mib
from bench.stats import summary

CHUNK = 1 << 20


async def _fetch(client: httpx.AsyncClient, path: str) -> tuple[int, int]:
    """Status and body size of one GET, the body read and dropped as it comes."""
    size = 0
    async with client.stream("GET", path) as response:
        async for chunk in response.aiter_raw(CHUNK):
            size += len(chunk)
    return response.status_code, size


async def concurrent(url: str, path: str, clients: int, pid: int) -> dict[str, Any]:
    """``clients`` GETs of ``path`` at once: wall time, statuses, sizes, the server's peak memory
    (PSS of all its processes: a server of several workers serves from its children)."""
    async with httpx.AsyncClient(
        base_url=url, timeout=None, limits=httpx.Limits(max_connections=clients)
    ) as client:
        with Sampler(pid, 0.05, tree=True) as sampler:
            started = time.perf_counter()
            results = await asyncio.gather(*(_fetch(client, path) for _ in range(clients)))
            wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "statuses": sorted({s for s, _ in results}),
        "sizes": sorted({n for _, n in results}),
        "peak_rss_mib": sampler.peak(),
    }


def _get(url: str, path: str, sink: Any = None) -> float:
    """Seconds to GET ``path`` with a plain HTTP/1.1 client (writing the body to ``sink`` if given)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    while chunk := response.read(CHUNK):
        if sink is not None:
            sink.write(chunk)
    took = time.perf_counter() - started
    connection.close()
    return took


def _read(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as file:
        while file.read(CHUNK):
            pass
    return time.perf_counter() - started


@contextlib.contextmanager
def sendfile_server(path: Path) -> Iterator[str]:
    """The least any HTTP server can do: a loopback server answering every request with the
    file's bytes by ``sendfile``, no parsing, no framework. Its URL, until the block ends."""
    size = path.stat().st_size

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            self.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
            self.wfile.flush()
            with path.open("rb") as file:
                self.connection.sendfile(file)

    with loopback_server(Handler) as url:
        yield url


def serve_against_read(url: str, path: str, repeat: int) -> dict[str, Any]:
    """One client fetching the (already built) dump, against reading the same bytes from a
    file and against the same client fetching them from ``sendfile_server``."""
    with tempfile.NamedTemporaryFile(prefix="beskgraph-dump-") as copy:
        _get(url, path, copy)
        copy.flush()
        served = summary([_get(url, path) for _ in range(repeat)])
        read = summary([_read(Path(copy.name)) for _ in range(repeat)])
        with sendfile_server(Path(copy.name)) as raw:
            sent = summary([_get(raw, "/") for _ in range(repeat)])
        size = Path(copy.name).stat().st_size
    return {
        "bytes": size,
        "serve_ms": served,
        "read_ms": read,
        "sendfile_ms": sent,
        "ratio_to_read_p50": served["p50"] / read["p50"],
        "ratio_to_sendfile_p50": served["p50"] / sent["p50"],
    }


def measure_dumps(
    graph: Path, clients: int, ext: str, *, source: Path = ROOT, repeat: int = 5
) -> dict[str, Any]:
    """The whole measurement on one server."""
    path = f"/dump.{ext}"
    with running_server(graph, source=source) as server:
        pid = server.process.pid
        idle = tree_pss_mib(pid)
        first = asyncio.run(concurrent(server.url, path, clients, pid))
        again = asyncio.run(concurrent(server.url, path, clients, pid))
        single = serve_against_read(server.url, path, repeat)
        after = tree_pss_mib(pid)
    return {
        "graph": graph.name,
        "path": path,
        "clients": clients,
        "source": str(source),
        "idle_rss_mib": idle,
        "first": first,
        "again": again,
        "one_client": single,
        "rss_after_mib": after,
    }


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--graph", type=Path, required=True, help="a built graph (N-Quads or TriG)")
    args.add_argument("--clients", type=int, default=8)
    args.add_argument("--ext", default="trig", help="dump extension: trig, nq, ttl, nt, jsonld")
    args.add_argument("--repeat", type=int, default=5)
    args.add_argument("--source", type=Path, default=ROOT, help="checkout whose server runs")
    options = args.parse_args(argv)
    result = measure_dumps(
        options.graph.resolve(),
        options.clients,
        options.ext,
        source=options.source.resolve(),
        repeat=options.repeat,
    )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
