"""Acts and their subdivisions: ELI for the act, a minted IRI per §, stk. and nr."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..reference import Act
from . import iris
from .namespaces import BG, ELI


def add_act(graph: Graph, act: Act) -> URIRef:
    """An act of Lovtidende A, identified by its ELI."""
    node = URIRef(act.eli)
    day, month, year = act.date[8:10], act.date[5:7], act.date[:4]
    graph.add((node, RDF.type, ELI.LegalResource))
    graph.add((node, ELI.id_local, Literal(f"{act.type} nr. {act.number} af {day}/{month}/{year}")))
    graph.add((node, ELI.title, Literal(act.title, lang="da")))
    graph.add((node, ELI.date_document, Literal(act.date, datatype=XSD.date)))
    graph.add((node, BG.actType, Literal(act.type)))
    graph.add((node, BG.actNumber, Literal(act.number, datatype=XSD.integer)))
    return node


def provision_citation(paragraph: str, subsection: str | None, item: str | None) -> str:
    """The canonical citation of a subdivision: ``§ 6, nr. 1``, ``§ 16a, stk. 1``."""
    parts = [f"§ {paragraph}"]
    if subsection:
        parts.append(f"stk. {subsection}")
    if item:
        parts.append(f"nr. {item}")
    return ", ".join(parts)


def add_provision(graph: Graph, year: int, number: int, paragraph: str,
                  subsection: str | None = None, item: str | None = None) -> URIRef:
    """A subdivision of an act, linked to the act's ELI; the same IRI wherever it is cited."""
    node = iris.legal_provision(year, number, paragraph, subsection, item)
    graph.add((node, RDF.type, ELI.LegalResourceSubdivision))
    graph.add((node, ELI.is_part_of, iris.act_eli(year, number)))
    graph.add((node, BG.paragraph, Literal(paragraph)))
    if subsection:
        graph.add((node, BG.subsection, Literal(subsection)))
    if item:
        graph.add((node, BG.item, Literal(item)))
    citation = provision_citation(paragraph, subsection, item)
    graph.add((node, BG.citation, Literal(citation)))
    graph.add((node, RDFS.label, Literal(f"{citation} ({year}/{number})", lang="da")))
    return node
