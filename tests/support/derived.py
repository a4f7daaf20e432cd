"""Stores of every kind for the search and aggregates suites; writing a changed source graph as
a rebuild would (its triples edited and a new digest), or as another program would."""

from __future__ import annotations

import re

import httpx
import pytest

from beskgraph.store import EmbeddedStore, Store, open_store
from tests.support import http

BASE = "https://w3id.org/beskgraph/"
BG = "https://w3id.org/beskgraph/ontology#"
MIDDELFART_CARD = BASE + "graph/000-2ad044e4a048410a"  # the card of Middelfart's intervention


def graph_ntriples(store: Store, graph: str) -> bytes:
    """One named graph's triples as N-Triples."""
    return store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def rewrite(store: Store, graph: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in every triple of ``graph`` and give the graph a new digest."""
    data = graph_ntriples(store, graph).decode().replace(old, new)
    data = re.sub(r'(ontology#graphDigest>\s+")[0-9a-f]+', r"\g<1>" + "0" * 64, data)
    store.replace_graph(graph, data.encode(), "application/n-triples")


KINDS = ["embedded", "oxigraph", "virtuoso"]


def empty_store(kind: str, request: pytest.FixtureRequest) -> Store:
    """An empty store of ``kind``: in memory, the session's `oxigraph serve` or Virtuoso, emptied."""
    if kind == "embedded":
        return EmbeddedStore()
    if kind == "virtuoso":
        return request.getfixturevalue("virtuoso").empty_store()
    store = open_store(request.getfixturevalue("oxigraph_url"))
    for graph in store.graphs():
        store.drop_graph(graph)
    return store


def put_as_another_program(kind: str, request: pytest.FixtureRequest, graph: str, ntriples: bytes) -> None:
    """Write a graph straight to the server's Graph Store Protocol, past beskgraph."""
    if kind == "virtuoso":
        server = request.getfixturevalue("virtuoso")
        url, auth = server.gsp_url, httpx.DigestAuth(server.user, server.password)
    else:
        url, auth = request.getfixturevalue("oxigraph_url") + "/store", None
    answer = http.put(
        url,
        params={"graph": graph},
        content=ntriples,
        auth=auth,
        headers={"Content-Type": "application/n-triples"},
        timeout=30,
    )
    assert answer.status_code in (200, 201, 204), answer.text
