"""The reference graph: all municipalities with their regions, the acts, the scheme."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from .. import reference
from ..vocabulary import BG, RDF, RDFS, SCHEMA, SKOS, WD
from . import iris
from .legal import add_act
from .ontology import materialise
from .schemes import add_schemes


def reference_graph() -> Graph:
    """Municipalities (by kommunekode), regions, acts and the concept schemes."""
    graph = Graph(identifier=iris.reference_graph())
    for municipality in reference.municipalities():
        add_municipality(graph, municipality)
    for act in reference.acts():
        add_act(graph, act)
    add_schemes(graph)
    materialise(graph)
    return graph


def add_municipality(graph: Graph, municipality: reference.Municipality) -> URIRef:
    node = iris.municipality(municipality.code)
    region = iris.region(municipality.region)
    graph.add((node, RDF.type, BG.Municipality))
    graph.add((node, BG.kommunekode, Literal(municipality.code.zfill(3))))
    graph.add((node, RDFS.label, Literal(municipality.name, lang="da")))
    graph.add((node, SKOS.prefLabel, Literal(municipality.name, lang="da")))  # as ORG names organisations
    graph.add((node, BG.region, region))
    graph.add((region, RDF.type, BG.Region))
    graph.add((region, RDFS.label, Literal(municipality.region, lang="da")))
    if municipality.wikidata:
        graph.add((node, SCHEMA.sameAs, WD[municipality.wikidata]))
    return node
