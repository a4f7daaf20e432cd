"""Facts of the built graph, asked in SPARQL over the dataset built from seeds/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef

from beskgraph.rdf import iris

PREFIXES = """
PREFIX bg: <https://w3id.org/beskgraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""


@pytest.fixture(scope="module")
def graph(seed_graph: Graph) -> Graph:
    return seed_graph


def rows(graph: Graph, query: str) -> list[tuple]:
    return [tuple(row) for row in graph.query(PREFIXES + query)]


def test_all_98_municipalities_with_code_region_and_wikidata(graph):
    ((count,),) = rows(graph, "SELECT (COUNT(?m) AS ?n) { ?m a bg:Municipality }")
    assert int(count) == 98
    ((name, region),) = rows(
        graph,
        """SELECT ?name ?region {
        ?m bg:kommunekode "410" ; rdfs:label ?name ; bg:region/rdfs:label ?region }""",
    )
    assert (str(name), str(region)) == ("Middelfart", "Region Syddanmark")
    ((wikidata,),) = rows(graph, 'SELECT ?w { ?m bg:kommunekode "101" ; schema:sameAs ?w }')
    assert wikidata == URIRef("http://www.wikidata.org/entity/Q504125")
    assert rows(graph, 'SELECT ?w { ?m bg:kommunekode "147" ; schema:sameAs ?w }') == []


def test_middelfart_evidence_test(graph):
    result = rows(
        graph,
        """SELECT ?score ?computed ?reproduces ?answer (COUNT(?a) AS ?n) {
        ?i bg:municipality/bg:kommunekode "410" ; bg:testResult ?t .
        ?t bg:testKind bg:EvidenceTest ; bg:publishedScore ?score ; bg:computedScore ?computed ;
           bg:scoreReproduces ?reproduces ; bg:assessment ?a . ?a bg:answer ?answer }
        GROUP BY ?score ?computed ?reproduces ?answer ORDER BY ?answer""",
    )
    assert {(r[3].fragment, int(r[4])) for r in result} == {("Yes", 5), ("Partial", 2)}
    assert {(r[0], r[1], r[2]) for r in result} == {
        (Literal(Decimal("4.3")), Literal(Decimal("4.3")), Literal(True))
    }


def test_good_practice_scores_do_not_reproduce_and_the_graph_says_so(graph):
    result = dict(
        rows(
            graph,
            """SELECT ?code ?reproduces {
        ?i bg:municipality/bg:kommunekode ?code ; bg:testResult ?t .
        ?t bg:testKind bg:GoodPracticeTest ; bg:scoreReproduces ?reproduces }""",
        )
    )
    assert {str(k): v.toPython() for k, v in result.items()} == {
        "410": False,
        "185": False,
        "746": False,
        "326": False,
    }
    ((published, computed),) = rows(
        graph,
        """SELECT ?p ?c { ?i bg:municipality/bg:kommunekode "410" ;
        bg:testResult ?t . ?t bg:testKind bg:GoodPracticeTest ; bg:publishedScore ?p ; bg:computedScore ?c }""",
    )
    assert (published.toPython(), computed.toPython()) == (Decimal("3.1"), Decimal("3.4"))


def test_thirty_minutes_criterion_is_one_node_with_three_yes(graph):
    result = rows(
        graph,
        """SELECT ?c ?statement ?code ?answer {
        ?c a bg:Criterion ; bg:statement ?statement ; bg:testKind bg:EvidenceTest .
        FILTER(CONTAINS(?statement, "mindst 30 minutter"))
        ?a bg:criterion ?c ; bg:answer ?answer . ?t bg:assessment ?a . ?i bg:testResult ?t ;
           bg:municipality/bg:kommunekode ?code }""",
    )
    assert len({r[0] for r in result}) == 1
    assert sorted((str(r[2]), r[3].fragment) for r in result) == [
        ("326", "Yes"),
        ("410", "Yes"),
        ("746", "Yes"),
    ]


def test_taarnby_threshold_six_and_skanderborg_inferred_no(graph):
    ((threshold,),) = rows(
        graph,
        """SELECT ?th { ?i bg:municipality/bg:kommunekode "185" ;
        bg:testResult/bg:assessment ?a . ?a bg:text ?text ; bg:threshold ?th .
        FILTER(CONTAINS(?text, "mindst 6 ud af 10")) }""",
    )
    assert threshold.toPython() == 6
    ((answer, kind),) = rows(
        graph,
        """SELECT ?answer ?kind { ?i bg:municipality/bg:kommunekode "746" ;
        bg:testResult ?t . ?t bg:testKind ?kind ; bg:assessment ?a . ?a bg:inferred true ; bg:answer ?answer }""",
    )
    assert (answer.fragment, kind.fragment) == ("No", "GoodPracticeTest")


