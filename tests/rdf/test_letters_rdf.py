"""Correspondence as RDF: expected triples, provenance on every letter, SHACL pass and fail."""

from __future__ import annotations

from functools import cache

import pytest
from rdflib import Graph, Literal, URIRef, namespace
from rdflib.namespace import DCTERMS, PROV, RDF

from beskgraph.config import SEEDS_DIR
from beskgraph.parse.letters import parse_correspondence
from beskgraph.rdf import iris
from beskgraph.rdf.letters import correspondence_to_rdf
from beskgraph.rdf.reference import reference_graph
from beskgraph.text import SourceText
from beskgraph.validate import check
from beskgraph.vocabulary import BG, ELI, ORG, SCHEMA

SEED = "003_aec37f0f2b66ca76.txt"


@cache
def _seed_graph() -> Graph:
    graph = Graph()
    correspondence_to_rdf(parse_correspondence(SourceText.read(SEEDS_DIR / SEED)), graph)
    return graph


@pytest.fixture
def graph() -> Graph:
    copy = Graph()
    copy += _seed_graph()
    return copy


def letter(key: str) -> URIRef:
    return iris.letter(key)


HILLEROD = letter("2018-07-06-hilleroed-til-beskaeftigelsesministeriet")
ACK = letter("2018-08-31-beskaeftigelsesministeriet-til-hilleroed")


def conforms(graph: Graph, nodes: set[URIRef] | None = None) -> tuple[bool, str]:
    """The document's nodes (or only ``nodes``, those a test changed: the rest conforms, as
    test_seed_conforms shows) against every shape, with the reference data they point at (as
    the build validates a document: references must resolve)."""
    results = check(reference_graph() + graph, focus=nodes if nodes is not None else set(graph.subjects()))
    return not [r for r in results if r.is_violation], "\n".join(str(r) for r in results)


def test_letter_triples(graph: Graph) -> None:
    assert (HILLEROD, RDF.type, BG.Letter) in graph
    assert (HILLEROD, RDF.type, SCHEMA.Message) in graph
    assert (HILLEROD, SCHEMA.dateSent, Literal("2018-07-06", datatype=namespace.XSD.date)) in graph
    assert (HILLEROD, BG.municipality, iris.municipality("219")) in graph
    assert (ACK, BG.inReplyTo, HILLEROD) in graph
    unit = graph.value(HILLEROD, SCHEMA.sender)
    assert (unit, RDF.type, ORG.OrganizationalUnit) in graph
    assert (unit, ORG.unitOf, iris.municipality("219")) in graph
    person = graph.value(HILLEROD, BG.signatory)
    assert (person, SCHEMA.name, Literal("Kirsten Jensen")) in graph
    post = graph.value(person, ORG.holds)
    assert (post, ORG.postIn, iris.municipality("219")) in graph
    identifier = graph.value(HILLEROD, SCHEMA.identifier)
    assert (identifier, SCHEMA.propertyID, Literal("sag")) in graph
    assert (identifier, SCHEMA.value, Literal("18/6995")) in graph


def test_appendix_and_pages(graph: Graph) -> None:
    (appendix,) = graph.subjects(RDF.type, BG.ParliamentaryAppendix)
    assert (appendix, BG.appendixNumber, Literal(243, datatype=namespace.XSD.integer)) in graph
    assert len(set(graph.objects(appendix, DCTERMS.hasPart))) == 11
    assert len(set(graph.subjects(RDF.type, BG.Page))) == 18


def test_legal_provision_links_the_act_eli(graph: Graph) -> None:
    provision = iris.legal_provision(2016, 1342, "16a", "1")
    assert (provision, RDF.type, ELI.LegalResourceSubdivision) in graph
    assert (provision, ELI.is_part_of, URIRef("https://www.retsinformation.dk/eli/lta/2016/1342")) in graph
    assert (provision, BG.citedAs, Literal("LBK nr. 1342 af 20. november 2016 § 16a, stk. 1")) in graph
    brondby = letter("2018-07-05-broendby-til-beskaeftigelsesministeriet")
    assert len(set(graph.objects(brondby, DCTERMS.references))) == 2


def test_commitment_and_observation(graph: Graph) -> None:
    koge = [
        c
        for c in graph.subjects(BG.committedBy, iris.municipality("259"))
        if (c, BG.relativeDeadline, None) in graph
    ]
    (commitment,) = koge
    assert (commitment, BG.deadlineStart, Literal("2019-02-08", datatype=namespace.XSD.date)) in graph
    assert (commitment, BG.acknowledgedIn, letter("2018-08-31-beskaeftigelsesministeriet-til-koege")) in graph
    (observation,) = graph.subjects(SCHEMA.value, Literal("1744", datatype=namespace.XSD.decimal))
    assert (observation, SCHEMA.unitText, Literal("borgere")) in graph
    assert (observation, SCHEMA.observationAbout, iris.municipality("230")) in graph


def test_every_letter_has_provenance(graph: Graph) -> None:
    letters = set(graph.subjects(RDF.type, BG.Letter))
    assert len(letters) == 28  # 11 in the appendix, 17 only referred to
    for node in letters:
        assert (node, PROV.wasDerivedFrom, None) in graph
        assert (node, BG.sourceSpan, None) in graph


def test_seed_conforms(graph: Graph) -> None:
    ok, text = conforms(graph)
    assert ok, text


def test_letter_without_date_or_sender_is_incomplete_not_invalid(graph: Graph) -> None:
    # a letter whose date or sender could not be read is still a letter: a warning each
    graph.remove((HILLEROD, SCHEMA.dateSent, None))
    graph.remove((ACK, SCHEMA.sender, None))
    _, text = conforms(graph, {HILLEROD, ACK})
    assert ": Warning: " in text and ": Violation: " not in text
    assert "The letter's date could not be read: its date is unknown" in text
    assert "The letter's sender is unknown" in text


def test_commitment_without_municipality_and_observation_without_unit_fail(graph: Graph) -> None:
    commitment = next(graph.subjects(RDF.type, BG.Commitment))
    graph.remove((commitment, BG.committedBy, None))
    graph.remove((commitment, PROV.wasDerivedFrom, None))
    observation = next(graph.subjects(RDF.type, SCHEMA.Observation))
    graph.remove((observation, SCHEMA.unitText, None))
    ok, text = conforms(graph, {commitment, observation})
    assert not ok
    for message in (
        "A commitment has one municipality",
        "needs its source document",
        "An observation has one unit",
    ):
        assert message in text


def test_initiative_without_letter_fails(graph: Graph) -> None:
    initiative = next(graph.subjects(RDF.type, BG.Initiative))
    graph.remove((initiative, BG.describedIn, None))
    ok, text = conforms(graph, {initiative})
    assert not ok and "An initiative is described in a letter" in text
