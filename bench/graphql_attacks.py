"""``server.py`` on a synthetic corpus under each GraphQL attack of the security review.

For each attack: what the attacker gets, how fast ``/health`` answers another client
meanwhile (against the idle server, measured first in the same run) and the server's
resident memory (before, peak, after). Preparation times of hostile documents come
first (``bench/graphql_documents.py``). Linux only (reads ``/proc``).

    python -m bench.graphql_attacks [--size 1000] [--out attacks.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import select
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench import graphql_documents
from bench.load import running_server
from bench.memory import tree_cpu_s, tree_pss_mib
from bench.stage import measure_build
from bench.stats import summary

NESTED = (
    "{ municipalities(first: 100) { nodes { code interventions(first: 100) { nodes { title "
    "evidenceTest { score assessments(first: 10) { nodes { answer criterion { statement } } } } "
    "} } } } }"
)
SHORT_NESTED = (
    "{municipalities(first:100){nodes{interventions(first:100){nodes{tests{assessments{nodes{"
    "criterion{assessments(first:100){nodes{text}}}}}}}}}}}"
)
HEAVY = (
    "{ interventions(first: 100) { nodes { tests { assessments(first: 10) { nodes { criterion { "
    "assessments(first: 40) { nodes { text } } } } } } } } }"
)  # cost 432 102: allowed


EXTRA_FIGURES = (
    "bytes_sent_before_answer",
    "largest_response_bytes",
    "cpu_s_per_s_while_running",
    "cpu_s_per_s_after_close",
)


def _pid_of(port: int) -> int:
    """The server process listening on ``port`` (started with ``--port``)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"server.py" in b" ".join(argv) and str(port).encode() in argv:
                return int(entry.name)
    raise LookupError(f"no server.py on port {port}")


# The server's memory and CPU: of all its processes (its worker and their query processes).
rss_mib, cpu_s = tree_pss_mib, tree_cpu_s


class Watch:
    """While an attack runs: /health latencies from another client, the server's RSS."""

    def __init__(self, url: str, pid: int) -> None:
        self.url, self.pid = url, pid
        self.health: list[float] = []
        self.rss: list[float] = []
        self._done = threading.Event()
        self._threads = [threading.Thread(target=self._probe), threading.Thread(target=self._sample)]

    def __enter__(self) -> Watch:
        self.before = rss_mib(self.pid)
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join()
        time.sleep(1)
        self.after = rss_mib(self.pid)

    def _probe(self) -> None:
        with httpx.Client(base_url=self.url, timeout=120) as client:
            while not self._done.is_set():
                started = time.perf_counter()
                client.get("/health")
                self.health.append(time.perf_counter() - started)
                self._done.wait(0.1)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.rss.append(rss_mib(self.pid))
            self._done.wait(0.05)

    def figures(self) -> dict[str, Any]:
        return {
            "health_ms": summary(self.health),
            "health_max_ms": max(self.health, default=0) * 1000,
            "rss_mib": {
                "before": self.before,
                "peak": max(self.rss, default=self.before),
                "after": self.after,
            },
        }


