"""The store interface: every store answers queries over the **union of its named graphs**
as the default graph; beskgraph keeps every triple in a named graph (one per source
document plus the reference graph) and never uses the store's own default graph.

A store takes concrete formats: the API negotiates (``beskgraph.api.negotiation``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from beskgraph.formats.accept import parse_accept
from beskgraph.formats.table import SPARQL_JSON as _SPARQL_JSON
from beskgraph.store.children import Budget, QueryJob
from beskgraph.store.recording import note_query, record_queries
from beskgraph.store.serialize import rdf_format
from beskgraph.store.terms import Row, binding_term, binding_value, literal_value, sparql_iri, term_value

# Names modules import from here, whose homes are the modules above.
__all__ = [
    "SPARQL_JSON",
    "Store",
    "binding_term",
    "binding_value",
    "literal_value",
    "note_query",
    "parse_accept",
    "rdf_format",
    "record_queries",
    "sparql_iri",
    "term_value",
]
SPARQL_JSON = _SPARQL_JSON.media_type


@runtime_checkable
class Store(Protocol):
    """A quad store that the API, GraphQL layer and build all talk to."""

    description: str  # e.g. "oxigraph (in memory)" or "sparql http://127.0.0.1:7878/query"

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT; IRIs as str, literals as Python values, unbound vars absent."""
        ...

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        ...

    def construct(self, query: str) -> bytes:
        """The graph of a CONSTRUCT/DESCRIBE query as N-Triples."""
        ...

    def answer(
        self, job: QueryJob, budget: Budget, cancel: threading.Event | None = None
    ) -> tuple[bytes, str]:
        """A client's query, checked and run within ``budget`` in a query process (see
        ``beskgraph.store.children``): the answer in the format ``job.formats`` holds for
        its form, and that format's media type. ``cancel`` stops it (the client went away)."""
        ...

    def replace_graph(self, graph: str, data: bytes, format: str) -> None:
        """Atomically replace the content of one named graph."""
        ...

    def load_dataset(self, data: bytes, format: str) -> None:
        """Load TriG / N-Quads; every named graph in it replaces the stored one."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""
        ...

    def graphs(self) -> list[str]:
        """The named graphs, sorted."""
        ...

    def dump(self, format: str) -> Iterator[bytes]:
        """Stream the dataset: 'turtle' (union), 'trig', 'nquads', 'ntriples', 'jsonld'."""
        ...

    def count(self) -> int:
        """Number of quads in the named graphs."""
        ...

    @property
    def generation(self) -> int:
        """A number that grows whenever the data may have changed; equal means unchanged.

        Anything derived from the whole graph (dump files, the dataset description) is
        computed once per generation. A read that overlapped a write must see the
        generation change by its end.
        """
        ...

    def close(self) -> None:
        """Release resources."""
        ...
