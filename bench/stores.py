"""The same graph in the embedded store and in a remote one: loading, what is derived, the
six typical requests (GraphQL, their SPARQL raw, and with the indexes), and a dump.

    python -m bench.stores --store virtuoso              # a Virtuoso of its own, 1 000 documents
    python -m bench.stores --store http://127.0.0.1:7878 --size 100
    python -m bench.stores --store virtuoso --out docs   # docs/stores-benchmarks.md

A remote store is emptied first (every graph it shows is dropped). The raw SPARQL of each
request is what the GraphQL layer runs on the embedded store, in the two shapes Virtuoso
7.2 evaluates correctly (:func:`portable`), so both stores run the same text; a query a
store cannot run is reported with its error, not left out. The GraphQL column is the
GraphQL layer as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import indexed
from bench.graphs import NQUADS, add_output_options, built_graph, publish, work_folder
from bench.loopback import free_port
from bench.requests import Request, typical_requests
from bench.run import machine
from bench.stats import summary
from bench.virtuoso import running_virtuoso
from beskgraph.aggregates import materialise
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.schema import Context, schema
from beskgraph.search import search_index
from beskgraph.store import EmbeddedStore, Store, StoreError, open_store


def portable(query: str) -> str:
    """The same query in a shape Virtuoso 7.2 gets right: an IRI sort key projected, not bound."""
    if "BIND(STR(?s) AS ?k)" in query:
        query = query.replace("BIND(STR(?s) AS ?k)", "").replace("?s ?k WHERE", "?s (STR(?s) AS ?k) WHERE", 1)
    return query


def _timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _graphql(store: Store, request: Request) -> None:
    result = asyncio.run(
        schema.execute(request.query, variable_values=request.variables, context_value=Context(Loader(store)))
    )
    if result.errors:
        raise StoreError(str(result.errors[0]))


def _p50(function: Callable[[], object], repeat: int) -> dict[str, Any]:
    try:
        function()
    except StoreError as exc:
        return {"error": str(exc).split("\n", 1)[0][:300]}
    return summary([_timed(function) for _ in range(repeat)])


def measure(
    store: Store, nquads: bytes, requests: list[Request], recorded: dict[str, list[str]], repeat: int
) -> dict[str, Any]:
    """Every figure of one store, loaded here with ``nquads``."""
    out: dict[str, Any] = {
        "store": store.description,
        "load_s": _timed(lambda: store.load_dataset(nquads, NQUADS)),
    }
    out["quads"] = store.count()
    out["derived_s"] = _timed(lambda: (materialise(store), search_index(store).refresh()))
    out["graphql_ms"] = {r.name: _p50(lambda r=r: _graphql(store, r), repeat) for r in requests}
    out["indexed"] = indexed.measure(store, requests, repeat, queries=recorded)
    try:
        out["dump_nquads_s"] = _timed(lambda: b"".join(store.dump("nquads")))
    except StoreError as exc:
        out["dump_nquads_s"], out["dump_error"] = float("nan"), str(exc)[:300]
    return out


@contextmanager
def remote(name: str, work: Path) -> Iterator[Store]:
    """The remote store to measure: a Virtuoso of its own, or the server at a URL, emptied."""
    if name == "virtuoso":
        with running_virtuoso(
            Path(tempfile.mkdtemp(prefix="virtuoso-", dir=work)), free_port(), free_port()
        ) as server:
            store = server.empty_store()
            yield store
            store.close()
        return
    store = open_store(name)
    for graph in store.graphs():
        store.drop_graph(graph)
    yield store
    store.close()


def run(size: int, name: str, repeat: int, work: Path) -> dict[str, Any]:
    nquads = built_graph(size, work)
    embedded, recording = EmbeddedStore(), EmbeddedStore()
    recording.load_dataset(nquads, NQUADS)
    requests = typical_requests(recording)
    recorded = {r.name: [portable(q) for q in indexed.recorded(recording, r)] for r in requests}
    recording.close()
    report: dict[str, Any] = {"size": size, "machine": machine(), "stores": []}
    print(f"[bench.stores] {size} documents: embedded …", file=sys.stderr, flush=True)
    report["stores"].append(measure(embedded, nquads, requests, recorded, repeat))
    print(f"[bench.stores] {size} documents: {name} …", file=sys.stderr, flush=True)
    with remote(name, work) as store:
        report["stores"].append(measure(store, nquads, requests, recorded, repeat))
    return report


def _cell(figure: dict[str, Any]) -> str:
    return f"failed: {figure['error'][:100]}" if "error" in figure else f"{figure['p50']:.1f}"


def markdown(report: dict[str, Any]) -> str:
    stores = report["stores"]
    base = stores[0]
    out = [
        f"# The embedded store against a remote one, {report['size']:,} documents",
        "",
        f"{report['machine']['cores']} cores, Python {report['machine']['python']}. "
        "Written by `python -m bench.stores`.",
        "",
        "| | " + " | ".join(s["store"] for s in stores) + " | ratio |",
        "|---|" + "---|" * (len(stores) + 1),
    ]
    for key, label in (
        ("load_s", "load (s)"),
        ("derived_s", "aggregates graph + search index (s)"),
        ("dump_nquads_s", "N-Quads dump (s)"),
    ):
        out.append(
            f"| {label} | "
            + " | ".join(f"{s[key]:.2f}" for s in stores)
            + f" | {stores[-1][key] / base[key]:.1f}× |"
        )
    out.append("| quads | " + " | ".join(f"{s['quads']:,}" for s in stores) + " | |")
    out += [
        "",
        "p50 ms of each typical request: through GraphQL, its SPARQL run raw, and with the indexes.",
        "",
        "| request | " + " | ".join(f"{s['store']}: GraphQL / raw / indexed" for s in stores) + " |",
        "|---|" + "---|" * len(stores),
    ]
    for index, request in enumerate(base["graphql_ms"]):
        cells = []
        for s in stores:
            row = s["indexed"][index]
            raw = _cell(row["raw_ms"]) if "raw_ms" in row else f"failed: {row['error'][:100]}"
            ix = _cell(row["indexed_ms"]) if "indexed_ms" in row else "-"
            cells.append(f"{_cell(s['graphql_ms'][request])} / {raw} / {ix}")
        out.append(f"| {request} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--store", default="virtuoso", help="virtuoso (started here) or a SPARQL server URL")
    args.add_argument("--size", type=int, default=1000)
    args.add_argument("--repeat", type=int, default=20)
    add_output_options(args, "stores-benchmarks")
    options = args.parse_args(argv)
    with work_folder(options.work) as work:
        report = run(options.size, options.store, options.repeat, work)
    publish(report, markdown(report), options.out, "stores-benchmarks")


if __name__ == "__main__":
    main()
