"""Writing a changed source graph as a rebuild would: its triples edited and a new digest."""

from __future__ import annotations

import re

from beskgraph.store import Store

BASE = "https://w3id.org/beskgraph/"
BG = "https://w3id.org/beskgraph/ontology#"
MIDDELFART_CARD = BASE + "graph/000-2ad044e4a048410a"  # the card of Middelfart's intervention


def graph_ntriples(store: Store, graph: str) -> bytes:
    """One named graph's triples as N-Triples."""
    return store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def rewrite(store: Store, graph: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in every triple of ``graph`` and give the graph a new digest."""
    data = graph_ntriples(store, graph).decode().replace(old, new)
    data = re.sub(r'(ontology#graphDigest> ")[0-9a-f]+', r"\g<1>" + "0" * 64, data)
    store.replace_graph(graph, data.encode(), "application/n-triples")