def _codes(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return str(response.status_code)
    found = sorted({e.get("extensions", {}).get("code", "?") for e in errors}) or ["OK"]
    return f"{response.status_code} {'/'.join(found)}"


def _repeat(
    url: str,
    clients: int,
    seconds: float,
    send: Callable[[httpx.Client, int], httpx.Response],
    total: int | None = None,
) -> dict[str, Any]:
    """``clients`` threads sending ``send(client, n)`` for ``seconds`` (or ``total`` requests in
    all): outcomes, sizes, latencies."""
    outcomes: dict[str, int] = {}
    sizes, took = [], []
    stop = time.monotonic() + seconds

    def client_loop(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            n = offset
            while time.monotonic() < stop and (total is None or n < total):
                started = time.perf_counter()
                response = send(client, n)
                took.append(time.perf_counter() - started)
                sizes.append(len(response.content))
                outcome = _codes(response)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                n += clients

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "outcomes": outcomes,
        "requests": len(took),
        "attacker_ms": summary(took),
        "largest_response_bytes": max(sizes, default=0),
    }


def _post(query: str, **extra: Any) -> Callable[[httpx.Client, int], httpx.Response]:
    return lambda client, n: client.post("/graphql", json={"query": query, **extra})


def stream_until_answered(url: str, limit: int = 2**30) -> tuple[int, int]:
    """POST /graphql a chunked body of spaces until the server answers (or ``limit`` bytes
    are sent): the answer's status (0: none) and the bytes sent."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
    sock.sendall(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
    pending, sent, answer = b"", 0, b""
    sock.setblocking(False)
    try:
        while sent < limit:
            readable, writable, _ = select.select([sock], [sock], [], 10)
            if readable:
                answer = sock.recv(4096)
                break
            if not writable:
                break
            pending = pending or chunk
            count = sock.send(pending)
            pending, sent = pending[count:], sent + count
    except OSError:  # reset by the server after its answer
        with contextlib.suppress(OSError):
            answer = answer or sock.recv(4096)
    finally:
        sock.close()
    return (int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0), sent


def _huge_body(url: str) -> dict[str, Any]:
    status, sent = stream_until_answered(url)
    return {"outcomes": {str(status): 1}, "bytes_sent_before_answer": sent}


def _disconnect(url: str, pid: int) -> dict[str, Any]:
    """A heavy query whose client goes after 2 s: server CPU before and after it went."""
    body = json.dumps({"query": HEAVY}).encode()
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
    sock.sendall(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    time.sleep(1)
    start = cpu_s(pid)
    time.sleep(1)
    running = cpu_s(pid) - start
    sock.close()
    time.sleep(1)  # the run stops at its next await
    after = cpu_s(pid)
    time.sleep(2)
    return {
        "outcomes": {"client closed": 1},
        "cpu_s_per_s_while_running": running,
        "cpu_s_per_s_after_close": (cpu_s(pid) - after) / 2,
    }


def attacks(url: str, pid: int) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    fan_out = graphql_documents.fan_out
    aliases = "{ " + " ".join(f"a{i}: " + NESTED[2:-2] for i in range(28)) + " }"
    explain = (
        "query ($t: String) { "
        + " ".join(f"a{i}: interventions(filter: {{text: $t}}) {{ totalCount }}" for i in range(30))
        + " }"
    )
    return [
        (
            "fan-out 2^22 (1 KB), 4 clients, 10 s",
            lambda: _repeat(
                url,
                4,
                10,
                lambda c, n: c.post("/graphql", json={"query": fan_out(22).replace("F", f"G{n}x")}),
            ),
        ),
        ("232-byte query over 4 nested lists", lambda: _repeat(url, 1, 60, _post(SHORT_NESTED), total=1)),
        ("28 aliases x nested lists", lambda: _repeat(url, 1, 60, _post(aliases), total=1)),
        ("heaviest allowed query (cost 431 102), 4 clients, 20 s", lambda: _repeat(url, 4, 20, _post(HEAVY))),
        ("1 GB POST, chunked", lambda: _huge_body(url)),
        (
            "300 distinct 1 MB documents",
            lambda: _repeat(
                url,
                2,
                600,
                lambda c, n: c.post("/graphql", json={"query": "{ __typename }" + f"# {n}" + " " * 990_000}),
                total=300,
            ),
        ),
        (
            "300 distinct 99 KB documents (allowed)",
            lambda: _repeat(
                url,
                2,
                600,
                lambda c, n: c.post(
                    "/graphql", json={"query": f"# {n}\n" + ("#" + "x" * 97 + "\n") * 990 + "{ __typename }"}
                ),
                total=300,
            ),
        ),
        (
            "explain, 30 aliases x 9 KB text",
            lambda: _repeat(
                url,
                1,
                60,
                _post(explain, variables={"t": "ledighed " * 1000}, extensions={"explain": True}),
                total=1,
            ),
        ),
        ("client disconnects from a heavy query", lambda: _disconnect(url, pid)),
    ]


def measure(size: int, work: Path, graph: Path | None = None) -> dict[str, Any]:
    if graph is None:
        print(f"[attacks] building a {size}-document corpus …", flush=True)
        _, nquads = measure_build(size, work)
        graph = work / "graph.nq"
        graph.write_bytes(nquads)
    result: dict[str, Any] = {"size": size, "documents": graphql_documents.measure(), "attacks": []}
    # one worker: /health shares the process with the attack, as a single-process server did
    with running_server(graph, workers=1) as server:
        url = server.url
        pid = _pid_of(urlsplit(url).port or 0)
        with Watch(url, pid) as idle:
            time.sleep(5)
        result["idle"] = idle.figures()
        for name, attack in attacks(url, pid):
            print(f"[attacks] {name} …", flush=True)
            with Watch(url, pid) as watch:
                outcome = attack()
            result["attacks"].append({"attack": name, **outcome, **watch.figures()})
    return result


def report(result: dict[str, Any]) -> str:
    idle = result["idle"]
    lines = [
        graphql_documents.report(result["documents"]),
        "",
        f"server.py on {result['size']} documents; idle: /health p50 {idle['health_ms']['p50']:.0f} ms, "
        f"max {idle['health_max_ms']:.0f} ms, RSS {idle['rss_mib']['after']:.0f} MiB",
        "",
    ]
    for row in result["attacks"]:
        rss = row["rss_mib"]
        extra = {k: v for k, v in row.items() if k in EXTRA_FIGURES}
        lines.append(
            f"- {row['attack']}: {row['outcomes']}; /health p50 {row['health_ms']['p50']:.0f} ms, "
            f"p99 {row['health_ms']['p99']:.0f} ms, max {row['health_max_ms']:.0f} ms "
            f"({row['health_ms']['p99'] / max(idle['health_ms']['p99'], 1e-9):.1f}x idle p99); RSS "
            f"{rss['before']:.0f} -> peak {rss['peak']:.0f} -> {rss['after']:.0f} MiB; "
            + ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in extra.items())
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--size", type=int, default=1000)
    args.add_argument("--graph", type=Path, help="an N-Quads graph of --size documents built before")
    args.add_argument("--out", type=Path, help="also write the figures as JSON here")
    options = args.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="beskgraph-attacks-") as scratch:
        result = measure(options.size, Path(scratch), options.graph)
    if options.out:
        options.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(report(result))


if __name__ == "__main__":
    main()
