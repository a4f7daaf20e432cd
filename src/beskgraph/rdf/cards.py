"""A parsed catalogue card as RDF: intervention, target groups, tests, answers, criteria."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..model.card import (
    Assessment,
    Card,
    Criterion,
    CriterionIndex,
    Section,
    TargetGroupKind,
    TargetGroupRef,
    TestResult,
)
from ..reference import TARGET_GROUP_ACT
from ..text import distinct
from ..vocabulary import BG, DCTERMS, RDF, SKOS
from . import iris
from .legal import add_provision
from .letter_facts import observation_to_rdf
from .literals import decimal, integer
from .ontology import materialise
from .provenance import derive, derive_field
from .schemes import add_concept

SECTION_PROPERTIES = {
    Section.DESCRIPTION: DCTERMS.description,
    Section.EXPERIENCES: BG.experiences,
    Section.ORGANISATION: BG.organisationRequirements,
    Section.ADVICE: BG.advice,
    Section.MANAGEMENT: BG.managementRecommendation,
}


def card_to_rdf(card: Card, graph: Graph, criteria: CriterionIndex) -> URIRef:
    """Add one card to ``graph`` (its document's named graph); returns the intervention."""
    node = iris.intervention(card.municipality_code, card.title.value)
    graph.add((node, RDF.type, BG.Intervention))
    graph.add((node, DCTERMS.title, Literal(card.title.value, lang="da")))
    graph.add((node, BG.municipality, iris.municipality(card.municipality_code)))
    derive(graph, node, card, card.title.span)
    for section, text in sorted(card.sections.items(), key=lambda item: item[0].name):
        graph.add((node, SECTION_PROPERTIES[section], Literal(text.value, lang="da")))
        derive_field(graph, node, card, text.span, SECTION_PROPERTIES[section])
    for figure in card.figures:
        observation_to_rdf(card, figure, graph, node)
    for group in card.target_groups:
        graph.add((node, BG.targetGroup, _target_group(graph, card, group)))
    for test in card.tests:
        graph.add((node, BG.testResult, _test_result(graph, card, node, test, criteria)))
    materialise(graph)
    return node


def _target_group(graph: Graph, card: Card, group: TargetGroupRef) -> URIRef:
    # a group of the act is named by its provision ("§ 6, nr. 5 …" is "§6.5 …"), any other as written
    legal = group.kind is TargetGroupKind.LEGAL
    node = iris.target_group(f"{group.notation} {group.name}" if legal else group.label)
    graph.add((node, RDF.type, BG.TargetGroup))
    graph.add((node, BG.targetGroupKind, group.kind.iri))
    if group.kind is TargetGroupKind.LEGAL:
        add_concept(graph, node, iris.TARGET_GROUP_SCHEME, group.name)
        graph.add((node, SKOS.altLabel, Literal(group.label, lang="da")))
        graph.add((node, SKOS.notation, Literal(group.notation)))
        year, number = TARGET_GROUP_ACT
        assert group.paragraph is not None  # the parser gives every legal group its paragraph
        provision = add_provision(graph, year, number, group.paragraph, None, group.item)
        graph.add((node, BG.legalProvision, provision))
    else:
        add_concept(graph, node, iris.TARGET_GROUP_SCHEME, group.name)
    derive(graph, node, card, group.span)
    return node


def _score(value: float) -> Literal:
    """A 0-5 score to one decimal, as the card prints it."""
    return decimal(f"{value:.1f}")


def _test_result(
    graph: Graph, card: Card, intervention: URIRef, test: TestResult, criteria: CriterionIndex
) -> URIRef:
    node = iris.test_result(intervention, test.kind.value)
    graph.add((node, RDF.type, BG.TestResult))
    graph.add((node, BG.testKind, test.kind.iri))
    graph.add((node, BG.publishedScore, _score(test.score)))
    computed = test.computed_score
    if computed is not None:
        graph.add((node, BG.computedScore, _score(computed)))
        graph.add((node, BG.scoreReproduces, Literal(round(computed, 1) == round(test.score, 1))))
    if test.scope is not None:
        graph.add((node, BG.scope, Literal(test.scope.value, lang="da")))
        derive_field(graph, node, card, test.scope.span, BG.scope)
    graph.add((node, BG.answerCount, integer(len(test.assessments))))
    derive(graph, node, card, test.score_text.span)
    matched = [criteria[(test.kind, a.criterion_key)] for a in test.assessments]
    keys = distinct([iris.answer_key(c.key) for c in matched], [a.text for a in test.assessments])
    for assessment, criterion, key in zip(test.assessments, matched, keys, strict=True):
        graph.add(
            (node, BG.assessment, _assessment(graph, card, iris.assessment(node, key), assessment, criterion))
        )
    return node


def _assessment(graph: Graph, card: Card, node: URIRef, assessment: Assessment, matched: Criterion) -> URIRef:
    graph.add((node, RDF.type, BG.Assessment))
    graph.add((node, BG.answer, assessment.answer.iri))
    graph.add((node, BG.text, Literal(assessment.text, lang="da")))
    graph.add((node, BG.position, integer(assessment.position)))
    graph.add((node, BG.inferred, Literal(assessment.inferred)))
    if assessment.threshold is not None:
        graph.add((node, BG.threshold, integer(assessment.threshold)))
    criterion = iris.criterion(matched.kind.value, matched.key)
    graph.add((criterion, RDF.type, BG.Criterion))
    graph.add((criterion, BG.testKind, matched.kind.iri))
    graph.add((criterion, BG.statement, Literal(matched.statement, lang="da")))
    add_concept(graph, criterion, "criteria", matched.statement)
    graph.add((node, BG.criterion, criterion))
    derive(graph, node, card, assessment.span)
    return node
