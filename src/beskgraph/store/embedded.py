"""The default store: pyoxigraph in process (in memory, or on disk with a path).

A client's query (:meth:`EmbeddedStore.answer`) runs in a child process
(``beskgraph.store.children``), its grammar checked there first (``beskgraph.query``): the
parent kills it at its deadline, so even a query blocked inside Rust (an ORDER BY over a
huge cross product; pyoxigraph 0.5 cannot cancel a query from Python) stops, and a query
that crashes the engine only ends its child. ``isolation`` says how the child is made:

- ``"fork"`` (in memory, the default there): forked from the server, sharing the
  store copy-on-write. Measured on a 2-core machine: about 5 ms for a small query.
- ``"worker"`` (on disk, the default there): forked from a fork server (a clean
  process without RocksDB: a forked copy of an open RocksDB hangs on its internal
  locks) and opening a read-only snapshot of the store (``snapshots``; opening takes
  about 20 ms at 350 000 quads). Every write is flushed, so no snapshot carries a
  write-ahead log to replay (10 s at that size).
- ``"thread"``: none; the store takes no queries from clients (used inside the children).

The union default graph is materialised (the updates that keep it: ``union``). Every
triple of the named graphs is also kept once in the store's default graph, and every
write keeps the two in step in the same transaction. Queries read that default graph
directly. pyoxigraph's ``use_default_graph_as_union`` mode gives the same answers, but it
deduplicates every triple pattern across graphs. Criteria and target groups are restated
in every card's graph, so joins over them got very slow: at 1 000 cards the page query
of a filtered listing took 445 s, against 2 s on the materialised graph. The cost is
about twice the memory, and a load that copies the named graphs into the default graph.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Literal

import pyoxigraph as ox

from beskgraph.formats.answers import AnswerFormats
from beskgraph.store.children import Budget, QueryJob, Started, fork_child, run_child, serve_job
from beskgraph.store.errors import QuerySyntaxError, StoreError, StoreUnavailable, accepted
from beskgraph.store.fork_server import fork_server
from beskgraph.store.recording import note_query
from beskgraph.store.serialize import dump_dataset, rdf_format
from beskgraph.store.slots import Held
from beskgraph.store.snapshots import Snapshots
from beskgraph.store.terms import Row, term_value
from beskgraph.store.union import FILL_DEFAULT, NAMED_ONLY, drop_update, group_by_graph, replace_update

Isolation = Literal["fork", "worker", "thread"]


def _open(path: Path, read_only: bool) -> ox.Store:
    """The on-disk store at ``path``; one a process holds already is a StoreError saying so."""
    try:
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        if "LOCK" not in str(exc):
            raise StoreError(f"oxigraph:{path} cannot be opened: {exc}") from None
        raise StoreError(
            f"oxigraph:{path} is in use by another process (it holds the store's lock); "
            "stop that process or give another directory"
        ) from None
    if not read_only:  # the lock is ours: no loader is writing these any more
        for stale in path.glob("bulk-*.sst"):  # a bulk load's batches, left by a killed load
            with contextlib.suppress(OSError):
                stale.unlink()
    return store


class EmbeddedStore:
    """pyoxigraph ``Store``; thread-safe for concurrent reads (repeatable-read snapshots)."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        isolation: Isolation | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path) if path else None
        if self.path is None:
            self._store = ox.Store()
        else:
            self._store = _open(self.path, read_only)
        self.isolation: Isolation = isolation or _default_isolation(self.path)
        self.description = f"oxigraph:{self.path}" if self.path else "oxigraph (in memory)"
        # Quads in the named graphs, cached per write generation: counting the union takes
        # seconds at millions of triples, and /health and VoID ask for it.
        self._generation = 0
        self._named_count: tuple[int, int] | None = None  # (generation, count)
        self._snapshots = Snapshots(self._store, self.path) if self.path and not read_only else None
        if read_only:
            return
        if next(iter(self._store.named_graphs()), None) is not None and self._default_graph_empty():
            self._update(FILL_DEFAULT)  # written by a version that did not keep it

    # -- queries -----------------------------------------------------------------

    def _query(
        self,
        query: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        note_query(query)
        default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None
        if default_graph_uris or named_graph_uris:
            # SPARQL Protocol: the dataset is exactly the graphs given.
            default_graph = [ox.NamedNode(g) for g in default_graph_uris]
            named_graphs = [ox.NamedNode(g) for g in named_graph_uris]
        try:
            return self._store.query(
                query, base_iri=base_iri, default_graph=default_graph, named_graphs=named_graphs
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except (OSError, ValueError) as exc:
            raise StoreError(str(exc)) from exc

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT; IRIs as str, literals as Python values."""
        result = self._query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term_value(term)
            rows.append(row)
        return rows

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str) -> bytes:
        """CONSTRUCT/DESCRIBE result as N-Triples."""
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
        return result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""

    def write_result(
        self,
        query: str,
        formats: AnswerFormats,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        base_iri: str | None,
        out: IO[bytes],
    ) -> str:
        """Run ``query`` and write its answer into ``out`` in the format ``formats`` holds for
        its form; returns that format's media type."""
        result = self._query(query, default_graph_uris, named_graph_uris, base_iri)
        if isinstance(result, ox.QueryTriples):
            graph = accepted(formats.graph, "a graph")
            result.serialize(out, format=graph.rdf_format)
            return graph.media_type
        if isinstance(result, ox.QueryBoolean):
            fmt = accepted(formats.boolean, "a boolean")
        else:
            fmt = accepted(formats.solutions, "solutions")
        result.serialize(out, format=fmt.results_format)
        return fmt.media_type

    def answer(
        self, job: QueryJob, budget: Budget, cancel: threading.Event | None = None, held: Held | None = None
    ) -> tuple[bytes, str]:
        """Check and run a client's query in a child process (see module doc); the child is
        reaped before this returns, so the slot ``held`` is never kept."""
        if self.isolation == "thread":
            raise StoreUnavailable("this store runs no query processes: it takes no queries from clients")
        note_query(job.text)
        outcome = run_child(self._start(job, budget), job, budget, cancel)
        return outcome.body, outcome.media_type or ""

    def _start(self, job: QueryJob, budget: Budget) -> Started:
        if self.isolation == "worker" and self.path is not None:
            # a read-only store is never written: its own files are a stable snapshot
            snapshot = self._snapshots.current(self._generation) if self._snapshots else self.path
            return fork_server().fork(_disk_worker, job, budget, str(snapshot))
        return fork_child(job, budget, self)

    # -- updates -------------------------------------------------------------------

    def _update(self, update: str) -> None:
        self._generation += 1
        try:
            self._store.update(update)
            if self.path:  # query workers open a snapshot: quick with no log to replay
                self._store.flush()
            self._generation += 1  # again: a count or snapshot taken while writing is stale
        except SyntaxError as exc:
            raise StoreError(f"could not write data: {exc}") from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        finally:
            self._generation += 1  # again when done: a read that overlapped the write sees it changed

    def replace_graph(self, graph: str, data: bytes, format: str) -> None:
        """Atomically replace one graph (a single SPARQL Update transaction)."""
        triples = [q.triple for q in _parse(data, format)]
        self._update(replace_update({graph: triples}))

    def load_dataset(self, data: bytes, format: str) -> None:
        """Replace every named graph present in a TriG / N-Quads document, in one transaction.

        Into an empty store the document is bulk-loaded instead (several times faster);
        if it turns out unusable the store is emptied again, so it is all or nothing.
        """
        if next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is not None:
            self._update(replace_update(group_by_graph(_parse(data, format))))
            return
        self._generation += 1
        try:
            self._store.bulk_load(data, format=rdf_format(format))
            graphs = self._store.named_graphs()
            if not self._default_graph_empty() or any(isinstance(g, ox.BlankNode) for g in graphs):
                raise StoreError(NAMED_ONLY)
            self._update(FILL_DEFAULT)
            self.count()  # counted now, while loading, not by the first /health probe
        except (SyntaxError, ValueError) as exc:
            self._store.clear()
            raise StoreError(f"invalid {format} data: {exc}") from exc
        except BaseException:
            self._store.clear()
            raise
        finally:
            self._generation += 1

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""
        self._update(drop_update(graph))

    def _default_graph_empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None

    # -- inspection ------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Counts writes through this object, once as each starts and once as it ends."""
        return self._generation

    def graphs(self) -> list[str]:
        """The named graphs (including empty ones created by replace_graph), sorted."""
        return sorted(g.value for g in self._store.named_graphs())

    def count(self) -> int:
        """Number of quads in the named graphs (not their materialised union)."""
        generation, cached = self._generation, self._named_count
        if cached is not None and cached[0] == generation:
            return cached[1]
        solutions = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(solutions, ox.QuerySolutions)
        count = int(next(iter(solutions))["n"].value)
        if generation == self._generation:  # no write while counting
            self._named_count = (generation, count)
        return count

    def dump(self, format: str) -> Iterator[bytes]:
        """Deterministic dump of the named graphs (see beskgraph.store.serialize)."""

        def nquads() -> bytes:
            return b"".join(self._graph_nquads(graph) for graph in self._store.named_graphs())

        def union() -> bytes:
            return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""

        return dump_dataset(format, nquads, union)

    def _graph_nquads(self, graph: ox.NamedNode | ox.BlankNode) -> bytes:
        """One named graph as N-Quads: the store's N-Triples with the graph put in."""
        ntriples = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        # N-Triples escapes newlines in literals: " .\n" only ends a line.
        return ntriples.replace(b" .\n", f" {graph} .\n".encode())

    def backup(self, target: Path) -> None:
        """A consistent copy of the on-disk store at ``target`` (hard links to its files), e.g. for
        processes that open it read-only while this one writes."""
        self._store.backup(str(target))

    def close(self) -> None:
        """Flush an on-disk store, drop its query snapshot; the in-memory one is freed with the object."""
        if self.path:
            with contextlib.suppress(OSError):
                self._store.flush()
        if self._snapshots is not None:
            self._snapshots.close()


def _default_isolation(path: Path | None) -> Isolation:
    if path is None:
        return "fork" if hasattr(os, "fork") else "thread"
    return "worker" if hasattr(os, "pidfd_open") else "thread"


def _disk_worker(
    job: QueryJob, budget: Budget, path: str, data_fd: int, meta_fd: int, parent_pid: int
) -> None:
    """Fork-server child: open the on-disk store read-only and serve ``job``."""
    serve_job(
        job,
        budget,
        lambda: EmbeddedStore(path, read_only=True, isolation="thread"),
        data_fd,
        meta_fd,
        parent_pid,
    )


def _parse(data: bytes, format: str) -> list[ox.Quad]:
    try:
        return list(ox.parse(data, format=rdf_format(format)))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"invalid {format} data: {exc}") from exc
