"""Start the service: fill the store (build from sources, or load a built graph) and serve.

Used by ``python server.py`` and ``beskgraph serve``. A persistent store that already
holds a graph is served as it is unless ``--rebuild`` is given, so a restart is quick;
``--rebuild`` brings it in line with the sources, writing only the graphs that changed.
Documents that cannot be used are left out and logged; the service starts regardless.
"""

from __future__ import annotations

import gc
import logging
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .aggregates import materialise
from .api.dump_dirs import private_dir, remove
from .api.graphql import graphql_routes  # here, not in each worker a server forks (half a second)
from .api.settings import Settings
from .api.workers import Load, Loaded
from .build import BuildFailed, BuildResult, build, format_for
from .cache import BuildCache, default_cache
from .config import SEEDS_DIR
from .derived import is_derived
from .formats.files import graph_names
from .formats.table import GRAPH_FORMATS
from .model.common import Status
from .search import search_index
from .store import EmbeddedStore, RemoteStore, Store, disk_folder, open_store
from .sync import stored_hashes, sync

log = logging.getLogger("beskgraph")
MEDIA_TYPES = {fmt: fmt.media_type for fmt in GRAPH_FORMATS}  # by the format format_for gives
LOGGED_WARNINGS = 20


def fill_store(
    store: Store,
    *,
    graph: Path | None = None,
    sources: Sequence[Path] = (SEEDS_DIR,),
    rebuild: bool = False,
    cache: BuildCache | None = None,
) -> str:
    """Put the graph into ``store``; returns what was done, for the log.

    A store that holds a build is brought in line with the sources graph by graph: only
    documents whose content changed are parsed and validated again (``cache``: default
    location, see :mod:`beskgraph.cache`), and only their graphs are written. Then what
    is derived from the graph (the aggregates graph, the search index) is brought in line.
    """
    done = _fill(store, graph=graph, sources=sources, rebuild=rebuild, cache=cache)
    materialise(store)
    search_index(store).refresh()
    return done


def _fill(
    store: Store, *, graph: Path | None, sources: Sequence[Path], rebuild: bool, cache: BuildCache | None
) -> str:
    if graph is not None:
        return _load_file(store, graph)
    held = store.count()
    if held and not rebuild:
        return f"serving the {held} quads already in the store"
    result = build(
        list(sources), cache=cache or default_cache(), previous=stored_hashes(store) if held else None
    )
    _log_problems(result)
    if held and len(result.failed) == len(result.documents):
        raise BuildFailed(f"no document could be used; the {held} quads in the store are kept")
    synced = sync(store, result)
    counts = result.statuses()
    statuses = ", ".join(f"{counts[status]} {status.value}" for status in Status if counts[status])
    changes = f"; {result.changes}" if result.changes else ""
    return (
        f"built {len(result.documents) - len(result.failed)} documents ({statuses}), "
        f"{result.triples} triples{changes}; {synced}"
    )


def _load_file(store: Store, graph: Path) -> str:
    """Make the store hold the named graphs of a built graph file, and no others."""
    if not graph.is_file():  # a FIFO or a device would be read until its writer stops
        raise ValueError(f"--graph {graph}: not a regular file")
    try:
        data = graph.read_bytes()
    except OSError as error:
        raise ValueError(f"--graph {graph}: {error.strerror}") from None
    fmt = format_for(graph)
    try:
        named = graph_names(data, fmt)
    except (SyntaxError, ValueError) as error:
        raise ValueError(f"--graph {graph}: not {fmt.name}: {error}") from None
    before = {name for name in store.graphs() if not is_derived(name)}  # those are derived again
    store.load_dataset(data, MEDIA_TYPES[fmt])
    gone = before - named
    for name in sorted(gone):  # those of documents no longer in the file
        store.drop_graph(name)
    return f"loaded {graph}" + (f"; {len(gone)} graph(s) not in it dropped" if gone else "")


def _log_problems(result: BuildResult) -> None:
    warnings = [w for outcome in result.documents for w in outcome.warnings]
    for warning in warnings[:LOGGED_WARNINGS]:
        log.info("warning %s", warning)
    if len(warnings) > LOGGED_WARNINGS:
        log.info(
            "… and %d more warnings (see /health and the documents query)", len(warnings) - LOGGED_WARNINGS
        )
    for outcome in result.failed:
        for violation in outcome.violations:
            log.warning("left out %s", violation)


