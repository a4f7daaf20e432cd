"""The three kinds of store a /sparql test runs against: in memory, on disk, remote."""

from __future__ import annotations

from pathlib import Path

import pytest

from beskgraph.store import EmbeddedStore, Store, open_store

KINDS = ["memory", "disk", "remote"]


def fresh_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """An empty store of ``kind``; the remote one is the session's ``oxigraph serve``, emptied."""
    if kind != "remote":
        return EmbeddedStore(tmp_path / "db" if kind == "disk" else None)
    store = open_store(request.getfixturevalue("oxigraph_url"))
    for graph in store.graphs():
        store.drop_graph(graph)
    return store
