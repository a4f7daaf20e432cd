"""The ontology as the mapping uses it: loaded from ``ontology/``, and the standard types it
implies written into the data (a municipality is also an ``org:Organization``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef

from ..config import ONTOLOGY_DIR
from ..vocabulary import RDF, RDFS


def load_turtle(directory: Path) -> Graph:
    """Every triple of the Turtle files in ``directory``."""
    graph = Graph()
    for path in sorted(directory.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def ontology_graph() -> Graph:
    """Every declaration in ontology/."""
    return load_turtle(ONTOLOGY_DIR)


@cache
def superclasses() -> dict[URIRef, frozenset[URIRef]]:
    """Each class's superclasses by ``rdfs:subClassOf``, transitively (itself excluded)."""
    direct: dict[URIRef, set[URIRef]] = {}
    for sub, sup in ontology_graph().subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            direct.setdefault(sub, set()).add(sup)

    def closure(cls: URIRef, seen: frozenset[URIRef]) -> set[URIRef]:
        found: set[URIRef] = set()
        for sup in direct.get(cls, ()):
            if sup not in seen:
                found |= {sup} | closure(sup, seen | {sup})
        return found

    return {cls: frozenset(closure(cls, frozenset({cls}))) for cls in direct}


def materialise(graph: Graph) -> None:
    """Give every typed node in ``graph`` the superclasses of its types (RDFS rule rdfs9), so
    that a query without reasoning finds it by a standard class."""
    above = superclasses()
    for node, cls in list(graph.subject_objects(RDF.type)):
        for sup in above.get(cls, ()):  # type: ignore[call-overload]  # (a type that is no IRI has none)
            graph.add((node, RDF.type, sup))