@dataclass(frozen=True)
class ServeOptions:
    """What ``beskgraph serve`` (and ``python server.py``) was asked for; see its ``--help``."""

    sources: tuple[Path, ...] = ()  # default: seeds/
    host: str = "127.0.0.1"
    port: int | None = None  # default: env PORT, then 8000
    store: str | None = None  # default: env BESKGRAPH_STORE, then memory
    graph: Path | None = None  # a built graph to serve instead of building
    rebuild: bool = False
    workers: int = 0  # default: Settings.workers, then one per core


def run(options: ServeOptions, settings: Settings) -> None:
    """Fill the store and serve it until SIGTERM or SIGINT; :class:`BuildFailed` when the
    sources cannot be built. The source texts are served from the folders built from."""
    from .api.serve import serve_workers

    if options.graph is None:
        settings = replace(settings, sources=tuple(str(f) for f in source_folders(options.sources)))
    serve_workers(
        graph_load(options),
        host=options.host,
        port=options.port,
        workers=options.workers,
        settings=settings,
        extra_routes=graphql_routes,  # beyond SPARQL and dumps; it reaches the store via the app
    )


def source_folders(sources: Sequence[Path]) -> list[Path]:
    """The folders the texts of ``sources`` are in (a file's own folder), default seeds/."""
    folders = [p if p.is_dir() else p.parent for p in sources] or [SEEDS_DIR]
    return list(dict.fromkeys(f.resolve() for f in folders))


def graph_load(options: ServeOptions) -> Load:
    """Fill the store (again: ``True``, bringing it in line with the sources) and say how a worker
    process opens what was filled: the in-memory store itself (copied on write by ``fork``), a
    read-only checkpoint of an on-disk store (see :class:`Checkpoints`), or its own connection
    to a remote store."""
    url = (options.store if options.store is not None else os.environ.get("BESKGRAPH_STORE", "")).strip()
    fill = partial(fill_store, graph=options.graph, sources=list(options.sources) or [SEEDS_DIR])
    if (folder := disk_folder(url)) is not None:
        if options.graph is None:
            _apart_from_sources(folder, list(options.sources) or [SEEDS_DIR])
        return Checkpoints(folder, fill, options.rebuild).load
    store = open_store(url)

    def load(again: bool) -> Loaded:
        log.info(fill(store, rebuild=options.rebuild or again))
        return Loaded((lambda: open_store(url)) if isinstance(store, RemoteStore) else (lambda: store))

    return load


def _apart_from_sources(store: Path, sources: Sequence[Path]) -> None:
    """Refuse an on-disk store in a source folder (its files would be read as documents, its
    checkpoints beside it too) or holding one."""
    store = store.resolve()
    for source in source_folders(sources):  # those served: a file's own folder
        if store.is_relative_to(source) or source.is_relative_to(store):
            raise ValueError(
                f"BESKGRAPH_STORE=oxigraph:{store} and the source folder {source} overlap: "
                "the store's files would be read as documents; keep the store elsewhere"
            )


class Checkpoints:
    """An on-disk store filled here and served by workers from read-only checkpoints.

    The store is open only while it is filled; then a checkpoint (hard links to its files)
    is made beside it, one per load, and the store is closed: a process forked with an
    open RocksDB hangs on its locks. A checkpoint is a private directory of this process
    (see :mod:`beskgraph.api.dump_dirs`), removed once no worker serves it (released by the
    supervisor), at exit, or, left by a killed server, at the next start; another server's
    on the same store are left alone.
    """

    def __init__(self, path: Path, fill: Callable[..., str], rebuild: bool) -> None:
        self.path, self.fill, self.rebuild = path, fill, rebuild
        self.prefix = f".{path.name}.generation-"

    def load(self, again: bool) -> Loaded:
        store = EmbeddedStore(self.path)
        try:
            log.info(self.fill(store, rebuild=self.rebuild or again))
            folder = private_dir(self.path.parent, self.prefix)
            try:
                store.backup(folder / "store")
            except BaseException:
                remove(folder)
                raise
        except BaseException as error:
            _forget_frames(error)  # a failed load's traceback must not keep the store (its lock) open
            raise
        finally:
            store.close()
            del store
            gc.collect()  # the RocksDB instance closes with its last reference
        return Loaded(lambda: EmbeddedStore(folder / "store", read_only=True), partial(remove, folder))


def _forget_frames(error: BaseException | None) -> None:
    """Clear the local variables of the frames ``error`` and the errors it chains passed through."""
    while error is not None:
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__
