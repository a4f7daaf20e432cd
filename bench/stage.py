"""One corpus size, in a process of its own (so peak memory is this size's): generate,
build, load the store, time the six GraphQL requests against their raw SPARQL, time the
dumps against pyoxigraph's own serialiser. Prints one JSON object.

    python -m bench.stage --size 100 --work /tmp/bench-100
    python -m bench.stage --size 100 --work /tmp/bench-100 --reuse   # its graph.nq again, no build
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from graphql import parse

from bench import indexed
from bench.corpus import generate
from bench.requests import Request, typical_requests
from bench.stats import summary
from beskgraph.aggregates import materialise
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.schema import execute_prepared
from beskgraph.build import build
from beskgraph.config import SEEDS_DIR
from beskgraph.search import search_index
from beskgraph.store.embedded import EmbeddedStore

NQUADS = "application/n-quads"


def peak_mib(who: int) -> float:
    """Peak resident memory (MiB) of this process or of its largest finished child."""
    return resource.getrusage(who).ru_maxrss / 1024


def measure_build(size: int, work: Path) -> tuple[dict[str, Any], bytes]:
    corpus = work / "corpus"
    started = time.perf_counter()
    paths = generate(size, corpus, SEEDS_DIR)
    generated = time.perf_counter() - started
    workers = os.cpu_count() or 1
    started = time.perf_counter()
    result = build(paths, workers=workers)
    wall = time.perf_counter() - started
    if result.failed:
        raise SystemExit(f"{len(result.failed)} generated documents failed: {result.failed[0].error}")
    stages = {
        stage: sum(d.seconds.get(stage, 0.0) for d in result.documents)
        for stage in ("parse", "map", "validate", "serialise")
    }
    started = time.perf_counter()
    nquads = result.serialise("nquads")
    joined = time.perf_counter() - started
    return {
        "documents": len(result.documents),
        "kinds": dict(result.kinds()),
        "triples": result.triples,
        "workers": workers,
        "generate_s": generated,
        "wall_s": wall,
        "cpu_s": stages,
        "documents_per_s": len(result.documents) / wall,
        "triples_per_s": result.triples / wall,
        "parse_map_documents_per_cpu_s": len(result.documents) / (stages["parse"] + stages["map"]),
        "validation_wall_s": stages["validate"] / workers,
        "nquads_join_s": joined,
        "peak_mib": {"main": peak_mib(resource.RUSAGE_SELF), "worker": peak_mib(resource.RUSAGE_CHILDREN)},
    }, nquads


async def _graphql(store: EmbeddedStore, request: Request) -> tuple[float, list[str]]:
    """One run as the server runs a request whose document is in its cache (parsed, validated)."""
    loader = Loader(store)
    document = parse(request.query)
    started = time.perf_counter()
    result = await execute_prepared(document, request.query, request.variables, loader)
    took = time.perf_counter() - started
    if result.errors:
        raise SystemExit(f"{request.name}: {result.errors[0]}")
    return took, loader.queries


def _timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


BUDGET_S = 20.0  # per request and side: stop repeating after this long (at least 5 runs)


def _more(samples: list[float], repeat: int) -> bool:
    return len(samples) < repeat and (len(samples) < 5 or sum(samples) < BUDGET_S)


def measure_queries(store: EmbeddedStore, repeat: int) -> list[dict[str, Any]]:
    """p50/p95 of each request through GraphQL, and of the very SPARQL it ran, run raw."""
    out = []
    for request in typical_requests(store):
        asyncio.run(_graphql(store, request))  # warm-up
        graphql: list[float] = []
        sparql: list[float] = []
        sparql_run: list[str] = []
        while _more(graphql, repeat):
            took, sparql_run = asyncio.run(_graphql(store, request))
            graphql.append(took)
        while _more(sparql, repeat):
            sparql.append(sum(_timed(lambda q=q: store.select(q)) for q in sparql_run))
        g, s = summary(graphql), summary(sparql)
        out.append(
            {
                "request": request.name,
                "graphql_ms": g,
                "sparql_ms": s,
                "sparql_queries": len(sparql_run),
                "ratio_p50": g["p50"] / s["p50"],
            }
        )
    return out


def measure_export(store: EmbeddedStore, nquads: bytes) -> list[dict[str, Any]]:
    """Our deterministic dumps next to pyoxigraph serialising the same quads as they come."""
    raw = ox.Store()
    raw.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)

    def raw_turtle() -> None:
        ox.serialize((q.triple for q in raw), format=ox.RdfFormat.TURTLE)

    out = []
    for name, ours, baseline in (
        ("turtle", lambda: b"".join(store.dump("turtle")), raw_turtle),
        ("nquads", lambda: b"".join(store.dump("nquads")), lambda: raw.dump(format=ox.RdfFormat.N_QUADS)),
    ):
        mine, theirs = _timed(ours), _timed(baseline)
        out.append({"format": name, "ours_s": mine, "store_s": theirs, "ratio": mine / theirs})
    return out


def measure_graph(size: int, nquads: bytes, repeat: int) -> dict[str, Any]:
    """Everything after the build, on the built graph: store load, queries, dumps, indexes."""
    store = EmbeddedStore()
    load = _timed(lambda: store.load_dataset(nquads, NQUADS))
    result = {
        "size": size,
        "requests": [vars(r) for r in typical_requests(store)],
        "store_load_s": load,
        "queries": measure_queries(store, repeat),
        "export": measure_export(store, nquads),
    }
    result["derived_s"] = _timed(lambda: (materialise(store), search_index(store).refresh()))
    result["indexed"] = indexed.measure(store, typical_requests(store), repeat)
    return result


def run(size: int, work: Path, repeat: int, reuse: bool = False) -> dict[str, Any]:
    """Build (unless ``reuse`` and ``work/graph.nq`` exists), then measure the graph."""
    work.mkdir(parents=True, exist_ok=True)
    graph = work / "graph.nq"
    built = None
    if reuse and graph.exists():
        nquads = graph.read_bytes()
    else:
        built, nquads = measure_build(size, work)
        graph.write_bytes(nquads)
    result = measure_graph(size, nquads, repeat)
    if built is not None:
        result["build"] = built
    result["peak_mib_total"] = peak_mib(resource.RUSAGE_SELF)
    return result


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--size", type=int, required=True)
    args.add_argument("--work", type=Path, required=True)
    args.add_argument("--repeat", type=int, default=30)
    args.add_argument("--reuse", action="store_true", help="measure WORK/graph.nq as built before")
    options = args.parse_args(argv)
    json.dump(run(options.size, options.work, options.repeat, options.reuse), sys.stdout)


if __name__ == "__main__":
    main()
