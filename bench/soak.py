"""Soak test: ``server.py`` on loopback under many clients for a while, well-behaved requests
(GraphQL, SPARQL, dumps, the description) with hostile ones mixed in. Reports errors and
p50/p99 per kind of well-behaved request, the statuses the hostile ones got, whether a
loopback canary was contacted (it must not be: no outbound requests), and the memory of the
server's processes (PSS) sampled every second, with its slope. Prints the report and writes
docs/soak.{md,json}.

    python -m bench.soak                              # 64 clients, 60 s, 100 generated documents
    python -m bench.soak --graph out/graph.nq --seconds 300
    python -m bench.soak --hostile "huge body" SERVICE costly fragments union
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import socketserver
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.calls import DEFAULT_HOSTILE, Call, hostile, polite
from bench.load import ROOT, Server, Tally, client_loop, loopback_server, running_server, send
from bench.memory import Sampler
from bench.requests import typical_requests
from bench.stats import slope, summary
from beskgraph.store.embedded import EmbeddedStore

CLIENTS, SECONDS, HOSTILE_CLIENTS = 64, 60.0, 4  # the defaults: 4 of the 64 clients are hostile


async def _hostile_client(client: httpx.AsyncClient, calls: list[Call], offset: int, tally: Tally) -> None:
    """Hostile requests one after another until cancelled (a request cut off is not counted)."""
    index = offset
    while True:
        call = calls[index % len(calls)]
        index += 1
        key = f"{call.kind}: {call.name}"
        started = time.perf_counter()
        try:
            status, body, _problem = await send(client, call)
            outcome = f"{status}{graphql_error(body)}"
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        tally.hostile.setdefault(key, Counter())[outcome] += 1
        tally.hostile_latencies.setdefault(key, []).append(time.perf_counter() - started)


def graphql_error(body: bytes) -> str:
    """`` CODE`` (or the start of the message) of a GraphQL answer's first error, else ``""``."""
    with contextlib.suppress(ValueError, AttributeError, TypeError, IndexError, KeyError):
        error = json.loads(body)["errors"][0]
        return " " + str((error.get("extensions") or {}).get("code") or repr(error["message"][:60]))
    return ""


@contextlib.contextmanager
def canary() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP listener that records every request line it gets (it must get none);
    it answers like a SPARQL endpoint with no results, as a bypass would want."""
    seen: list[str] = []
    body = b'{"head": {"vars": []}, "results": {"bindings": []}}'

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            seen.append(self.rfile.readline(200).decode(errors="replace").strip())
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )

    with loopback_server(Handler) as url:
        yield url, seen


async def soak(
    server: Server,
    polite_calls: list[Call],
    hostile_calls: list[Call],
    clients: int,
    hostile_clients: int,
    seconds: float,
) -> tuple[Tally, Sampler, float]:
    """Run the clients for ``seconds``; the server's memory (PSS of its processes) sampled every second."""
    tally = Tally()
    # idle connections are dropped before uvicorn's keep-alive timeout (5 s) could close one
    # that is being reused (the client would see a ReadError that is no fault of the request)
    limits = httpx.Limits(max_connections=clients, keepalive_expiry=2)
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client,
        httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as rough,
    ):
        with Sampler(server.process.pid, 1.0, tree=True) as sampler:
            started = time.monotonic()
            stop = started + seconds
            attackers = [
                asyncio.create_task(_hostile_client(rough, hostile_calls, i, tally))
                for i in range(hostile_clients if hostile_calls else 0)
            ]
            starts = _starts(polite_calls, clients - len(attackers))
            await asyncio.gather(*(client_loop(client, polite_calls, at, stop, tally) for at in starts))
            for attacker in attackers:
                attacker.cancel()
            await asyncio.gather(*attackers, return_exceptions=True)
            elapsed = time.monotonic() - started
    return tally, sampler, elapsed


