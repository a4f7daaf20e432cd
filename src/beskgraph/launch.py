"""Start the service: fill the store (build from sources, or load a built graph) and serve.

Used by ``python server.py`` and ``beskgraph serve``. A persistent store that already
holds a graph is served as it is unless ``--rebuild`` is given, so a restart is quick.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from .build import build, format_for
from .config import SEEDS_DIR
from .store import Store, open_store

log = logging.getLogger("beskgraph")
MEDIA_TYPES = {"trig": "application/trig", "nquads": "application/n-quads", "turtle": "text/turtle",
               "nt": "application/n-triples"}


def fill_store(store: Store, *, graph: Path | None = None, sources: Sequence[Path] = (SEEDS_DIR,),
               rebuild: bool = False) -> str:
    """Put the graph into ``store``; returns what was done, for the log."""
    if graph is not None:
        store.load_dataset(graph.read_bytes(), MEDIA_TYPES[format_for(graph)])
        return f"loaded {graph}"
    if store.count() and not rebuild:
        return f"serving the {store.count()} quads already in the store"
    result = build(list(sources))
    for outcome in result.documents:
        if outcome.error:
            log.warning("left out %s", outcome.error)
    store.load_dataset(result.serialise("nquads"), MEDIA_TYPES["nquads"])
    return f"built {len(result.documents) - len(result.failed)} documents, {result.triples} triples"


def parser() -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(description="Build the beskgraph graph and serve its API.")
    args.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    args.add_argument("--port", type=int, default=None, help="default: env PORT, then 8000")
    args.add_argument("--store", default=None,
                      help="memory (default), oxigraph:/dir, or a SPARQL server URL (env BESKGRAPH_STORE)")
    args.add_argument("--graph", type=Path, default=None, help="serve a built graph instead of building")
    args.add_argument("--rebuild", action="store_true", help="rebuild even if the store holds a graph")
    args.add_argument("sources", nargs="*", type=Path, help="source files or folders (default: seeds/)")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    from .api.serve import serve

    options = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    store = open_store(options.store)
    log.info(fill_store(store, graph=options.graph, sources=options.sources or [SEEDS_DIR],
                        rebuild=options.rebuild))
    serve(store, host=options.host, port=options.port, extra_routes=extra_routes(store))


def extra_routes(store: Store) -> list:
    """Routes beyond SPARQL and dumps: the GraphQL endpoint (it reaches the store via the app)."""
    from .api.graphql import graphql_routes

    return graphql_routes()
