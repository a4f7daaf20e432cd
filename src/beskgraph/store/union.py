"""The embedded store's union default graph, kept in step with the named graphs.

Every triple of the named graphs is also stored once in the default graph, and every write
changes both in one SPARQL Update transaction (see ``beskgraph.store.embedded`` for why):
these are the updates.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from beskgraph.store.errors import StoreError
from beskgraph.store.terms import sparql_iri

NAMED_ONLY = (
    "beskgraph keeps every triple in a named graph; "
    "the data has triples in the default graph or a blank-node graph"
)
FILL_DEFAULT = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
# Take out of the default graph the triples that only ``graph`` states.
_UNSHARE = (
    "DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
    "FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {graph}) }} }}"
)


def drop_update(graph: str) -> str:
    """One SPARQL Update that drops ``graph`` and, from the union, what only it states."""
    iri = sparql_iri(graph)
    return f"{_UNSHARE.format(graph=iri)} ;\nDROP SILENT GRAPH {iri}"


def group_by_graph(quads: list[ox.Quad]) -> dict[str, list[ox.Triple]]:
    """The quads' triples by named graph; StoreError for a triple outside a named graph."""
    groups: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise StoreError(f"{NAMED_ONLY} (e.g. {quad})")
        groups[quad.graph_name.value].append(quad.triple)
    return groups


def replace_update(groups: dict[str, list[ox.Triple]]) -> str:
    """One SPARQL Update that empties, re-creates and fills each graph and the union (atomic)."""
    parts = []
    for graph in groups:
        iri = sparql_iri(graph)
        parts += [_UNSHARE.format(graph=iri), f"DROP SILENT GRAPH {iri}", f"CREATE SILENT GRAPH {iri}"]
    body = "".join(f"GRAPH {sparql_iri(g)} {{\n{_ntriples(t)}}}\n" for g, t in groups.items() if t)
    if body:
        union = _ntriples(list({t for triples in groups.values() for t in triples}))
        parts.append(f"INSERT DATA {{\n{union}{body}}}")
    return " ;\n".join(parts)


def _ntriples(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
