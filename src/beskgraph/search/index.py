"""The search index of one store, kept in step with its writes; the API pages and GraphQL use.

The index is a side index on the API host, fed from the graph. Before each search it
asks the store's generation (a number in memory for the embedded store; for a remote
store, a fingerprint asked for again at most every ``generation_ttl`` seconds), and when
it moved, which source graphs changed (:class:`beskgraph.derived.GraphWatch`). Only the
nodes those graphs state (before and after) are read again and re-indexed, from the
union, so a node restated in many graphs stays one document. The first look reads
everything. ``search_index(store)`` gives every caller of one store the same index.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from beskgraph.derived import GraphChanges, GraphWatch
from beskgraph.search.documents import nodes_by_graph, read_documents
from beskgraph.search.engine import Engine, Hit, tie_key
from beskgraph.store import Store

log = logging.getLogger("beskgraph")
MAX_FIRST = 1000


@dataclass(frozen=True)
class SearchPage:
    """One page of ranked hits, the number of nodes matching in all, and whether each has every word."""

    hits: list[Hit]
    total: int
    has_next: bool
    every_word: bool

    @property
    def end_cursor(self) -> tuple[float, str] | None:
        """The keyset after the last hit: pass it as ``after`` for the next page."""
        return (self.hits[-1].score, self.hits[-1].iri) if self.hits else None


def _position(row: tuple[float, str]) -> tuple[float, int]:
    """Where a (score, IRI) stands in a ranking: best first, ties by the IRI's fixed key."""
    return -row[0], tie_key(row[1])


@dataclass(frozen=True)
class Ranked:
    """Every node matching a query as (score, IRI), best first, and whether each has every word."""

    rows: list[tuple[float, str]]
    every_word: bool

    def before(self, cursor: tuple[float, str] | None) -> list[tuple[float, str]]:
        """The rows ranked strictly before ``cursor`` (a page's end cursor); all of them when None."""
        if cursor is None:
            return self.rows
        at = _position(cursor)
        return [row for row in self.rows if _position(row) < at]


@dataclass(frozen=True)
class Refreshed:
    """What one refresh did (for logs and benchmarks)."""

    first: bool
    graphs: int  # source graphs changed or removed
    nodes: int  # nodes read again
    seconds: float


class SearchIndex:
    """Full-text search over a store's nodes: ``search(text, types=None, first=20, after=None)``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = Engine()
        self._watch = GraphWatch(store)
        self._graph_nodes: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def refresh(self) -> Refreshed | None:
        """Bring the index in line with the store if its generation moved; None when it had not."""
        with self._lock:
            started = time.perf_counter()
            changes = self._watch.poll()
            if changes is None:
                return None
            try:
                nodes = self._apply(changes)
            except BaseException:
                self._watch.forget()  # the next search reads everything again
                raise
            done = Refreshed(
                changes.first,
                len(changes.changed) + len(changes.removed),
                nodes,
                time.perf_counter() - started,
            )
        if done.graphs:
            log.info(
                "search index: %d graph(s) changed, %d node(s) indexed in %.2f s",
                done.graphs,
                done.nodes,
                done.seconds,
            )
        return done

    def _apply(self, changes: GraphChanges) -> int:
        if changes.first:
            documents = read_documents(self.store)
            self._graph_nodes = {g: frozenset(n) for g, n in nodes_by_graph(self.store).items()}
            self.engine.clear()
            self.engine.replace((), documents.values())
            return len(documents)
        touched = changes.changed | changes.removed
        if not touched:
            return 0
        now = nodes_by_graph(self.store, sorted(changes.changed))
        affected: set[str] = set()
        for graph in touched:
            affected |= self._graph_nodes.pop(graph, frozenset())
            affected |= now.get(graph, set())
        self._graph_nodes.update({g: frozenset(n) for g, n in now.items()})
        documents = read_documents(self.store, sorted(affected))
        self.engine.replace(affected, documents.values())
        return len(affected)

    def search(
        self,
        text: str,
        types: Sequence[str] | None = None,
        first: int = 20,
        after: tuple[float, str] | None = None,
    ) -> SearchPage:
        """The nodes matching ``text``, best first, ``first`` of them after ``after``.

        ``types``: only nodes of one of these classes (IRIs). ``after``: a page's
        ``end_cursor`` (score, IRI); the next page starts strictly after it.
        """
        self.refresh()
        first = max(0, min(first, MAX_FIRST))
        cursor = _position(after) if after is not None else None
        limit = first * 2 + 8
        while True:
            matches, query = self.engine.matches(text, types, limit)
            rest = [m for m in matches.hits if cursor is None or (-m[0], m[1]) > cursor]
            exhausted = len(matches.hits) < limit
            # enough to fill the page and tell whether more follow; a tie at the cut must be whole
            if exhausted or (len(rest) > first and matches.hits[-1][0] < rest[first][0]):
                break
            limit *= 4
        page = rest[:first]
        hits = self.engine.hits(page, query) if query is not None else []
        return SearchPage(hits, matches.total, len(rest) > first, matches.every_word)

    def ranked(self, text: str, types: Sequence[str] | None = None, *, fallback: bool = True) -> Ranked:
        """Every node matching ``text``, best first, without snippets: a filter's nodes, or a page
        read backwards. ``fallback``: when no node has every word, those with any word (as
        :meth:`search` does); without it, only nodes with every word."""
        self.refresh()
        matches, _ = self.engine.matches(text, types, max(1, self.engine.size()), fallback=fallback)
        return Ranked([(score, self.engine.iri(key)) for score, key, _ in matches.hits], matches.every_word)


_INDEXES: weakref.WeakKeyDictionary[Store, SearchIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def search_index(store: Store) -> SearchIndex:
    """The one search index of ``store`` in this process (made, and filled, on first use)."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(store)
        if index is None:  # the index holds the store weakly, so the store can still be freed
            index = _INDEXES[store] = SearchIndex(weakref.proxy(store))
    return index
