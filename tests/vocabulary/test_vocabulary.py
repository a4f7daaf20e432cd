"""The vocabularies are closed classes: ``BG`` is what the ontology declares (regenerating it
changes nothing), a misspelt term fails where it is named, and every term the ontology and
the shapes name belongs to its vocabulary's class."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.namespace import SH as SHACL

from beskgraph import vocabulary
from beskgraph.config import ONTOLOGY_DIR, SHAPES_DIR
from beskgraph.vocabulary import BG, ELI, FORMATS, OA, PREFIXES, SCHEMA, SD, XSD, generate
from beskgraph.vocabulary.generate import MODULE, module_text, ontology

CLOSED = {
    name: getattr(vocabulary, name)
    for name in vocabulary.__all__
    if name.isupper() and name not in {"PREFIXES", "WD"}
}


def turtle(folder) -> Graph:
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_regenerating_bg_from_the_ontology_changes_nothing() -> None:
    assert MODULE.read_text(encoding="utf-8") == module_text(ontology())
    assert generate.main(["--check"]) == 0


def test_the_generator_sees_a_new_term(tmp_path) -> None:
    (tmp_path / "x.ttl").write_text(
        (ONTOLOGY_DIR / "beskgraph.ttl").read_text(encoding="utf-8")
        + '\nbg:ThirdTest a bg:TestKind, skos:Concept ; rdfs:label "Third test"@en .\n',
        encoding="utf-8",
    )
    text = module_text(ontology(tmp_path))
    assert "    ThirdTest: URIRef  # Third test\n" in text
    assert "    EvidenceTest: URIRef  # Evidence test\n" in text


def test_a_term_the_vocabulary_lacks_fails_where_it_is_named() -> None:
    assert BG.EvidenceTest == URIRef("https://w3id.org/beskgraph/ontology#EvidenceTest")
    for vocab, misspelt in (
        (BG, "EvidenseTest"),
        (SCHEMA, "observationAbuot"),
        (ELI, "is_part"),
        (OA, "hasbody"),
        (XSD, "integr"),
        (SD, "endpoints"),
        (FORMATS, "JSONLD"),
    ):
        with pytest.raises(AttributeError):
            getattr(vocab, misspelt)
    with pytest.raises(AttributeError):
        BG["Maybe"]


@pytest.mark.parametrize("folder", [ONTOLOGY_DIR, SHAPES_DIR], ids=["ontology", "shapes"])
def test_every_term_the_ontology_and_shapes_name_is_in_its_vocabulary(folder) -> None:
    graph = turtle(folder)
    shapes = {
        s
        for s in graph.subjects(RDF.type, None)
        if set(graph.objects(s, RDF.type)) & {SHACL.NodeShape, SHACL.PropertyShape}
    }
    named = {term for triple in graph for term in triple if isinstance(term, URIRef)} - shapes
    unknown = [
        str(term)
        for term in sorted(named)
        for vocab in CLOSED.values()
        if str(term).startswith(str(vocab)) and term not in vocab
    ]
    assert unknown == []
    assert sum(str(term).startswith(str(BG)) for term in named) > 60


def test_the_prefixes_name_the_closed_vocabularies() -> None:
    assert PREFIXES["bg"] == str(BG) and PREFIXES["schema"] == str(SCHEMA) and PREFIXES["eli"] == str(ELI)
    assert all(
        isinstance(namespace, str) and namespace.endswith(("#", "/")) for namespace in PREFIXES.values()
    )