def test_target_groups_are_skos_concepts_with_kinds_and_provisions(graph):
    ((kind, notation, paragraph, item, act),) = rows(
        graph,
        """SELECT ?kind ?notation ?p ?nr ?act {
        ?g skos:prefLabel "Dagpengemodtagere"@da ; skos:inScheme ?scheme ; bg:targetGroupKind ?kind ;
           skos:notation ?notation ; bg:legalProvision ?prov .
        ?prov bg:paragraph ?p ; bg:item ?nr ; eli:is_part_of ?act }""",
    )
    assert (kind.fragment, str(notation), str(paragraph), str(item)) == ("LegalTargetGroup", "§6.1", "6", "1")
    assert act == URIRef("https://www.retsinformation.dk/eli/lta/2019/548")
    kinds = dict(
        rows(
            graph,
            "SELECT ?label ?kind { ?g a bg:TargetGroup ; skos:prefLabel ?label ; bg:targetGroupKind ?kind }",
        )
    )
    assert {str(k): v.fragment for k, v in kinds.items()} == {
        "Ledige": "BroadGroup",
        "Borgere langt fra arbejdsmarkedet": "BroadGroup",
        "Dagpengemodtagere": "LegalTargetGroup",
        "Aktivitetsparate kontanthjælpsmodtagere": "LegalTargetGroup",
        "Længerevarende ledige": "Segment",
        "Korterevarende ledige": "Segment",
        "Alle ledige": "Segment",
        "Alle borgere over 30 år": "Segment",
        "Alle målgrupper": "CatchAll",
    }


def test_sections_are_danish_texts_and_empty_ones_are_absent(graph):
    assert rows(graph, "SELECT ?i { ?i bg:managementRecommendation ?x }") == []
    ((advice,),) = rows(graph, 'SELECT ?a { ?i bg:municipality/bg:kommunekode "185" ; bg:advice ?a }')
    assert advice.language == "da" and "max 35 pr jobformidler" in advice
    empty = rows(graph, "SELECT ?s ?p { ?s ?p ?o FILTER(isLiteral(?o) && STR(?o) = '') }")
    assert empty == []


def test_every_extracted_node_points_to_its_exact_source_text(seed_build, graph):
    extracted = rows(
        graph,
        """SELECT ?node ?span ?start ?end ?exact ?name {
        ?node bg:sourceSpan ?span ; prov:wasDerivedFrom ?doc . ?doc dcterms:identifier ?name .
        ?span oa:start ?start ; oa:end ?end ; oa:exact ?exact ; dcterms:isPartOf ?doc }""",
    )
    assert len(extracted) > 100
    texts = {}
    from beskgraph.config import SEEDS_DIR

    for _, _, start, end, exact, name in extracted:
        text = texts.setdefault(str(name), (SEEDS_DIR / str(name)).read_text(encoding="utf-8"))
        assert text[int(start) : int(end)] == str(exact)
    answers = rows(
        graph, "SELECT ?text ?exact { ?a a bg:Assessment ; bg:text ?text ; bg:sourceSpan/oa:exact ?exact }"
    )
    assert len(answers) == 94 and all(str(t) == " ".join(str(e).split()) for t, e in answers)
    groups = rows(graph, "SELECT ?exact { ?g a bg:TargetGroup ; bg:sourceSpan/oa:exact ?exact }")
    assert groups and not any(str(e).startswith(("•", " ")) for (e,) in groups)
    missing = rows(
        graph,
        """SELECT ?n { { ?n a bg:Intervention } UNION { ?n a bg:TestResult }
        UNION { ?n a bg:Assessment } FILTER NOT EXISTS { ?n bg:sourceSpan ?s } }""",
    )
    assert missing == []


def test_each_source_document_has_its_own_named_graph(seed_build):
    names = {str(g.identifier) for g in seed_build.dataset.graphs() if len(g)}
    for stem in (
        "000-2ad044e4a048410a",
        "001-0790efc861254765",
        "002-d90a65f16f5ed762",
        "004-730bd07cf616a49a",
    ):
        assert str(iris.iri("graph", stem)) in names
    assert str(iris.reference_graph()) in names
    card_graph = seed_build.dataset.graph(iris.iri("graph", "000-2ad044e4a048410a"))
    assert (iris.source_document("000_2ad044e4a048410a.txt"), None, None) in card_graph
    assert not list(card_graph.subjects(predicate=URIRef("https://w3id.org/beskgraph/ontology#kommunekode")))


def test_iris_are_readable_and_follow_the_configured_base(monkeypatch):
    assert str(iris.municipality("0410")) == "https://w3id.org/beskgraph/municipality/410"
    assert str(iris.intervention(185, "Projekt Flere skal med 2")).endswith(
        "/intervention/185-projekt-flere-skal-med-2"
    )
    monkeypatch.setenv("BESKGRAPH_BASE", "http://example.org/bg")
    assert str(iris.municipality(410)) == "http://example.org/bg/municipality/410"


def test_case_loads_on_the_cards_are_observations_about_their_municipality(graph):
    result = rows(
        graph,
        """SELECT ?code ?value ?unit ?exact {
        ?o a schema:Observation ; schema:value ?value ; schema:unitText ?unit ;
           schema:observationAbout/bg:kommunekode ?code ; bg:statedIn/a bg:Intervention ;
           bg:sourceSpan/oa:exact ?exact }""",
    )
    assert sorted((str(c), float(v), str(u)) for c, v, u, _ in result) == [
        ("185", 35.0, "sager pr. jobformidler"),
        ("326", 120.0, "sager pr. rådgiver"),
    ]
    assert all(str(int(float(v))) in str(e) for _, v, _, e in result)
