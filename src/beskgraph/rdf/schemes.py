"""The controlled lists minted from the sources, as SKOS concept schemes: every concept has a
``skos:prefLabel`` and is ``skos:inScheme`` its list. (The ontology's own lists — test kinds,
answers, target-group and document kinds — are declared in ``ontology/``.)"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..vocabulary import RDF, SKOS
from . import iris

SCHEMES: dict[str, tuple[str, str]] = {  # name -> Danish and English label
    iris.TARGET_GROUP_SCHEME: ("Målgrupper", "Target groups"),
    "criteria": ("Testkriterier", "Test criteria"),
    "roles": ("Roller", "Roles"),
    "identifier-schemes": ("Identifikatorskemaer", "Identifier schemes"),
    "areas": ("Områder", "Areas"),
    "act-types": ("Retsaktstyper", "Act types"),
}


def add_schemes(graph: Graph) -> None:
    """Declare every list (in the reference graph)."""
    for name, (danish, english) in SCHEMES.items():
        node = iris.scheme(name)
        graph.add((node, RDF.type, SKOS.ConceptScheme))
        graph.add((node, SKOS.prefLabel, Literal(danish, lang="da")))
        graph.add((node, SKOS.prefLabel, Literal(english, lang="en")))


def add_concept(graph: Graph, node: URIRef, scheme: str, label: str) -> URIRef:
    """``node`` as a concept of list ``scheme`` with its Danish preferred label."""
    if scheme not in SCHEMES:
        raise KeyError(f"no concept scheme {scheme!r}")
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, iris.scheme(scheme)))
    graph.add((node, SKOS.prefLabel, Literal(label, lang="da")))
    return node
