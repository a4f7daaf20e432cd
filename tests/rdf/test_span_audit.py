"""The span audit over the whole seed graph: every span holds what its node says, no two
siblings share characters, and no span runs far past its fact."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from beskgraph.vocabulary import BG, OA, SCHEMA
from tests.rdf.span_audit import audit, contains

# The longest span a node of each type may have in the seed graph, in characters: a
# letter is a whole letter; everything else is at most a section of one.
LONGEST = {
    "Letter": 9500,
    "Initiative": 1300,
    "Commitment": 400,
    "ListItem": 300,
    "Mention": 250,
    "Person": 60,
    "Assessment": 300,
    "Observation": 60,
}


@pytest.fixture(scope="module")
def graph(seed_graph: Graph) -> Graph:
    return seed_graph


def test_seed_graph_passes_the_span_audit(graph: Graph) -> None:
    report = audit(graph)
    print("\n".join(report.lines()))  # the figures, with -s or on failure
    assert report.overlaps == []
    assert report.unbacked == []
    assert {
        "Letter",
        "Initiative",
        "Commitment",
        "Mention",
        "Identifier",
        "Person",
        "ListItem",
        "Observation",
        "Assessment",
        "TestResult",
    } <= set(report.figures)
    for kind, longest in LONGEST.items():
        assert report.figures[kind][1] <= longest, (kind, report.figures[kind])
    count, _, median = report.figures["Initiative"]
    assert count == 40 and median < 300


def test_the_audit_finds_overlapping_siblings_and_spans_without_their_value() -> None:
    graph = Graph()
    doc = URIRef("https://example.org/source/x")
    letter = URIRef("https://example.org/letter/1")

    def node(name: str, start: int, end: int, exact: str, title: str) -> URIRef:
        iri = URIRef(f"https://example.org/initiative/{name}")
        span = URIRef(f"{doc}#char={start},{end}")
        graph.add((iri, RDF.type, BG.Initiative))
        graph.add((iri, BG.describedIn, letter))
        graph.add((iri, DCTERMS.title, Literal(title)))
        graph.add((iri, BG.sourceSpan, span))
        for p, o in (
            (OA.start, Literal(start, datatype=XSD.nonNegativeInteger)),
            (OA.end, Literal(end, datatype=XSD.nonNegativeInteger)),
            (OA.exact, Literal(exact)),
            (DCTERMS.isPartOf, doc),
        ):
            graph.add((span, p, o))
        return iri

    graph.add((letter, RDF.type, BG.Letter))
    graph.add((letter, SCHEMA.text, Literal("x")))
    a = node("a", 0, 40, "A) Sagsstammer\nB: Serviceopkald", "Sagsstammer")
    b = node("b", 20, 60, "B) Serviceopkald", "Tilbudsviften")
    report = audit(graph)
    assert [(x.node, y.node) for _, _, _, x, y in report.overlaps] == [(a, b)]
    assert [(n, str(v)) for n, _, v, _ in report.unbacked] == [(b, "Tilbudsviften")]


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("Jobklub, intensiverede\nsamtaleforløb og", "Jobklub, intensiverede samtaleforløb og", True),
        ("aktiv ind-\nsats", "aktiv indsats", True),
        # a running header between two halves of a sentence is a whole line: skipped
        (
            "Styrelsen for Arbejdsmarked og Re-\nBEU, Alm.del - Bilag 243\nkruttering.",
            "Styrelsen for Arbejdsmarked og Rekruttering",
            True,
        ),
        ("Styrelsen for Arbejdsmarked", "Styrelsen for Arbejdsmarked og Rekruttering", False),
        ("Venlig hilsen\nMette Gaarde-Fink", "Mette Gaarde-Fink Koncernchef", False),
        ("to the right words in between", "right in", False),
    ],
)
def test_contains_reads_across_lines_but_never_skips_words(text: str, value: str, expected: bool) -> None:
    assert contains(text, value) is expected
