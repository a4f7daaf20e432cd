"""Start the service: fill the store (build from sources, or load a built graph) and serve.

Used by ``python server.py`` and ``beskgraph serve``. A persistent store that already
holds a graph is served as it is unless ``--rebuild`` is given, so a restart is quick;
``--rebuild`` brings it in line with the sources, writing only the graphs that changed.
Documents that cannot be used are left out and logged; the service starts regardless.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from .build import BuildResult, build, format_for
from .cache import BuildCache, default_cache
from .config import SEEDS_DIR
from .formats.table import GRAPH_FORMATS
from .model.common import Status
from .store import Store, open_store
from .sync import stored_hashes, sync

log = logging.getLogger("beskgraph")
MEDIA_TYPES = {fmt: fmt.media_type for fmt in GRAPH_FORMATS}  # by the format format_for gives
LOGGED_WARNINGS = 20


def fill_store(store: Store, *, graph: Path | None = None, sources: Sequence[Path] = (SEEDS_DIR,),
               rebuild: bool = False, cache: BuildCache | None = None) -> str:
    """Put the graph into ``store``; returns what was done, for the log.

    A store that holds a build is brought in line with the sources graph by graph: only
    documents whose content changed are parsed and validated again (``cache``: default
    location, see :mod:`beskgraph.cache`), and only their graphs are written.
    """
    if graph is not None:
        store.load_dataset(graph.read_bytes(), MEDIA_TYPES[format_for(graph)])
        return f"loaded {graph}"
    held = store.count()
    if held and not rebuild:
        return f"serving the {held} quads already in the store"
    result = build(list(sources), cache=cache or default_cache(),
                   previous=stored_hashes(store) if held else None)
    _log_problems(result)
    synced = sync(store, result)
    counts = result.statuses()
    statuses = ", ".join(f"{counts[status]} {status.value}" for status in Status if counts[status])
    changes = f"; {result.changes}" if result.changes else ""
    return (f"built {len(result.documents) - len(result.failed)} documents ({statuses}), "
            f"{result.triples} triples{changes}; {synced}")


def _log_problems(result: BuildResult) -> None:
    warnings = [w for outcome in result.documents for w in outcome.warnings]
    for warning in warnings[:LOGGED_WARNINGS]:
        log.info("warning %s", warning)
    if len(warnings) > LOGGED_WARNINGS:
        log.info("… and %d more warnings (see /health and the documents query)",
                 len(warnings) - LOGGED_WARNINGS)
    for outcome in result.failed:
        for violation in outcome.violations:
            log.warning("left out %s", violation)


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
