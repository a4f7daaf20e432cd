"""A generic text as RDF: a ``bg:Publication`` (a ``schema:CreativeWork``) with its title
and dates, the municipalities it mentions (``schema:mentions`` their kommunekode node, and
a ``bg:Mention`` with the words as written), the letters and provisions it refers to
(``dcterms:references``), the figures it states (``schema:Observation``) and the persons
it names with their roles. Its IRI is derived from its text, not from the file name.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..model.correspondence import Party, Side
from ..model.publication import Dated, Publication
from ..text import Span, short_hash, slugify
from ..vocabulary import BG, DCTERMS, RDF, SCHEMA, XSD
from . import iris
from .letter_facts import observation_to_rdf, provision
from .letters import person
from .ontology import materialise
from .provenance import derive, mention


def publication_to_rdf(doc: Publication, graph: Graph) -> URIRef:
    """Add ``doc`` to ``graph`` (its document's named graph); returns the publication node."""
    title = doc.title.value if doc.title else doc.kind.value
    node = iris.iri("text", f"{slugify(title, 40)}-{short_hash(doc.source.text)}")
    graph.add((node, RDF.type, BG.Publication))
    graph.add((node, RDF.type, SCHEMA.CreativeWork))
    if doc.title:
        graph.add((node, DCTERMS.title, Literal(doc.title.value, lang="da")))
    derive(graph, node, doc, doc.title.span if doc.title else _first_line(doc))
    _date(graph, node, doc, SCHEMA.datePublished, doc.published)
    _date(graph, node, doc, SCHEMA.dateModified, doc.updated)
    for named in doc.municipalities:
        mention(
            graph,
            doc,
            URIRef(f"{node}/mention/{named.code}"),
            node,
            iris.municipality(named.code),
            named.surface,
            named.span,
        )
    for reference in doc.letters:
        letter = URIRef(f"{node}/referred-letter/{reference.date}")
        graph.add((letter, RDF.type, BG.Letter))
        graph.add((letter, RDF.type, SCHEMA.Message))
        graph.add((letter, BG.referredOnly, Literal(True)))
        graph.add((letter, SCHEMA.dateSent, Literal(reference.date, datatype=XSD.date)))
        graph.add((letter, BG.dateText, Literal(reference.text)))
        graph.add((node, DCTERMS.references, letter))
        derive(graph, letter, doc, reference.span)
    for citation in doc.citations:
        cited = provision(graph, citation)
        derive(graph, cited, doc, citation.span)
        graph.add((node, DCTERMS.references, cited))
    for figure in doc.figures:
        observation_to_rdf(doc, figure, graph, node)
    for role in doc.persons:
        who = Party(Side.OTHER, None, role.span, person=role.name, role=role.role)
        graph.add((node, SCHEMA.mentions, person(doc, graph, who)))
    materialise(graph)
    return node


def _first_line(doc: Publication) -> Span:
    line = next(line for line in doc.source.lines() if line.stripped)
    return doc.source.strip_span(line.span)


def _date(graph: Graph, node: URIRef, doc: Publication, predicate: URIRef, dated: Dated | None) -> None:
    """The date, or (when it could not be read) the words where it stands."""
    if dated is None:
        return
    if dated.value:
        graph.add((node, predicate, Literal(dated.value, datatype=XSD.date)))
    else:
        graph.add((node, BG.dateText, Literal(dated.text)))
