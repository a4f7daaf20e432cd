"""Data derived from the graph (search index, aggregates) and how it stays in step with writes.

The source graphs are the build's named graphs; each states its own digest
(``<graph> bg:graphDigest "…"``, see :mod:`beskgraph.sync`). A :class:`GraphWatch` remembers
the digests it saw and, once the store's generation has moved, says which graphs are new
or changed and which are gone: one query, whatever the store. A graph without a digest
(written by something other than beskgraph) cannot be compared, so it counts as changed
at every new generation.

Graphs that beskgraph derives from the others live under ``{base}graph/derived/`` (a source
document's graph name is one slug, so it cannot fall there); they are never sources, never
dropped by a sync and not in the dumps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from .config import base_iri
from .formats.table import graph_format
from .formats.writer import split_quad, write
from .store import Store, StoreError
from .vocabulary import BG

DIGESTS = f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?g <{BG.graphDigest}> ?d }} }}"


def derived_graph(name: str) -> str:
    """The IRI of a graph beskgraph derives from the source graphs."""
    return f"{base_iri()}graph/derived/{name}"


def is_derived(graph: str) -> bool:
    return graph.startswith(derived_graph(""))


@dataclass(frozen=True)
class GraphChanges:
    """What changed among the source graphs since the last look."""

    generation: int
    changed: frozenset[str]  # new, changed, or without a digest to compare
    removed: frozenset[str]
    first: bool  # the first look: every graph is in ``changed``
    digests: dict[str, str | None]  # every source graph now, with its digest

    @property
    def fingerprint(self) -> str | None:
        """One digest over every source graph's digest; None when some graph has none."""
        return sources_fingerprint(self.digests)

    @property
    def any(self) -> bool:
        return bool(self.changed or self.removed)


def sources_fingerprint(digests: dict[str, str | None]) -> str | None:
    """A digest over the source graphs' names and digests; None when some graph has none."""
    if any(digest is None for digest in digests.values()):
        return None
    lines = "".join(f"{graph} {digests[graph]}\n" for graph in sorted(digests))
    return hashlib.sha256(lines.encode()).hexdigest()


def source_digests(store: Store) -> dict[str, str | None]:
    """``{graph: digest or None}`` of every source graph in the store (two queries)."""
    stated = {str(row["g"]): str(row["d"]) for row in store.select(DIGESTS)}
    return {graph: stated.get(graph) for graph in store.graphs() if not is_derived(graph)}


class GraphWatch:
    """Tells which source graphs of a store changed since it last looked."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._generation: int | None = None
        self._digests: dict[str, str | None] | None = None

    def poll(self) -> GraphChanges | None:
        """The changes since the last poll, or None when the store's generation is the same.

        The generation is read before the digests: a write that overlaps this poll moves
        the generation again, so the next poll looks again.
        """
        generation = self.store.generation
        if generation == self._generation:
            return None
        now = source_digests(self.store)
        before = self._digests or {}
        changed = frozenset(g for g, d in now.items() if d is None or before.get(g) != d)
        removed = frozenset(g for g in before if g not in now)
        changes = GraphChanges(generation, changed, removed, self._digests is None, now)
        self._generation, self._digests = generation, now
        return changes

    def forget(self) -> None:
        """Look at everything afresh next time (after a failed update of what is derived)."""
        self._generation, self._digests = None, None


def source_dump(store: Store, format: str) -> Iterator[bytes]:
    """The store's graphs but the derived ones, in the graph format named ``format``, written
    as the build and ``beskgraph export`` write them: a dump is the graph as built (what is
    derived from it is derived again wherever it is loaded)."""
    try:
        fmt = graph_format(format)
    except ValueError as exc:
        raise StoreError(f"unknown dump format {format!r}: {exc}") from None
    derived = f"<{derived_graph('')}".encode()

    def nquads() -> bytes:
        lines = b"".join(store.dump("nquads")).splitlines(keepends=True)
        return b"".join(line for line in lines if not split_quad(line)[1].startswith(derived))

    return write(fmt, nquads)
