"""Provenance: every extracted node points to its source document and the span it came from.

A span is an RFC 5147 fragment of the document IRI (``…/source/x#char=10,52``) typed as a
W3C Web Annotation ``oa:TextPositionSelector`` (start, end) and ``oa:TextQuoteSelector``
(the exact text), with the 1-based line it starts on so errors can name file and line.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..model.common import ParsedDocument
from ..text import Span
from . import iris
from .namespaces import BG, OA, SCHEMA


def add_source_document(graph: Graph, document: ParsedDocument) -> URIRef:
    """Describe the source document (a prov:Entity) in its own named graph."""
    return source_node(graph, document.source.name, document.kind.value, len(document.source.text))


def source_node(graph: Graph, name: str, kind: str | None, characters: int | None) -> URIRef:
    """The source document node: file name, kind (when recognised), length (when read)."""
    node = iris.source_document(name)
    graph.add((node, RDF.type, BG.SourceDocument))
    graph.add((node, DCTERMS.identifier, Literal(name)))
    if kind is not None:
        graph.add((node, BG.documentKind, BG[kind_term(kind)]))
    if characters is not None:
        graph.add((node, BG.characterCount, Literal(characters, datatype=XSD.integer)))
    graph.add((node, BG.namedGraph, iris.named_graph(name)))
    return node


def kind_term(kind: str) -> str:
    """``"catalogue-card"`` -> ``"CatalogueCard"``: the local name of a document kind."""
    return "".join(part.capitalize() for part in kind.split("-"))


def derive(graph: Graph, node: URIRef, document: ParsedDocument, at: Span | None) -> None:
    """Say ``node`` was extracted from ``document``, from the characters ``at``."""
    source = iris.source_document(document.source.name)
    graph.add((node, PROV.wasDerivedFrom, source))
    if at is None:
        return
    selector = iris.span(source, at)
    graph.add((node, BG.sourceSpan, selector))
    if (selector, RDF.type, OA.TextPositionSelector) in graph:
        return
    text = document.source
    graph.add((selector, RDF.type, OA.TextPositionSelector))
    graph.add((selector, RDF.type, OA.TextQuoteSelector))
    graph.add((selector, DCTERMS.isPartOf, source))
    graph.add((selector, OA.start, Literal(at.start, datatype=XSD.nonNegativeInteger)))
    graph.add((selector, OA.end, Literal(at.end, datatype=XSD.nonNegativeInteger)))
    graph.add((selector, OA.exact, Literal(text.slice(at))))
    graph.add((selector, BG.line, Literal(text.line_of(at.start), datatype=XSD.positiveInteger)))


def derive_field(graph: Graph, node: URIRef, document: ParsedDocument, at: Span,
                 *properties: URIRef) -> None:
    """A span that holds the value of ``properties`` of ``node``: the span says so."""
    derive(graph, node, document, at)
    selector = iris.span(iris.source_document(document.source.name), at)
    for prop in properties:
        graph.add((selector, BG.forProperty, prop))


def mention(graph: Graph, document: ParsedDocument, node: URIRef, target: URIRef, entity: URIRef,
            surface: str, at: Span) -> URIRef:
    """``target`` names ``entity``: ``schema:mentions``, and a ``bg:Mention`` annotation ``node``
    with the words as written and their span."""
    graph.add((target, SCHEMA.mentions, entity))
    graph.add((node, RDF.type, BG.Mention))
    graph.add((node, OA.hasBody, entity))
    graph.add((node, OA.hasTarget, target))
    graph.add((node, BG.surfaceForm, Literal(surface)))
    derive(graph, node, document, at)
    return node


def label(graph: Graph, node: URIRef, text: str, lang: str = "da") -> None:
    graph.add((node, RDFS.label, Literal(text, lang=lang)))
