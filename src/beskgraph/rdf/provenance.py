"""Provenance: every extracted node points to its source document and the span it came from,
and every build is a ``prov:Activity`` that used the source documents.

A span is an RFC 5147 fragment of the document IRI (``…/source/x#char=10,52``) typed as a
W3C Web Annotation ``oa:TextPositionSelector`` (start, end) and ``oa:TextQuoteSelector``
(the exact text), with the 1-based line it starts on so errors can name file and line. The
source document carries its text (``rdf:value``), so the shapes can check each span's quote
against the characters at its offsets, and the text's SHA-256 (``schema:sha256``).

The build's activity (software and version, start and end time, the documents it used) is
in its own named graph, ``graph/build``: the only part of a build that differs between two
runs over the same sources is its two times, and with ``SOURCE_DATE_EPOCH`` set (the
reproducible-builds convention) not even those.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rdflib import Graph, Literal, URIRef

from .. import __version__
from ..model.common import DocumentKind, ParsedDocument
from ..reference import source_urls
from ..text import Span, short_hash
from ..vocabulary import BG, DCTERMS, OA, PROV, RDF, RDFS, SCHEMA, XSD
from . import iris
from .literals import integer

SOFTWARE = "beskgraph"


def text_sha256(document: ParsedDocument) -> str:
    """The SHA-256 of the document's text as UTF-8 (line breaks read as LF): for a UTF-8 file
    with LF line ends, the file's own checksum (``sha256sum``)."""
    return hashlib.sha256(document.source.text.encode("utf-8")).hexdigest()


def add_source_document(graph: Graph, document: ParsedDocument) -> URIRef:
    """Describe the source document (a prov:Entity) in its own named graph, with its text."""
    node = source_node(graph, document.source.name, document.kind.value, len(document.source.text))
    checksum = text_sha256(document)
    graph.add((node, RDF.value, Literal(document.source.text)))
    graph.add((node, SCHEMA.sha256, Literal(checksum)))
    if url := source_urls().get(checksum):
        graph.add((node, DCTERMS.source, URIRef(url)))
    return node


def source_node(graph: Graph, name: str, kind: str | None, characters: int | None) -> URIRef:
    """The source document node: file name, kind (when recognised), length (when read)."""
    node = iris.source_document(name)
    graph.add((node, RDF.type, BG.SourceDocument))
    graph.add((node, DCTERMS.identifier, Literal(name)))
    if kind is not None:
        graph.add((node, BG.documentKind, DocumentKind.from_value(kind).iri))
    if characters is not None:
        graph.add((node, BG.characterCount, integer(characters)))
    graph.add((node, BG.namedGraph, iris.named_graph(name)))
    return node


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
    graph.add((selector, OA.start, integer(at.start)))
    graph.add((selector, OA.end, integer(at.end)))
    graph.add((selector, OA.exact, Literal(text.slice(at))))
    graph.add((selector, BG.line, integer(text.line_of(at.start))))


def derive_field(graph: Graph, node: URIRef, document: ParsedDocument, at: Span, *properties: URIRef) -> None:
    """A span that holds the value of ``properties`` of ``node``: the span says so."""
    derive(graph, node, document, at)
    selector = iris.span(iris.source_document(document.source.name), at)
    for prop in properties:
        graph.add((selector, BG.forProperty, prop))


def mention(
    graph: Graph,
    document: ParsedDocument,
    node: URIRef,
    target: URIRef,
    entity: URIRef,
    surface: str,
    at: Span,
) -> URIRef:
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


def build_time() -> datetime:
    """Now, to the second, in UTC; ``SOURCE_DATE_EPOCH`` (seconds) instead when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return now.replace(microsecond=0)


def build_graph(documents: Iterable[ParsedDocument], started: datetime, ended: datetime) -> Graph:
    """The named graph ``graph/build``: this build as a ``prov:Activity`` of this software
    that used the source documents, between ``started`` and ``ended``."""
    graph = Graph(identifier=iris.build_graph())
    documents = sorted(documents, key=lambda d: d.source.name)
    software = iris.software(SOFTWARE, __version__)
    for kind in (PROV.SoftwareAgent, PROV.Agent, SCHEMA.SoftwareApplication):
        graph.add((software, RDF.type, kind))
    graph.add((software, SCHEMA.name, Literal(SOFTWARE)))
    graph.add((software, SCHEMA.softwareVersion, Literal(__version__)))
    key = short_hash(" ".join([__version__, *sorted(text_sha256(d) for d in documents)]), 16)
    activity = iris.build_activity(key)
    graph.add((activity, RDF.type, PROV.Activity))
    count = len(documents)
    graph.add(
        (
            activity,
            RDFS.label,
            Literal(f"{SOFTWARE} {__version__}: bygning af {count} kildedokumenter", lang="da"),
        )
    )
    graph.add(
        (
            activity,
            RDFS.label,
            Literal(f"{SOFTWARE} {__version__}: build of {count} source documents", lang="en"),
        )
    )
    graph.add((activity, PROV.wasAssociatedWith, software))
    graph.add((activity, PROV.startedAtTime, _time(started)))
    graph.add((activity, PROV.endedAtTime, _time(ended)))
    for document in documents:
        graph.add((activity, PROV.used, iris.source_document(document.source.name)))
        graph.add((iris.named_graph(document.source.name), PROV.wasGeneratedBy, activity))
    return graph


DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def _time(moment: datetime) -> Literal:
    """``xsd:dateTime`` in Danish time with its offset (``+01:00``, ``+02:00``): a form rdflib
    and a store both keep as written (UTC they write differently: ``+00:00`` and ``Z``)."""
    return Literal(moment.astimezone(DANISH_TIME).isoformat(), datatype=XSD.dateTime)
