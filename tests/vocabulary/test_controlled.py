"""Controlled values are declared once, as enumerations that carry their IRI: each one's
members are exactly its concept scheme in the ontology (named as the scheme's notations
name them), and every ``sh:in`` list of the shapes is exactly one enumeration's terms or
values, in order. A new value is added to its enumeration and to the ontology; these tests
name whatever else must follow."""

from __future__ import annotations

from enum import Enum

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection

from beskgraph.api.pages.overviews import TEST_SLUGS
from beskgraph.config import SHAPES_DIR
from beskgraph.model.card import Answer, TargetGroupKind, TestKind
from beskgraph.model.common import DocumentKind, Severity, Stage, Status
from beskgraph.model.correspondence import DeadlineKind, IdentifierScheme, PartyKind
from beskgraph.rdf.ontology import ontology_graph, superclasses
from beskgraph.vocabulary import BG, SCHEMA, SH, SKOS
from beskgraph.vocabulary.controlled import Controlled

IN_SCHEMES = (TestKind, Answer, TargetGroupKind, DocumentKind, Status)
SH_IN = {  # the path of every property shape with sh:in -> the enumeration it lists
    BG.testKind: TestKind,
    BG.answer: Answer,
    BG.targetGroupKind: TargetGroupKind,
    BG.documentStatus: Status,
    BG.severity: Severity,
    BG.stage: Stage,
    BG.deadlineKind: DeadlineKind,
    SCHEMA.propertyID: IdentifierScheme,
}


def shapes() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def listed(enum: type[Enum]) -> list[str]:
    """What a shape's sh:in must list for ``enum``: its terms, or its values."""
    if issubclass(enum, Controlled):
        return [str(member.iri) for member in enum]
    return [member.value for member in enum]


@pytest.mark.parametrize("enum", IN_SCHEMES, ids=lambda e: e.__name__)
def test_each_enumeration_is_its_concept_scheme(enum: type[Controlled]) -> None:
    ontology = ontology_graph()
    schemes = {s for member in enum for s in ontology.objects(member.iri, SKOS.inScheme)}
    assert len(schemes) == 1, f"{enum.__name__}: its members are in {sorted(schemes)}"
    [scheme] = schemes
    assert set(ontology.subjects(SKOS.inScheme, scheme)) == set(enum.iris())
    assert set(ontology.objects(scheme, SKOS.hasTopConcept)) == set(enum.iris())
    for member in enum:
        assert [str(n) for n in ontology.objects(member.iri, SKOS.notation)] in ([], [member.name])
        assert enum.from_iri(str(member.iri)) is member


def test_every_sh_in_list_is_one_enumeration_in_order() -> None:
    graph = shapes()
    found: dict[URIRef, int] = {}
    for shape, members in graph.subject_objects(SH["in"]):
        path = graph.value(shape, SH.path)
        assert path in SH_IN, f"sh:in on {path} lists values no enumeration declares"
        values = [str(v) for v in Collection(graph, members)]
        assert values == listed(SH_IN[path]), path
        found[path] = found.get(path, 0) + 1
    assert set(found) == set(SH_IN)
    assert found[BG.testKind] == 2  # test results and criteria


def test_a_member_names_its_iri_and_is_found_by_it() -> None:
    assert TestKind.EVIDENCE.iri == BG.EvidenceTest and TestKind.EVIDENCE.value == "evidence"
    assert Answer.from_iri("https://w3id.org/beskgraph/ontology#Partial") is Answer.PARTIAL
    assert Status.LEFT_OUT.iri == BG.LeftOut and Severity.WARNING.iri == SH.Warning
    assert TestKind("good-practice") is TestKind.GOOD_PRACTICE
    with pytest.raises(ValueError):
        Answer.from_iri(str(BG.EvidenceTest))


def test_party_kinds_are_most_specific_first() -> None:
    above = superclasses()
    kinds = list(PartyKind)
    for earlier, kind in enumerate(kinds):
        for before in kinds[:earlier]:
            assert before.iri not in above.get(kind.iri, frozenset()), f"{kind} is a kind of {before}"
    assert PartyKind.ORGANISATION.iri in above[PartyKind.MUNICIPALITY.iri]


def test_every_test_kind_has_a_compare_page() -> None:
    assert set(TEST_SLUGS) == set(TestKind)
