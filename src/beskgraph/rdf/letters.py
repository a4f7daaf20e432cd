"""Correspondence to RDF: the appendix, its letters, their parties and the reply chain.

Letters are ``schema:Message`` (and ``bg:Letter``) with ``schema:dateSent``,
``schema:sender`` / ``schema:recipient`` (organisations, units, posts, persons),
``schema:author`` and ``bg:signatory`` (persons), ``schema:headline`` (subject),
``schema:text`` and ``schema:identifier`` (``schema:PropertyValue`` nodes). Organisations
and units follow ORG (``org:OrganizationalUnit``/``org:unitOf``, ``org:Post`` with
``org:role`` and ``org:heldBy``). Facts stated in letters are mapped in
:mod:`.letter_facts`. Every node extracted from the text is derived from its span.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..model.common import ParsedDocument
from ..model.correspondence import Appendix, Correspondence, IdentifierScheme, Letter, Party, PartyKind
from ..text import Span, slugify
from ..vocabulary import BG, DCTERMS, ORG, RDF, SCHEMA, SKOS, XSD
from . import iris
from .letter_facts import facts_to_rdf
from .literals import decimal, integer
from .ontology import materialise
from .provenance import add_source_document, derive, derive_field
from .schemes import add_concept


def correspondence_to_rdf(doc: Correspondence, graph: Graph) -> None:
    """Add everything ``doc`` holds to ``graph``."""
    add_source_document(graph, doc)
    appendix = appendix_to_rdf(doc, doc.appendix, graph) if doc.appendix else None
    for letter in doc.letters:
        letter_to_rdf(doc, letter, graph, appendix)
    facts_to_rdf(doc, graph)
    materialise(graph)


def appendix_to_rdf(doc: Correspondence, appendix: Appendix, graph: Graph) -> URIRef:
    label = " ".join(
        str(p) for p in (appendix.abbreviation, appendix.collection, "Bilag", appendix.number) if p
    )
    node = iris.iri("appendix", slugify(f"{label} {appendix.session or ''}"))
    graph.add((node, RDF.type, BG.ParliamentaryAppendix))
    graph.add((node, SKOS.notation, Literal(label)))
    for predicate, value in (
        (DCTERMS.title, appendix.title),
        (BG.session, appendix.session),
        (BG.collection, appendix.collection),
        (BG.publicStatus, appendix.public_status),
    ):
        if value:
            graph.add(
                (node, predicate, Literal(value, lang="da") if predicate == DCTERMS.title else Literal(value))
            )
    if appendix.number is not None:
        graph.add((node, BG.appendixNumber, integer(appendix.number)))
    if appendix.committee:
        committee = organisation(graph, appendix.committee)
        graph.add((node, BG.committee, committee))
    derive(graph, node, doc, appendix.span)
    for marker in appendix.pages:
        page = URIRef(f"{node}/page/{marker.page}")
        graph.add((page, RDF.type, BG.Page))
        graph.add((page, BG.pageNumber, integer(marker.page)))
        graph.add((page, BG.pageImage, Literal(marker.name)))
        graph.add((page, DCTERMS.isPartOf, node))
        derive(graph, page, doc, marker.span)
    return node


def letter_to_rdf(doc: Correspondence, letter: Letter, graph: Graph, appendix: URIRef | None) -> URIRef:
    node = iris.letter(letter.key)
    graph.add((node, RDF.type, BG.Letter))
    graph.add((node, RDF.type, SCHEMA.Message))
    graph.add((node, BG.referredOnly, Literal(letter.referred_only)))
    if letter.date:
        graph.add((node, SCHEMA.dateSent, Literal(letter.date, datatype=XSD.date)))
    if letter.period:
        graph.add((node, BG.periodStart, Literal(letter.period[0], datatype=XSD.date)))
        graph.add((node, BG.periodEnd, Literal(letter.period[1], datatype=XSD.date)))
    if letter.date_text:
        graph.add((node, BG.dateText, Literal(letter.date_text)))
    if letter.received:
        graph.add((node, BG.dateReceived, Literal(letter.received, datatype=XSD.date)))
    if letter.subject:
        graph.add((node, SCHEMA.headline, Literal(letter.subject, lang="da")))
    if letter.text:
        graph.add((node, SCHEMA.text, Literal(letter.text, lang="da")))
    if letter.municipality_code:
        graph.add((node, BG.municipality, iris.municipality(letter.municipality_code)))
        match_score(graph, node, letter.municipality_score)
    if appendix is not None and not letter.referred_only:
        graph.add((node, DCTERMS.isPartOf, appendix))
        graph.add((appendix, DCTERMS.hasPart, node))
    if letter.sender:
        for target in party(doc, graph, letter.sender, person_too=False):
            graph.add((node, SCHEMA.sender, target))
        if letter.sender.person:
            graph.add((node, SCHEMA.author, person(doc, graph, letter.sender)))
    for position, recipient in enumerate(letter.recipients, 1):
        targets = party(doc, graph, recipient, person_too=True)
        for target in targets:
            graph.add((node, SCHEMA.recipient, target))
        list_item(doc, graph, node, BG.recipientItem, position, targets, recipient.span)
    for position, signatory in enumerate(letter.signatories, 1):
        target = person(doc, graph, signatory)
        graph.add((node, BG.signatory, target))
        list_item(doc, graph, node, BG.signatoryItem, position, [target], signatory.span)
    if letter.subject and letter.subject_span:
        derive_field(graph, node, doc, letter.subject_span, SCHEMA.headline)
    if letter.date_text and letter.date_span:
        derive_field(graph, node, doc, letter.date_span, BG.dateText)
    for identifier in letter.identifiers:
        id_node = URIRef(f"{node}/identifier/{identifier.scheme.value}-{slugify(identifier.value)}")
        graph.add((id_node, RDF.type, SCHEMA.PropertyValue))
        graph.add((id_node, RDF.type, BG.Identifier))
        graph.add((id_node, SCHEMA.propertyID, Literal(identifier.scheme.value)))
        graph.add((id_node, SCHEMA.value, Literal(identifier.value)))
        graph.add((id_node, BG.identifierScheme, scheme_concept(graph, identifier.scheme)))
        graph.add((node, SCHEMA.identifier, id_node))
        derive(graph, id_node, doc, identifier.span)
    for key in letter.in_reply_to:
        graph.add((node, BG.inReplyTo, iris.letter(key)))
    for key in letter.encloses:
        graph.add((node, BG.encloses, iris.letter(key)))
    derive(graph, node, doc, letter.span)
    return node


def match_score(graph: Graph, node: URIRef, score: float) -> None:
    """How closely the name ``node`` was read from matched the reference it was taken as,
    when it took OCR repairs (below 1)."""
    if score < 1:
        graph.add((node, BG.matchScore, decimal(f"{score:.2f}")))


def list_item(
    doc: Correspondence,
    graph: Graph,
    letter: URIRef,
    link: URIRef,
    position: int,
    targets: list[URIRef],
    at: Span,
) -> URIRef:
    """The ``position``-th party of ``link`` as written (a ``schema:ListItem`` whose items
    are the party's nodes: organisation, post, person): the order of a letter's
    recipients and signatories, which their shared nodes cannot hold."""
    name = link.rsplit("#", 1)[-1].removesuffix("Item")
    node = URIRef(f"{letter}/{name}/{position}")
    graph.add((letter, link, node))
    graph.add((node, RDF.type, SCHEMA.ListItem))
    for target in targets:
        graph.add((node, SCHEMA.item, target))
    graph.add((node, BG.position, integer(position)))
    derive(graph, node, doc, at)
    return node


def organisation(graph: Graph, name: str) -> URIRef:
    node = iris.iri("organisation", slugify(name))
    graph.add((node, RDF.type, PartyKind.ORGANISATION.iri))
    named(graph, node, name)
    return node


def named(graph: Graph, node: URIRef, name: str) -> None:
    """skos:prefLabel for ORG, schema:name for the API's parties."""
    graph.add((node, SKOS.prefLabel, Literal(name, lang="da")))
    graph.add((node, SCHEMA.name, Literal(name)))


def _organisation_of(graph: Graph, who: Party) -> URIRef | None:
    if who.municipality_code:
        return iris.municipality(who.municipality_code)
    return organisation(graph, who.organisation) if who.organisation else None


def party(doc: Correspondence, graph: Graph, who: Party, person_too: bool) -> list[URIRef]:
    """The nodes a party stands for: its unit or organisation, its post, its person."""
    org = _organisation_of(graph, who)
    out: list[URIRef] = []
    if org is not None and who.unit:
        unit = iris.iri("organisation", slugify(f"{who.municipality_code or who.organisation} {who.unit}"))
        graph.add((unit, RDF.type, PartyKind.UNIT.iri))
        named(graph, unit, who.unit)
        graph.add((unit, ORG.unitOf, org))
        if who.municipality_code:
            graph.add((unit, BG.municipality, org))
        derive(graph, unit, doc, who.span)
        out.append(unit)
    elif org is not None:
        out.append(org)
    if who.role and org is not None and (person_too or who.person is None):
        out.append(post(graph, org, who))
    if person_too and who.person:
        out.append(person(doc, graph, who))
    return out


def _owner(who: Party) -> str | None:
    """The organisation a party belongs to, as an IRI segment: its kommunekode or slug."""
    return who.municipality_code or (slugify(who.organisation, 30) if who.organisation else None)


def post(graph: Graph, org: URIRef, who: Party) -> URIRef:
    assert who.role is not None
    node = iris.iri("post", _owner(who) or "x", slugify(who.role))
    role = add_concept(graph, iris.concept("role", who.role), "roles", who.role)
    graph.add((role, RDF.type, ORG.Role))
    graph.add((node, RDF.type, PartyKind.POST.iri))
    graph.add((node, ORG.postIn, org))
    graph.add((node, ORG.role, role))
    where = who.organisation or ""
    graph.add((node, SKOS.prefLabel, Literal(f"{who.role}, {where}".rstrip(", "), lang="da")))
    return node


def person(doc: ParsedDocument, graph: Graph, who: Party) -> URIRef:
    assert who.person is not None
    node = iris.person(who.person, _owner(who))
    graph.add((node, RDF.type, PartyKind.PERSON.iri))
    graph.add((node, SCHEMA.name, Literal(who.person)))
    org = _organisation_of(graph, who)
    if who.role:
        graph.add((node, SCHEMA.jobTitle, Literal(who.role, lang="da")))
        if org is not None:
            held = post(graph, org, who)
            graph.add((node, ORG.holds, held))
            graph.add((held, ORG.heldBy, node))
    if org is not None:
        graph.add((node, SCHEMA.worksFor, org))
    if who.municipality_code:
        graph.add((node, BG.municipality, iris.municipality(who.municipality_code)))
    derive(graph, node, doc, who.person_span or who.span)
    return node


def scheme_concept(graph: Graph, scheme: IdentifierScheme) -> URIRef:
    node = add_concept(
        graph, iris.concept("identifier-scheme", scheme.value), "identifier-schemes", scheme.label
    )
    graph.add((node, SKOS.notation, Literal(scheme.value)))
    return node
