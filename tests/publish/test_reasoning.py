"""The ontology under a reasoner: the served graph with the ontology still conforms to the
shapes under RDFS entailment, an OWL RL closure (owlrl) is consistent and adds no type the
shapes reject, and the standard types a plain query needs are in the served graph itself."""

from __future__ import annotations

import owlrl
import pyshacl
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from beskgraph.validate import check, ontology_graph, shapes_graph
from beskgraph.vocabulary import BG
from tests.support import http

ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # where owlrl reports inconsistencies


def rdfs_report(data: Graph, ontology: Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
    )
    return conforms, text


def owl_rl_closure(data: Graph, ontology: Graph) -> Graph:
    closure = Graph()
    closure += data
    closure += ontology
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    return closure


def inconsistencies(closure: Graph) -> list[str]:
    return sorted(
        str(closure.value(m, ERRORS.error)) for m in closure.subjects(RDF.type, ERRORS.ErrorMessage)
    )


def test_the_served_graph_conforms_under_rdfs_entailment(served_seed_graph: Graph) -> None:
    conforms, text = rdfs_report(served_seed_graph, ontology_graph())
    assert conforms, text[:3000]


def test_rdfs_entailment_is_checked_against_the_shapes(served_seed_graph: Graph) -> None:
    """The old axiom bg:sourceSpan ⊑ prov:wasDerivedFrom made every span a thing nodes
    "were derived from"; under RDFS that breaks the shapes, and the check says so."""
    ontology = Graph()
    ontology += ontology_graph()
    ontology.add((BG.sourceSpan, RDFS.subPropertyOf, PROV.wasDerivedFrom))
    conforms, text = rdfs_report(served_seed_graph, ontology)
    assert not conforms
    assert "prov:wasDerivedFrom names a source document of the graph." in text


def test_an_owl_rl_closure_is_consistent_and_conforms(served_seed_graph: Graph) -> None:
    closure = owl_rl_closure(served_seed_graph, ontology_graph())
    assert len(closure) > len(served_seed_graph) + 1000  # the reasoner did add
    assert inconsistencies(closure) == []
    assert list(closure.subjects(RDF.type, OWL.Nothing)) == []
    letters = set(closure.subjects(RDF.type, BG.Letter))
    assert len(letters) == 28
    assert not letters & set(closure.subjects(RDF.type, BG.Intervention))
    assert check(closure) == []


def test_a_range_the_data_contradicts_makes_the_closure_inconsistent(served_seed_graph: Graph) -> None:
    """bg:statedIn's old range, bg:Letter, made the interventions that state a figure
    letters; the disjointness axioms turn that into an inconsistency the test sees."""
    ontology = Graph()
    ontology += ontology_graph()
    ontology.remove((BG.statedIn, RDFS.range, None))
    ontology.add((BG.statedIn, RDFS.range, BG.Letter))
    found = inconsistencies(owl_rl_closure(served_seed_graph, ontology))
    assert len(found) == 2  # the two interventions whose cards state a figure
    assert all(
        "Letter" in message and "Intervention" in message and "/intervention/" in message for message in found
    )


def select(site: str, query: str) -> list[dict[str, str]]:
    prefixes = """PREFIX bg: <https://w3id.org/beskgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
"""
    response = http.get(
        f"{site}/sparql",
        params={"query": prefixes + query},
        headers={"accept": "application/sparql-results+json"},
        timeout=60,
    )
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a org:Organization ; bg:kommunekode ?code }", 98),
        ("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a org:FormalOrganization }", 98),
        ("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a org:Organization ; a org:OrganizationalUnit }", 4),
        ("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a schema:CreativeWork ; a bg:Letter }", 28),
        ("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a prov:Plan ; a bg:Commitment }", 16),
        ("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a skos:Concept ; a bg:Criterion }", 53),
        ("SELECT (COUNT(DISTINCT ?x) AS ?n) { ?x a eli:LegalResource ; a eli:LegalResourceSubdivision }", 4),
    ],
)
def test_a_plain_query_finds_nodes_by_their_standard_class(served_seeds: str, query: str, count: int) -> None:
    [row] = select(served_seeds, query)
    assert int(row["n"]) == count


def test_every_concept_is_labelled_and_in_a_scheme(served_seeds: str) -> None:
    missing = select(
        served_seeds,
        """SELECT ?c { ?c a skos:Concept
        FILTER NOT EXISTS { ?c skos:prefLabel ?label ; skos:inScheme/a skos:ConceptScheme } }""",
    )
    assert missing == []
    schemes = {
        row["s"]
        for row in select(served_seeds, "SELECT DISTINCT ?s { ?c a bg:Criterion ; skos:inScheme ?s }")
    }
    assert schemes == {"https://w3id.org/beskgraph/scheme/criteria"}
    lists = select(served_seeds, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a skos:ConceptScheme }")
    assert int(lists[0]["n"]) == 11  # six minted lists and the ontology's five


def test_acts_use_eli_as_eli_defines_it(served_seeds: str) -> None:
    rows = select(
        served_seeds,
        """SELECT ?number ?type ?title { ?act a eli:LegalResource ;
        eli:number ?number ; eli:type_document/skos:notation ?type ; eli:is_realized_by ?text .
        ?text a eli:LegalExpression ; eli:title ?title ; eli:realizes ?act
        FILTER(STRENDS(STR(?act), "/2019/548")) }""",
    )
    assert rows == [{"number": "548", "type": "LOV", "title": "Lov om en aktiv beskæftigelsesindsats"}]
    assert (
        select(served_seeds, "SELECT ?x { ?x eli:title ?t FILTER NOT EXISTS { ?x a eli:LegalExpression } }")
        == []
    )


def test_the_ontology_describes_itself_and_its_versions_dereference(served_seeds: str) -> None:
    ontology = ontology_graph()
    core, module = (
        URIRef("https://w3id.org/beskgraph/ontology"),
        URIRef("https://w3id.org/beskgraph/ontology/correspondence"),
    )
    assert (module, OWL.imports, core) in ontology
    for node in (core, module):
        version = ontology.value(node, OWL.versionIRI)
        assert str(version) == f"{node}/{ontology.value(node, OWL.versionInfo)}"
        path = str(version).removeprefix("https://w3id.org/beskgraph")
        response = http.get(served_seeds + path, headers={"accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200
        assert f"<{node}>" in response.text or "owl:Ontology" in response.text
