"""What letters state, to RDF: mentions, commitments, initiatives, legal provisions and
figures. Legal provisions are ``eli:LegalResourceSubdivision`` nodes (the same IRIs the
catalogue cards use) that are ``eli:is_part_of`` the act's ELI; figures are
``schema:Observation`` with ``schema:value`` and ``schema:unitText``."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..model.common import ParsedDocument
from ..model.correspondence import (
    Commitment,
    Correspondence,
    Figure,
    Initiative,
    LegalCitation,
    MentionKind,
)
from ..reference import find_act
from ..text import distinct, short_hash, slugify
from ..vocabulary import BG, DCTERMS, ELI, OA, ORG, RDF, SCHEMA, SKOS, XSD
from . import iris
from .legal import add_act, add_cited_act, add_provision
from .literals import decimal, duration, integer
from .provenance import derive, derive_field
from .schemes import add_concept


def facts_to_rdf(doc: Correspondence, graph: Graph) -> None:
    for mention in doc.mentions:
        letter = iris.letter(mention.letter)
        entity = mentioned(graph, mention.kind, mention.label, mention.municipality_code)
        graph.add((letter, SCHEMA.mentions, entity))
        node = iris.part(letter, "mention", f"{mention.kind.value}-{slugify(mention.label)}")
        graph.add((node, RDF.type, BG.Mention))
        graph.add((node, OA.hasBody, entity))
        graph.add((node, OA.hasTarget, letter))
        graph.add((node, BG.surfaceForm, Literal(mention.surface)))
        if mention.score < 1:
            graph.add((node, BG.matchScore, decimal(f"{mention.score:.2f}")))
        derive(graph, node, doc, mention.span)
    for commitment in doc.commitments:
        commitment_to_rdf(doc, commitment, graph)
    for initiative, key in zip(doc.initiatives, _initiative_keys(doc.initiatives), strict=True):
        initiative_to_rdf(doc, initiative, key, graph)
    for citation in doc.citations:
        node = provision(graph, citation)
        derive(graph, node, doc, citation.span)
        if citation.letter:
            graph.add((iris.letter(citation.letter), DCTERMS.references, node))
    for figure in doc.figures:
        observation_to_rdf(doc, figure, graph, iris.letter(figure.letter or ""))


def _initiative_keys(initiatives: list[Initiative]) -> list[str]:
    """Each initiative's key in its letter: its label or title, with a hash of its text
    where two share one."""
    keys = [f"{i.letter} {slugify(i.label or i.title, 50)}" for i in initiatives]
    contents = [f"{i.title} {i.description or ''}" for i in initiatives]
    return [key.split(" ", 1)[1] for key in distinct(keys, contents)]


def mentioned(graph: Graph, kind: MentionKind, label: str, code: str | None) -> URIRef:
    if kind == MentionKind.MUNICIPALITY and code:
        return iris.municipality(code)
    if kind == MentionKind.IT_SYSTEM:
        node = iris.concept("it-system", label)
        graph.add((node, RDF.type, SCHEMA.SoftwareApplication))
        graph.add((node, SCHEMA.name, Literal(label)))
        return node
    node = iris.iri("organisation", slugify(label))
    graph.add((node, RDF.type, ORG.Organization))
    graph.add((node, SKOS.prefLabel, Literal(label, lang="da")))
    return node


def commitment_to_rdf(doc: Correspondence, commitment: Commitment, graph: Graph) -> URIRef:
    deadline = commitment.deadline
    letter = iris.letter(commitment.letter)
    node = iris.part(letter, "commitment", short_hash(f"{commitment.text} {deadline.text} {deadline.start}"))
    graph.add((node, RDF.type, BG.Commitment))
    graph.add((node, BG.committedBy, iris.municipality(commitment.municipality_code)))
    graph.add((node, BG.statedIn, letter))
    graph.add((node, SCHEMA.text, Literal(commitment.text, lang="da")))
    graph.add((node, BG.deadlineStart, Literal(deadline.start, datatype=XSD.date)))
    graph.add((node, BG.deadlineEnd, Literal(deadline.end, datatype=XSD.date)))
    graph.add((node, BG.deadlineKind, Literal(deadline.kind.value)))
    graph.add((node, BG.deadlineText, Literal(deadline.text, lang="da")))
    if deadline.onwards:
        graph.add((node, BG.openEnded, Literal(True)))
    if deadline.relative:
        graph.add((node, BG.relativeDeadline, duration(deadline.relative)))
    if commitment.acknowledged_by:
        graph.add((node, BG.acknowledgedIn, iris.letter(commitment.acknowledged_by)))
    derive(graph, node, doc, commitment.span)
    return node


def initiative_to_rdf(doc: Correspondence, initiative: Initiative, key: str, graph: Graph) -> URIRef:
    letter = iris.letter(initiative.letter)
    node = iris.part(letter, "initiative", key)
    graph.add((node, RDF.type, BG.Initiative))
    graph.add((node, DCTERMS.title, Literal(initiative.title, lang="da")))
    graph.add((node, BG.describedIn, letter))
    if initiative.municipality_code:
        graph.add((node, BG.municipality, iris.municipality(initiative.municipality_code)))
    for predicate, value in (
        (SCHEMA.description, initiative.description),
        (BG.focus, initiative.focus),
        (BG.purpose, initiative.purpose),
        (BG.status, initiative.status),
    ):
        if value:
            graph.add((node, predicate, Literal(value, lang="da")))
    if initiative.label:
        graph.add((node, SKOS.notation, Literal(initiative.label)))
    if initiative.week_deadline is not None:
        graph.add((node, BG.weekDeadline, integer(initiative.week_deadline)))
    if initiative.position is not None:
        graph.add((node, BG.position, integer(initiative.position)))
    derive(graph, node, doc, initiative.span)
    if initiative.purpose_span is not None:
        properties = [BG.purpose] + (
            [SCHEMA.description] if initiative.description == initiative.purpose else []
        )
        derive_field(graph, node, doc, initiative.purpose_span, *properties)
    if initiative.status_span is not None:
        derive_field(graph, node, doc, initiative.status_span, BG.status)
    return node


def provision(graph: Graph, citation: LegalCitation) -> URIRef:
    """The cited provision (or the act itself when no § is given), linked to the act's ELI;
    the citation as written is kept beside the canonical one."""
    act = find_act(citation.year, citation.number)
    if act is not None:
        act_node = add_act(graph, act)
    else:  # an act the reference list lacks: its ELI and its name as cited
        act_node = add_cited_act(graph, citation.act_type, citation.year, citation.number, citation.date_text)
    if citation.paragraph is None:
        graph.add((act_node, BG.citedAs, Literal(citation.text)))
        return act_node
    node = add_provision(
        graph, citation.year, citation.number, citation.paragraph, citation.subsection, citation.item
    )
    graph.add((node, ELI.id_local, Literal(citation.provision)))
    graph.add((node, BG.citedAs, Literal(citation.text)))
    return node


def observation_to_rdf(doc: ParsedDocument, figure: Figure, graph: Graph, parent: URIRef) -> URIRef:
    """A figure as an observation within ``parent`` (the letter or intervention stating it),
    keyed by what it says: value, unit, measure, subject and period."""
    node = iris.part(
        parent,
        "observation",
        short_hash(f"{figure.value} {figure.unit} {figure.measure} {figure.subject} {figure.period}"),
    )
    graph.add((node, RDF.type, SCHEMA.Observation))
    graph.add((node, SCHEMA.value, decimal(figure.value)))
    graph.add((node, SCHEMA.unitText, Literal(figure.unit)))
    graph.add((node, SCHEMA.variableMeasured, Literal(figure.measure, lang="da")))
    if figure.municipality_code:
        graph.add((node, SCHEMA.observationAbout, iris.municipality(figure.municipality_code)))
    elif figure.subject:
        area = add_concept(graph, iris.concept("area", figure.subject), "areas", figure.subject)
        graph.add((node, SCHEMA.observationAbout, area))
    if figure.period:
        graph.add((node, BG.period, Literal(figure.period, lang="da")))
    for predicate, value in ((BG.periodStart, figure.period_start), (BG.periodEnd, figure.period_end)):
        if value:
            graph.add((node, predicate, Literal(value, datatype=XSD.date)))
    graph.add((node, BG.statedIn, parent))
    derive(graph, node, doc, figure.span)
    return node
