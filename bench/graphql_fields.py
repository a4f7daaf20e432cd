"""Where a GraphQL request's time goes, field by field, against the SPARQL it runs.

    python -m bench.graphql_fields [--size 10] [--repeat 100] [--profile]

Builds a synthetic corpus (bench/corpus.py) with the real parsers, loads it into the
embedded store and, for each of the six typical requests (bench/requests.py), measures
in one process:

- GraphQL as the server runs it: the document parsed and validated once (the server's
  document cache), then executed; p50 over the runs;
- the very SPARQL queries it sent, run one after another: the baseline, p50;
- field by field (``Type.field``): how often graphql-core called the field's resolver
  (a plain attribute's getter too) and the time spent in those calls, measured by a
  graphql-core middleware in separate runs (the middleware's own cost inflates these);
- with ``--profile``: cProfile's functions, grouped by package.

The GraphQL target is at most 1.3x the raw SPARQL for every request.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphql import execute, parse

from bench.corpus import generate
from bench.report import MAX_GRAPHQL_RATIO as TARGET
from bench.requests import Request, typical_requests
from bench.stats import summary
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.schema import Context, execute_prepared, schema
from beskgraph.build import build
from beskgraph.config import SEEDS_DIR
from beskgraph.store.embedded import EmbeddedStore

CLOCK = time.perf_counter  # --cpu: time.process_time (every thread's CPU time, blind to other processes)
NQUADS = "application/n-quads"


def load(size: int) -> EmbeddedStore:
    """The embedded store with a built corpus of ``size`` documents."""
    with tempfile.TemporaryDirectory(prefix="beskgraph-fields-") as work:
        result = build(generate(size, Path(work) / "corpus", SEEDS_DIR))
        store = EmbeddedStore()
        store.load_dataset(result.serialise("nquads"), NQUADS)
    return store


async def run_graphql(store: EmbeddedStore, request: Request, document: Any) -> tuple[float, list[str]]:
    """One run as the server runs it (prepared document); its time and the SPARQL it sent."""
    loader = Loader(store)
    started = CLOCK()
    result = await execute_prepared(document, request.query, request.variables, loader)
    took = CLOCK() - started
    if result.errors:
        raise SystemExit(f"{request.name}: {result.errors[0]}")
    return took, loader.queries


def run_sparql(store: EmbeddedStore, queries: list[str]) -> float:
    started = CLOCK()
    for query in queries:
        store.select(query)
    return CLOCK() - started


class FieldTimer:
    """A graphql-core middleware timing each field's resolver call (awaiting it, if async)."""

    def __init__(self) -> None:
        self.runs = 0
        self.calls: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def resolve(self, next_: Callable[..., Any], root: Any, info: Any, **arguments: Any) -> Any:
        key = f"{info.parent_type.name}.{info.field_name}"
        started = time.perf_counter()
        result = next_(root, info, **arguments)
        if info.is_awaitable(result):
            return self._awaited(key, started, result)
        self.calls[key] += 1
        self.seconds[key] += time.perf_counter() - started
        return result

    async def _awaited(self, key: str, started: float, result: Any) -> Any:
        try:
            return await result
        finally:
            self.calls[key] += 1
            self.seconds[key] += time.perf_counter() - started


async def time_fields(store: EmbeddedStore, request: Request, runs: int) -> FieldTimer:
    """Per-field resolver time over ``runs`` runs (graphql-core's execute with the middleware)."""
    timer = FieldTimer()
    document = parse(request.query)
    for _ in range(runs):
        timer.runs += 1
        result = execute(
            schema._schema,
            document,
            context_value=Context(Loader(store)),
            variable_values=request.variables,
            middleware=[timer],
            executor_class=schema.execution_context_class,
        )
        if hasattr(result, "__await__"):
            result = await result
        if result.errors:
            raise SystemExit(f"{request.name}: {result.errors[0]}")
    return timer


def measure(store: EmbeddedStore, repeat: int) -> list[dict[str, Any]]:
    rows = []
    for request in typical_requests(store):
        document = parse(request.query)
        asyncio.run(run_graphql(store, request, document))  # warm-up
        graphql, sparql = [], []
        for _ in range(repeat):  # interleaved: both sides meet the same load on a shared machine
            took, sent = asyncio.run(run_graphql(store, request, document))
            graphql.append(took)
            sparql.append(run_sparql(store, sent))
        g, s = summary(graphql), summary(sparql)
        timer = asyncio.run(time_fields(store, request, max(3, repeat // 10)))
        rows.append(
            {
                "request": request.name,
                "graphql_ms": g["p50"],
                "sparql_ms": s["p50"],
                "queries": len(sent),
                "ratio": g["p50"] / s["p50"],
                "fields": timer,
            }
        )
    return rows


def profile(store: EmbeddedStore, runs: int) -> pstats.Stats:
    """cProfile of every typical request, ``runs`` times each."""
    requests = [(r, parse(r.query)) for r in typical_requests(store)]
    profiler = cProfile.Profile()
    profiler.enable()
    for request, document in requests:
        for _ in range(runs):
            asyncio.run(run_graphql(store, request, document))
    profiler.disable()
    return pstats.Stats(profiler)


PACKAGES = (
    "beskgraph/api/graphql",
    "beskgraph/store",
    "strawberry",
    "graphql",
    "asyncio",
    "pyoxigraph",
    "anyio",
    "concurrent",
    "threading",
)


def by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own time (tottime) of the profiled functions, by package."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        package = next((p for p in PACKAGES if f"/{p}/" in filename or filename.startswith(p)), "other")
        totals[package] += tottime
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def report(rows: list[dict[str, Any]], top: int = 6) -> str:
    lines = [
        "| request | SPARQL queries | GraphQL p50 ms | raw SPARQL p50 ms | GraphQL / raw | target |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = "met" if row["ratio"] <= TARGET else f"**missed** ({row['ratio'] / TARGET:.2f}x over)"
        lines.append(
            f"| {row['request']} | {row['queries']} | {row['graphql_ms']:.2f} | "
            f"{row['sparql_ms']:.2f} | {row['ratio']:.2f} | ≤ {TARGET}: {verdict} |"
        )
    lines.append("")
    for row in rows:
        timer: FieldTimer = row["fields"]
        total = sum(timer.seconds.values()) or 1.0
        busiest = sorted(timer.seconds, key=lambda k: -timer.seconds[k])[:top]
        shown = ", ".join(
            f"{k} ×{timer.calls[k] // timer.runs} {100 * timer.seconds[k] / total:.0f} %" for k in busiest
        )
        calls = sum(timer.calls.values()) // timer.runs
        lines.append(f"- {row['request']}: {calls} field calls a run; most time in: {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--size", type=int, default=10)
    args.add_argument("--repeat", type=int, default=100)
    args.add_argument("--profile", action="store_true")
    args.add_argument("--cpu", action="store_true", help="time CPU time, not wall time (a loaded machine)")
    options = args.parse_args(argv)
    global CLOCK
    if options.cpu:
        CLOCK = time.process_time
    store = load(options.size)
    print(f"{options.size} documents; GraphQL against the SPARQL it sends (p50 of {options.repeat} runs)\n")
    print(report(measure(store, options.repeat)))
    if options.profile:
        stats = profile(store, max(5, options.repeat // 5))
        print("\nOwn time by package (cProfile, every request):")
        for package, seconds in by_package(stats).items():
            print(f"  {package:<24} {seconds * 1000:9.1f} ms")
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
