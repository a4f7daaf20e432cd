"""The aggregates of one store in memory, in step with its writes: the API GraphQL and pages use.

Once the store's generation has moved and its source graphs changed, the tables are
taken from the derived graph when that was computed from exactly these source graphs
(its ``bg:sourcesDigest``), and computed from the store otherwise; an instance that
writes (the one that loaded the store: :func:`materialise`) then replaces the derived
graph, so SPARQL clients and other processes see the same figures. A read between two
changes is a dictionary lookup.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterable, Mapping

from beskgraph.aggregates.compute import Value, Values, compute, read_stored, write
from beskgraph.derived import GraphWatch
from beskgraph.store import Store

log = logging.getLogger("beskgraph")


class Aggregates:
    """Counts and sort keys per node (``get(INTERVENTION_COUNT, municipality_iri)``)."""

    def __init__(self, store: Store, *, writes: bool = False) -> None:
        self.store = store
        self.writes = writes
        self._watch = GraphWatch(store)
        self._values: Values = {}
        self._fingerprint: str | None = None  # of the source graphs the tables are from
        self._unwritten = False  # the tables differ from the derived graph in the store
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Bring the tables (and the derived graph, if this instance writes) in line with the store.

        True when the source graphs had changed since the last refresh.
        """
        with self._lock:
            changes = self._watch.poll()
            changed = changes is not None and changes.any
            if changes is not None and changed:
                started = time.perf_counter()
                try:
                    self._load(changes.fingerprint)
                except BaseException:
                    self._watch.forget()
                    raise
                log.info("aggregates: read or computed in %.2f s", time.perf_counter() - started)
            if self.writes and self._unwritten:
                write(self.store, self._values, self._fingerprint or "")
                self._unwritten = False
            return changed

    def _load(self, fingerprint: str | None) -> None:
        """From the derived graph if it was computed from these very graphs; else computed."""
        stored = read_stored(self.store) if fingerprint is not None else None
        current = fingerprint is not None and stored is not None and stored[0] == fingerprint
        # ignored below: current: stored is set
        self._values = stored[1] if current else compute(self.store)  # type: ignore[index]
        self._fingerprint, self._unwritten = fingerprint, not current

    def table(self, measure: str) -> Mapping[str, Value]:
        """``{node IRI: value}`` of one measure (a property IRI, e.g. ``INTERVENTION_COUNT``)."""
        self.refresh()
        return self._values.get(measure, {})

    def ranked(
        self, nodes: Iterable[str], key: str, *, descending: bool = True, minimum: float | None = None
    ) -> list[tuple[Value, str]]:
        """``nodes`` that have a value of ``key`` (at least ``minimum``), as (value, IRI) in the
        listing order: by value, then by IRI in the same direction (keyset pages: slice after
        a (value, IRI) cursor)."""
        table = self.table(key)
        found = [(table[n], n) for n in set(nodes) if n in table and (minimum is None or table[n] >= minimum)]
        return sorted(found, reverse=descending)

    def get(self, measure: str, node: str) -> Value | None:
        """One node's value of a measure; None when the node has none (not of the counted class,
        or an intervention without that test)."""
        return self.table(measure).get(node)


_TABLES: weakref.WeakKeyDictionary[Store, Aggregates] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def aggregates(store: Store) -> Aggregates:
    """The one :class:`Aggregates` of ``store`` in this process."""
    with _TABLES_LOCK:
        found = _TABLES.get(store)
        if found is None:  # held weakly: the store can still be freed
            found = _TABLES[store] = Aggregates(weakref.proxy(store))
    return found


def materialise(store: Store) -> Aggregates:
    """Compute the aggregates and write the derived graph now, and again after every change seen."""
    found = aggregates(store)
    found.writes = True
    found.refresh()
    return found
