"""The three kinds of store a /sparql test runs against: in memory, on disk, remote."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from beskgraph.api.negotiation import answer_formats
from beskgraph.store import EmbeddedStore, Store, open_store
from beskgraph.store.children import Budget, QueryJob

KINDS = ["memory", "disk", "remote"]
SERVER_KINDS = frozenset({"remote", "oxigraph", "virtuoso"})  # store kinds a server the tests start holds


def kinds(*names: str) -> list[Any]:
    """Store kinds as fixture params; a test on a kind a server holds is an integration test."""
    return [
        pytest.param(name, marks=pytest.mark.integration) if name in SERVER_KINDS else name for name in names
    ]


SAMPLE_TRIG = b"""
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .

ex:graph1 {
  ex:alice a schema:Person ; schema:name "Alice" ; ex:age 42 ; ex:score 2.5 ;
      ex:active true ; ex:born "1980-05-17"^^xsd:date ; schema:knows ex:bob .
  ex:card1 a ex:Card ; schema:name "Kort 1"@da ; ex:note [ schema:name "anonymous note" ] .
}
ex:graph2 {
  ex:bob a schema:Person ; schema:name "Bob" ; ex:age 7 .
}
"""


def fresh_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """An empty store of ``kind``; the remote one is the session's ``oxigraph serve``, emptied."""
    if kind != "remote":
        return EmbeddedStore(tmp_path / "db" if kind == "disk" else None)
    store = open_store(request.getfixturevalue("oxigraph_url"))
    for graph in store.graphs():
        store.drop_graph(graph)
    return store


def run_query(
    store: Store,
    query: str,
    accept: str = "*/*",
    *,
    timeout: float = 10.0,
    max_bytes: int | None = None,
    default_graphs: Sequence[str] = (),
) -> tuple[bytes, str]:
    """A caller's own query (no grammar check in front) through ``Store.answer``, its answer's
    formats negotiated from ``accept`` as the API negotiates them."""
    job = QueryJob(query, answer_formats(accept), tuple(default_graphs), require_sandbox=False)
    return store.answer(job, Budget(timeout, max_bytes=max_bytes))
