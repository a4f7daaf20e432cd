"""Acts and their subdivisions, with ELI's properties where ELI puts them: the act (an
``eli:LegalResource``) has its local identifier, number, type and date; its Danish text (an
``eli:LegalExpression``) has the title and the language; each §, stk. and nr. is an
``eli:LegalResourceSubdivision`` with a minted IRI."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..model.correspondence import provision_citation
from ..reference import Act
from ..vocabulary import BG, ELI, RDF, RDFS, SKOS, XSD
from . import iris
from .schemes import add_concept

DANISH = URIRef("http://publications.europa.eu/resource/authority/language/DAN")
ACT_TYPES = {"LOV": "Lov", "LBK": "Lovbekendtgørelse", "BEK": "Bekendtgørelse"}


def add_act(graph: Graph, act: Act) -> URIRef:
    """An act of Lovtidende A from the reference list, identified by its ELI."""
    node = add_cited_act(
        graph, act.type, act.year, act.number, f"{act.date[8:10]}/{act.date[5:7]}/{act.date[:4]}"
    )
    graph.add((node, ELI.date_document, Literal(act.date, datatype=XSD.date)))
    expression = iris.act_expression(act.year, act.number)
    graph.add((node, ELI.is_realized_by, expression))
    graph.add((expression, RDF.type, ELI.LegalExpression))
    graph.add((expression, ELI.realizes, node))
    graph.add((expression, ELI.title, Literal(act.title, lang="da")))
    graph.add((expression, ELI.language, DANISH))
    return node


def add_cited_act(graph: Graph, act_type: str, year: int, number: int, date_text: str | None) -> URIRef:
    """An act as a citation names it (``LBK nr. 1342 af 20. november 2016``), by its ELI."""
    node = iris.act_eli(year, number)
    graph.add((node, RDF.type, ELI.LegalResource))
    dated = f" af {date_text}" if date_text else ""
    graph.add((node, ELI.id_local, Literal(f"{act_type} nr. {number}{dated}")))
    graph.add((node, ELI.number, Literal(str(number))))
    graph.add((node, ELI.type_document, _act_type(graph, act_type)))
    return node


def _act_type(graph: Graph, code: str) -> URIRef:
    node = add_concept(graph, iris.concept("act-type", code), "act-types", ACT_TYPES.get(code, code))
    graph.add((node, RDF.type, ELI.ResourceType))
    graph.add((node, SKOS.notation, Literal(code)))
    return node


def add_provision(
    graph: Graph,
    year: int,
    number: int,
    paragraph: str,
    subsection: str | None = None,
    item: str | None = None,
) -> URIRef:
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
