"""Deliberate corruptions of the built seed graph, each of which the shapes must reject — the
kinds of error a plain shape misses (dangling references, quotes that are not the source's,
figures that contradict each other, a wrong language, a deadline that ends before it starts)
as well as plain ones — validated as the build validates a document (its nodes in focus,
everything they point at as context). The uncorrupted graph conforms (tests/validate/test_shacl.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, SKOS, XSD

from beskgraph.rdf import iris
from beskgraph.validate import check
from beskgraph.vocabulary import BG, ELI, OA, SCHEMA
from tests.support.union_graph import changed_in_place

Corruption = Callable[[Graph], set[URIRef]]  # changes the graph; returns the nodes to validate

MIDDELFART = iris.intervention("410", "Skærpet fokus på langtidsledighed ved 24 ugers ledighed")
TAARNBY_GOOD_PRACTICE = URIRef(f"{iris.intervention('185', 'Projekt Flere skal med 2')}/test/good-practice")
TAARNBY_EVIDENCE = URIRef(f"{iris.intervention('185', 'Projekt Flere skal med 2')}/test/evidence")
BRONDBY = iris.letter("2018-07-05-broendby-til-beskaeftigelsesministeriet")
COMMITMENT = URIRef(f"{BRONDBY}/commitment/a9431d9b80a1")  # 21 to 31 August 2018
MENTION = URIRef(f"{BRONDBY}/mention/it-system-joblog")
UNIT = iris.iri("organisation", "259-velfaerdsforvaltningen")
POST = iris.iri("post", "153", "beskaeftigelsesudvalgsformand")
PAGE = iris.iri("appendix", "beu-alm-del-bilag-243-2021-22", "page", "1")
ACT = iris.act_eli(2019, 548)
CARD = iris.source_document("000_2ad044e4a048410a.txt")
NOWHERE = iris.municipality("999")


def first(graph: Graph, predicate: URIRef, subject: URIRef | None = None) -> tuple[URIRef, URIRef]:
    """The first (subject, object) of ``predicate`` in a stable order."""
    return min((s, o) for s, o in graph.subject_objects(predicate) if subject in (None, s))  # type: ignore[return-value]


def replace(graph: Graph, node: URIRef, predicate: URIRef, value) -> set[URIRef]:
    graph.set((node, predicate, value))
    return {node}


def a_span(graph: Graph) -> URIRef:
    return first(graph, BG.sourceSpan, MIDDELFART)[1]


def quote_elsewhere(graph: Graph) -> set[URIRef]:
    span = a_span(graph)
    graph.set((span, OA.exact, Literal("Skærpet fokus på korttidsledighed")))
    return {span, CARD}


def shift_span(graph: Graph) -> set[URIRef]:
    span = a_span(graph)
    for predicate in (OA.start, OA.end):
        graph.set((span, predicate, Literal(int(graph.value(span, predicate)) + 1, datatype=XSD.integer)))
    return {span, CARD}


def end_before_start(graph: Graph) -> set[URIRef]:
    span = a_span(graph)
    graph.set((span, OA.end, Literal(int(graph.value(span, OA.start)), datatype=XSD.integer)))
    return {span, CARD}


def edit_source_text(graph: Graph) -> set[URIRef]:
    text = str(graph.value(CARD, RDF.value))
    graph.set((CARD, RDF.value, Literal(text.replace("Middelfart", "Midelfart", 1))))
    return {CARD}


def second_source_text(graph: Graph) -> set[URIRef]:
    graph.add((CARD, RDF.value, Literal("another text")))
    return {CARD}


def dangling_span(graph: Graph) -> set[URIRef]:
    graph.add((MIDDELFART, BG.sourceSpan, URIRef(f"{CARD}#char=1,2")))
    return {MIDDELFART}


def type_as_letter(graph: Graph) -> set[URIRef]:
    graph.add((MIDDELFART, RDF.type, BG.Letter))
    return {MIDDELFART}


def drop(node: URIRef, predicate: URIRef) -> Corruption:
    def corrupt(graph: Graph) -> set[URIRef]:
        assert (node, predicate, None) in graph
        graph.remove((node, predicate, None))
        return {node}

    return corrupt


def setting(node: URIRef, predicate: URIRef, value) -> Corruption:
    return lambda graph: replace(graph, node, predicate, value)


def adding(node: URIRef, predicate: URIRef, value) -> Corruption:
    def corrupt(graph: Graph) -> set[URIRef]:
        graph.add((node, predicate, value))
        return {node}

    return corrupt


def first_object(predicate: URIRef, value) -> Corruption:
    """Set the object of the first node having ``predicate``."""
    return on_first(predicate, predicate, value)


def on_first(having: URIRef, predicate: URIRef, value) -> Corruption:
    """Set (or, with ``value`` None, remove) ``predicate`` of the first node having ``having``."""

    def corrupt(graph: Graph) -> set[URIRef]:
        node = first(graph, having)[0]
        if value is None:
            graph.remove((node, predicate, None))
            return {node}
        return replace(graph, node, predicate, value)

    return corrupt


CORRUPTIONS: dict[str, tuple[Corruption, str]] = {
    # references that lead nowhere or to the wrong kind of node
    "municipality that does not exist": (
        setting(MIDDELFART, BG.municipality, NOWHERE),
        "An intervention has exactly one municipality.",
    ),
    "commitment by an organisation, not a municipality": (
        setting(COMMITMENT, BG.committedBy, UNIT),
        "A commitment has one municipality",
    ),
    "source span that does not exist": (dangling_span, "bg:sourceSpan names a span the graph describes"),
    "source document that does not exist": (
        setting(MIDDELFART, PROV.wasDerivedFrom, iris.source_document("missing.txt")),
        "prov:wasDerivedFrom names a source document of the graph.",
    ),
    "reply to a letter that does not exist": (
        adding(BRONDBY, BG.inReplyTo, iris.letter("2018-01-01-nobody-til-nobody")),
        "bg:inReplyTo names a letter.",
    ),
    "signatory who is a municipality": (
        adding(BRONDBY, BG.signatory, iris.municipality("153")),
        "A letter's signatory is a person.",
    ),
    "mention of nothing": (
        setting(MENTION, OA.hasBody, iris.iri("it-system", "nothing")),
        "A mention names a municipality",
    ),
    "criterion that does not exist": (
        first_object(BG.criterion, iris.criterion("evidence", "no such criterion")),
        "An answer answers exactly one criterion.",
    ),
    "provision of an act the graph does not describe": (
        first_object(ELI.is_part_of, iris.act_eli(1999, 1)),
        "A provision is part of an act the graph describes.",
    ),
    "post with a role that does not exist": (
        setting(POST, ORG.role, iris.concept("role", "nobody")),
        "A post has one role.",
    ),
    "unit of no organisation": (drop(UNIT, ORG.unitOf), "A unit is a unit of one organisation."),
    # quotes and offsets against the source text
    "span quoting text that is not the source's": (quote_elsewhere, "quotes text that is not the source's"),
    "span shifted by one character": (shift_span, "quotes text that is not the source's"),
    "span that ends where it starts": (end_before_start, "does not start before it ends"),
    "span that ends beyond the text": (
        lambda graph: replace(graph, a_span(graph), OA.end, Literal(10**6, datatype=XSD.integer)) | {CARD},
        "ends beyond the source text",
    ),
    "source text edited after the build": (edit_source_text, "SHA-256 (schema:sha256) are the text's"),
    "two texts for one source": (second_source_text, "carries its text once"),
    "wrong character count": (
        setting(CARD, BG.characterCount, Literal(5, datatype=XSD.integer)),
        "its length (bg:characterCount)",
    ),
    # figures that contradict each other
    "score said to reproduce where 3.6 and 3.5 differ": (
        setting(TAARNBY_GOOD_PRACTICE, BG.scoreReproduces, Literal(True)),
        "contradicts the published and recomputed scores",
    ),
    "score said not to reproduce where both are 3.6": (
        setting(TAARNBY_EVIDENCE, BG.scoreReproduces, Literal(False)),
        "contradicts the published and recomputed scores",
    ),
    "answer count that is not the number of answers": (
        setting(TAARNBY_EVIDENCE, BG.answerCount, Literal(12, datatype=XSD.integer)),
        "is not the number of its answers",
    ),
    "deadline that ends before it starts": (
        setting(COMMITMENT, BG.deadlineEnd, Literal("2018-08-01", datatype=XSD.date)),
        "ends on or after the day it starts",
    ),
    "published score of 7.5": (
        setting(TAARNBY_EVIDENCE, BG.publishedScore, Literal(Decimal("7.5"))),
        "one published score in [0, 5]",
    ),
    # languages, datatypes and forms
    "intervention title in English": (
        setting(MIDDELFART, DCTERMS.title, Literal("Sharper focus on long-term unemployment", lang="en")),
        "An intervention has exactly one non-empty title.",
    ),
    "initiative title without a language": (
        on_first(BG.describedIn, DCTERMS.title, Literal("Informationsmøde")),
        "An initiative has one Danish title",
    ),
    "act title on the act, not on its text": (
        adding(ACT, ELI.title, Literal("Lov om en aktiv beskæftigelsesindsats", lang="da")),
        "eli:title is a title of an act's text",
    ),
    "act without its type": (
        drop(ACT, ELI.type_document),
        "An act has its local identifier, one number, one type",
    ),
    "kommunekode with four digits": (
        setting(iris.municipality("410"), BG.kommunekode, Literal("0410")),
        "one three-digit kommunekode",
    ),
    "span offset as a string": (
        lambda graph: replace(graph, a_span(graph), OA.start, Literal("12")),
        "A span has one start offset.",
    ),
    "page number 0": (
        setting(PAGE, BG.pageNumber, Literal(0, datatype=XSD.integer)),
        "A page has one page number",
    ),
    "answer that is neither Ja, Delvist nor Nej": (
        first_object(BG.answer, URIRef(f"{BG}Maybe")),
        "An answer has exactly one value: Ja, Delvist or Nej.",
    ),
    "test of a kind that is not a test": (
        setting(TAARNBY_EVIDENCE, BG.testKind, BG.Yes),
        "A test result has exactly one kind",
    ),
    # vocabulary: concepts, classes, provenance
    "criterion without a preferred label": (
        on_first(BG.statement, SKOS.prefLabel, None),
        "A concept has a preferred label",
    ),
    "target group in no scheme": (
        on_first(BG.targetGroupKind, SKOS.inScheme, None),
        "A target group is in the target-group scheme.",
    ),
    "intervention that is also a letter": (type_as_letter, "A letter says whether it is only referred to"),
    "extracted node without its source document": (
        drop(COMMITMENT, PROV.wasDerivedFrom),
        "Every extracted node needs its source document",
    ),
    "build that ends before it starts": (
        lambda graph: replace(
            graph,
            first(graph, PROV.endedAtTime)[0],
            PROV.endedAtTime,
            Literal("2000-01-01T00:00:00+01:00", datatype=XSD.dateTime),
        ),
        "A build ends no earlier than it starts.",
    ),
    "observation value as text": (
        first_object(SCHEMA.value, Literal("35")),
        "An observation has one value, an xsd:decimal.",
    ),
}


@pytest.fixture
def graph(seed_graph: Graph) -> Iterator[Graph]:
    """The seed graph, to corrupt for this test only."""
    with changed_in_place(seed_graph) as graph:
        yield graph


def test_there_are_at_least_26_corruptions() -> None:
    assert len(CORRUPTIONS) >= 26


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_each_corruption_is_rejected(graph: Graph, name: str) -> None:
    corrupt, expected = CORRUPTIONS[name]
    before = len(graph)
    focus = corrupt(graph)
    assert len(graph) != before or focus, name
    messages = [v.message for v in check(graph, focus=focus)]
    assert any(expected in message for message in messages), (name, messages)
