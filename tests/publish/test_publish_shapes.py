"""The shapes cover the graph: every class in the served graph is the target of a shape, and
every property that links to a node of the graph is checked with sh:class (a dangling or
wrongly typed reference is a violation)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from beskgraph.validate import shapes_graph
from beskgraph.vocabulary import SH

META = (str(OWL), str(RDFS), str(RDF))  # the ontology's own declarations (owl:Class, …)


def targeted_classes(shapes: Graph) -> set[URIRef]:
    return set(shapes.objects(None, SH.targetClass))  # type: ignore[arg-type]


def class_checked_paths(shapes: Graph) -> set[URIRef]:
    """Paths of property shapes that check their values' class (sh:class, or sh:or of them),
    and of node shapes that check the class of the subjects of a property."""
    checked = set()
    for shape in shapes.subjects(SH.path, None):
        alternatives = [shape]
        for either in shapes.objects(shape, SH["or"]):
            alternatives += list(Collection(shapes, either))
        if any((s, SH["class"], None) in shapes for s in alternatives):
            checked.add(shapes.value(shape, SH.path))
    return checked


def test_every_class_in_the_served_graph_has_a_shape(served_seed_graph: Graph) -> None:
    classes = {c for c in served_seed_graph.objects(None, RDF.type) if not str(c).startswith(META)}
    assert len(classes) > 40
    assert sorted(classes - targeted_classes(shapes_graph())) == []


def test_every_link_between_nodes_is_checked_with_sh_class(served_seed_graph: Graph) -> None:
    nodes = {
        s for s, c in served_seed_graph.subject_objects(RDF.type) if not str(c).startswith(META)
    }  # not vocabulary terms
    links = {
        p for s, p, o in served_seed_graph if p != RDF.type and o in nodes and not str(p).startswith(META)
    }
    assert len(links) > 40
    assert sorted(links - class_checked_paths(shapes_graph())) == []


def test_the_issue_s_classes_without_shapes_have_one_now() -> None:
    shaped = targeted_classes(shapes_graph())
    for cls in (
        "http://www.w3.org/ns/org#Post",
        "http://www.w3.org/ns/org#Organization",
        "http://www.w3.org/ns/org#Role",
        "http://www.w3.org/ns/org#OrganizationalUnit",
        "https://schema.org/SoftwareApplication",
        "https://w3id.org/beskgraph/ontology#Page",
        "http://www.w3.org/2004/02/skos/core#ConceptScheme",
        "https://schema.org/ListItem",
    ):
        assert URIRef(cls) in shaped, cls
