"""What the store says about one minted IRI: its kinds first, its triples when a machine asks.

A node's description is its own triples, the triples that point to it, and those of its
hash IRIs (a source document's ``#char=a,b`` spans); a named graph's is its content. The
Turtle and JSON-LD of an IRI are this description, complete; its HTML page reads the same
triples a page of rows at a time (``beskgraph.api.pages.paging``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from beskgraph.store import Store
from beskgraph.store.base import sparql_iri

DESCRIBE = """
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ {node} ?p ?o BIND({node} AS ?s) }}
  UNION {{ ?s ?p {node} BIND({node} AS ?o) }}
  UNION {{ ?s <http://purl.org/dc/terms/isPartOf> {node} ; ?p ?o FILTER(STRSTARTS(STR(?s), "{hash}")) }}
}}
"""
GRAPH_CONTENT = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
TYPES = "SELECT ?type WHERE {{ {node} a ?type }}"
EXISTS = "ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"


@dataclass
class Description:
    """One IRI the store knows: its types, and whether it names a graph."""

    iri: str
    types: list[str]
    is_graph: bool = False


def sorted_triples(ntriples: bytes) -> list[ox.Triple]:
    """Triples of N-Triples text, in a stable order."""
    return sorted(set(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)), key=str)


def identify(store: Store, iri: str) -> Description | None:
    """The IRI's types and whether it names a graph, or None when the store never mentions it."""
    node = sparql_iri(iri)
    types = [str(row["type"]) for row in store.select(TYPES.format(node=node))]
    if iri in store.graphs():
        return Description(iri, types, is_graph=True)
    if not types and not store.ask(EXISTS.format(node=node)):
        return None
    return Description(iri, types)


def describe(store: Store, found: Description) -> list[ox.Triple]:
    """Every triple of the description (see module doc), in a stable order."""
    node = sparql_iri(found.iri)
    if found.is_graph:
        return sorted_triples(store.construct(GRAPH_CONTENT.format(graph=node)))
    query = DESCRIBE.format(node=node, hash=found.iri.replace("\\", "\\\\").replace('"', '\\"') + "#")
    return sorted_triples(store.construct(query))