def _starts(calls: list[Call], clients: int) -> list[int]:
    """Where in ``calls`` each client starts: each kind of call first by one client (so a short
    run with at least as many clients as kinds sends every kind: a client sends its first call
    however late it gets to run), the next clients a few calls further on."""
    first: dict[str, int] = {}
    for index, call in enumerate(calls):
        first.setdefault(call.kind, index)
    firsts = list(first.values())
    return [firsts[i % len(firsts)] + 7 * (i // len(firsts)) for i in range(clients)]


def memory(sampler: Sampler) -> dict[str, Any]:
    """Memory figures (PSS), slopes in MiB per minute over the whole run and its second half; open files."""
    samples = sampler.samples
    points = [(sample.seconds, sample.mib) for sample in samples]
    half = [(t, mib) for t, mib in points if t >= points[-1][0] / 2]
    return {
        "samples": [[round(x.seconds, 1), round(x.mib, 1), x.children, x.files] for x in samples],
        "start_mib": points[0][1],
        "end_mib": points[-1][1],
        "max_mib": max(m for _, m in points),
        "slope_mib_per_min": slope(points) * 60,
        "second_half_slope_mib_per_min": slope(half) * 60,
        "max_children": max(x.children for x in samples),
        "open_files": {
            "start": samples[0].files,
            "end": samples[-1].files,
            "max": max(x.files for x in samples),
        },
    }


def run(
    graph: Path, clients: int, seconds: float, hostile_kinds: list[str], hostile_clients: int
) -> dict[str, Any]:
    """Start the server on ``graph``, soak it, check it still answers, and report."""
    store = EmbeddedStore()
    store.load_dataset(graph.read_bytes(), "application/n-quads")
    requests = typical_requests(store)  # their variables picked from the graph
    triples = store.count()
    del store
    with canary() as (canary_url, contacted), running_server(graph) as server:
        catalogue = hostile(canary_url)
        hostile_calls = [call for kind in hostile_kinds for call in catalogue[kind]]
        tally, sampler, elapsed = asyncio.run(
            soak(server, polite(requests), hostile_calls, clients, hostile_clients, seconds)
        )
        alive = server.process.poll() is None
        health = None
        if alive:
            with contextlib.suppress(httpx.HTTPError):
                health = httpx.get(server.url + "/health", timeout=30).status_code
        log = server.log_tail(1 << 30)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "graph": {"file": graph.name, "triples": triples},
        "settings": {
            "clients": clients,
            "hostile_clients": hostile_clients if hostile_calls else 0,
            "seconds": seconds,
            "hostile": hostile_kinds,
        },
        "elapsed_s": elapsed,
        "polite": {
            kind: {
                "latency_ms": summary(values),
                "errors": len(tally.errors.get(kind, [])),
                "first_errors": tally.errors.get(kind, [])[:3],
            }
            for kind, values in sorted(tally.latencies.items())
        },
        "hostile": {
            key: {
                "statuses": dict(sorted(counts.items())),
                "latency_ms": summary(tally.hostile_latencies[key]),
            }
            for key, counts in sorted(tally.hostile.items())
        },
        "memory": memory(sampler),
        "canary_requests": len(contacted),
        "server_alive": alive,
        "health_after": health,
        "refusals_logged": sum("refused" in line for line in log.splitlines()),
        "server_errors": [line[:300] for line in log.splitlines() if "ASGI" in line],  # uvicorn's
    }


def markdown(result: dict[str, Any]) -> str:
    """The soak report."""
    s = result["settings"]
    m = result["memory"]
    out = [
        "# Soak test",
        "",
        f"Run {result['date']}: `server.py` (in-memory store) on {result['graph']['triples']:,} quads, "
        f"{s['clients']} clients for {result['elapsed_s']:.0f} s on loopback, "
        f"{s['hostile_clients']} of them sending hostile requests ({', '.join(s['hostile']) or 'none'}). "
        "Regenerate with `python -m bench.soak` (see its `--help`).",
        "",
        "## Well-behaved requests",
        "",
        "| kind | requests | errors | p50 ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    for kind, row in result["polite"].items():
        lat = row["latency_ms"]
        out.append(f"| {kind} | {lat['n']} | {row['errors']} | {lat['p50']:.1f} | {lat['p99']:.1f} |")
    errors = [e for row in result["polite"].values() for e in row["first_errors"]]
    if errors:
        out += ["", "First errors:", ""] + [f"- `{e}`" for e in errors]
    out += [
        "",
        "## Hostile requests",
        "",
        "| request | answers (count) | p50 ms | p99 ms |",
        "|---|---|---|---|",
    ]
    for key, row in result["hostile"].items():
        statuses = ", ".join(f"{k} ({v})" for k, v in row["statuses"].items())
        out.append(
            f"| {key} | {statuses} | {row['latency_ms']['p50']:.0f} | {row['latency_ms']['p99']:.0f} |"
        )
    out += [
        "",
        "## The server",
        "",
        f"- Outbound requests: the loopback canary named in SERVICE queries was contacted "
        f"**{result['canary_requests']}** times (must be 0).",
        f"- Still running after the soak: {'yes' if result['server_alive'] else '**no**'}; "
        f"`/health` then: {result['health_after']}.",
        f"- Refused requests logged: {result['refusals_logged']} lines; unhandled exceptions: "
        f"{len(result['server_errors'])}" + "".join(f"; `{e}`" for e in result["server_errors"][:3]) + ".",
        f"- Memory (PSS of all the server's processes) sampled every second: {m['start_mib']:.0f} MiB "
        f"at the start, {m['end_mib']:.0f} at the end, {m['max_mib']:.0f} at most; "
        f"slope {m['slope_mib_per_min']:+.1f} MiB/min over the run, "
        f"{m['second_half_slope_mib_per_min']:+.1f} MiB/min over its second half; "
        f"at most {m['max_children']} child processes of the server (its workers).",
        f"- Open files: {m['open_files']['start']} at the start, {m['open_files']['end']} at the end, "
        f"{m['open_files']['max']} at most.",
        "",
    ]
    return "\n".join(out)


def graph_for(size: int, work: Path) -> Path:
    """Generate ``size`` documents, build them with the real parsers, write graph.nq."""
    from bench.stage import measure_build

    print(f"[soak] building {size} generated documents …", file=sys.stderr, flush=True)
    _built, nquads = measure_build(size, work)
    graph = work / "graph.nq"
    graph.write_bytes(nquads)
    return graph


def write(result: dict[str, Any], out: Path) -> None:
    """docs/soak.json and docs/soak.md."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (out / "soak.md").write_text(markdown(result), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument(
        "--graph", type=Path, help="a built graph (N-Quads); default: generate and build --size documents"
    )
    args.add_argument("--size", type=int, default=100, help="documents to generate (default 100)")
    args.add_argument("--clients", type=int, default=CLIENTS)
    args.add_argument("--seconds", type=float, default=SECONDS)
    args.add_argument(
        "--hostile",
        nargs="*",
        default=DEFAULT_HOSTILE,
        choices=list(hostile("")),
        help=f"hostile kinds (default: {', '.join(DEFAULT_HOSTILE)}); none: --hostile",
    )
    args.add_argument("--hostile-clients", type=int, default=HOSTILE_CLIENTS)
    args.add_argument("--out", type=Path, default=ROOT / "docs", help="where soak.json/.md go")
    options = args.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="beskgraph-soak-") as scratch:
        graph = options.graph.resolve() if options.graph else graph_for(options.size, Path(scratch))
        result = run(graph, options.clients, options.seconds, options.hostile, options.hostile_clients)
    write(result, options.out)
    print(markdown(result))


if __name__ == "__main__":
    main()
