"""The prefixes beskgraph writes and reads its graph with (Turtle, TriG, JSON-LD, SPARQL)."""

from __future__ import annotations

from typing import Protocol

from .bg import BG
from .standard import DCTERMS, ELI, OA, ORG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD

PREFIXES: dict[str, str] = {
    "bg": str(BG),
    "dcterms": str(DCTERMS),
    "eli": str(ELI),
    "oa": str(OA),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "wd": str(WD),
}


class Binds(Protocol):
    def bind(self, prefix: str, namespace: str, override: bool = ..., replace: bool = ...) -> None: ...


def bind_prefixes(graph: Binds) -> None:
    """Bind the project's prefixes on an rdflib Graph or Dataset."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for a SPARQL query: the prefixes named, or all of them."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in (names or sorted(PREFIXES)))
