"""SHACL passes on the seeds and catches broken data with a readable, located report."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyshacl
import pytest
from pyshacl import shape as pyshacl_shape
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.shapes_graph import ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS
from rdflib.term import Node

from beskgraph import validate as validate_module
from beskgraph.build import BuildFailed, BuildResult, build
from beskgraph.config import SEEDS_DIR, SHAPES_DIR
from beskgraph.rdf import iris
from beskgraph.rdf.ontology import load_turtle
from beskgraph.validate import check, shapes_graph
from beskgraph.vocabulary import BG
from tests.support.union_graph import changed_in_place

MIDDELFART = "000_2ad044e4a048410a.txt"


@pytest.fixture
def graph(seed_graph: Graph) -> Iterator[Graph]:
    """The seed graph, to break for this test only."""
    with changed_in_place(seed_graph) as graph:
        yield graph


@pytest.fixture
def card(seed_build: BuildResult) -> set[Node]:
    """The Middelfart card's nodes: what the build validates when it validates that document
    (with the nodes they point at; the whole graph conforms: test_seed_graph_conforms)."""
    return set(seed_build.dataset.graph(iris.named_graph(MIDDELFART)).subjects())


def test_seed_graph_conforms(graph):
    assert check(graph) == []


def test_score_of_7_5_leaves_the_card_out_and_fails_a_strict_build_naming_file_and_line(tmp_path: Path):
    text = (SEEDS_DIR / MIDDELFART).read_text(encoding="utf-8")
    broken = tmp_path / "middelfart.txt"
    broken.write_text(text.replace("\n3,1\nGod praksis test", "\n7,5\nGod praksis test"), encoding="utf-8")
    with pytest.raises(BuildFailed) as error:
        build([broken], strict=True)
    message = str(error.value)
    assert "publishedScore" in message
    assert "published score in [0, 5]" in message
    assert "middelfart.txt:55" in message  # the line the score 7,5 stands on
    # without --strict the card is left out (quarantined), and the build says why
    (outcome,) = build([broken]).documents
    assert not outcome.ok and outcome.error == message.splitlines()[1].strip()


def test_card_without_title_is_caught(graph, card):
    intervention = next(s for s in graph.subjects(BG.municipality, None) if "/410-" in str(s))
    graph.remove((intervention, DCTERMS.title, None))
    (violation,) = check(graph, focus=card)
    assert violation.focus == str(intervention)
    assert violation.path == str(DCTERMS.title)
    assert violation.message == "An intervention has exactly one non-empty title."
    assert violation.source == MIDDELFART and violation.line == 6  # the title's line


def test_answer_without_criterion_is_caught(graph, card):
    answer = next(s for s in graph.subjects(BG.criterion, None) if "/410-" in str(s))
    graph.remove((answer, BG.criterion, None))
    (violation,) = check(graph, focus=card)
    assert (violation.focus, violation.path) == (str(answer), str(BG.criterion))
    assert violation.source == MIDDELFART and violation.line is not None and violation.line > 40
    assert str(violation).startswith(f"{MIDDELFART}:{violation.line}: Violation: <{answer}>")


def test_answer_with_two_values_and_a_bad_municipality_code_are_caught(graph, card):
    answer = next(s for s in graph.subjects(BG.answer, BG.Yes) if s in card)
    graph.add((answer, BG.answer, BG.No))
    municipality = next(graph.subjects(BG.kommunekode, Literal("410")))
    graph.set((municipality, BG.kommunekode, Literal("41")))
    messages = {v.message for v in check(graph, focus=card)}
    assert "An answer has exactly one value: Ja, Delvist or Nej." in messages
    assert "A municipality has exactly one three-digit kommunekode." in messages


def test_negative_recomputed_score_is_caught(graph, card):
    result = next(s for s in graph.subjects(BG.scoreReproduces, Literal(True)) if s in card)
    graph.set((result, BG.computedScore, Literal(Decimal("-1.0"))))
    violations = check(graph, focus=card)
    assert [v.path for v in violations if v.path] == [str(BG.computedScore)]
    # the result's bg:scoreReproduces no longer agrees with its scores either
    [reproduces] = [v for v in violations if not v.path]
    assert reproduces.focus == str(result) and "bg:scoreReproduces" in reproduces.message


def test_focus_nodes_limit_what_is_validated(graph):
    intervention = next(s for s in graph.subjects(BG.municipality, None) if "/410-" in str(s))
    graph.remove((intervention, DCTERMS.title, None))
    (violation,) = check(graph, focus={intervention})
    assert violation.focus == str(intervention)
    others = {s for s in graph.subjects(BG.municipality, None) if s != intervention}
    assert others and check(graph, focus=others) == []


@pytest.fixture
def broken_card(graph: Graph) -> set[tuple[str, str]]:
    """The Middelfart card broken four ways (in ``graph``); the (focus, path) each is found at."""
    intervention = next(s for s in graph.subjects(BG.municipality, None) if "/410-" in str(s))
    graph.remove((intervention, DCTERMS.title, None))
    graph.add((intervention, DCTERMS.title, Literal("en", lang="en")))
    answers = sorted(s for s in graph.subjects(BG.criterion, None) if "/410-" in str(s))
    graph.remove((answers[0], BG.criterion, None))
    graph.set((answers[1], BG.answer, URIRef(f"{BG}Maybe")))  # neither Ja, Delvist nor Nej
    graph.set((next(graph.subjects(BG.kommunekode, Literal("410"))), BG.kommunekode, Literal("41")))
    return {
        (str(intervention), str(DCTERMS.title)),
        (str(answers[0]), str(BG.criterion)),
        (str(answers[1]), str(BG.answer)),
    }


def found(violations: list[validate_module.Violation]) -> set[tuple[str | None, str | None]]:
    return {(v.focus, v.path) for v in violations}


# beskgraph.validate makes pyshacl faster three ways (see there): the same results as pyshacl's own


def test_focus_given_as_a_set_finds_what_pyshacls_own_list_finds(graph, card, broken_card, monkeypatch):
    with_a_set = check(graph, focus=card)
    monkeypatch.setattr(pyshacl.Validator, "make_executor", validate_module._make_executor)
    assert check(graph, focus=card) == with_a_set
    assert found(with_a_set) >= broken_card
    assert any("kommunekode" in v.message for v in with_a_set)


def test_constraint_parameters_held_as_a_set_find_what_pyshacls_own_list_finds(
    graph, card, broken_card, monkeypatch
):
    held, parameter_map = pyshacl_shape.CONSTRAINT_PARAMS
    assert isinstance(held, validate_module._Members) and parameter_map is CONSTRAINT_PARAMETERS_MAP
    assert list(held) == ALL_CONSTRAINT_PARAMETERS
    with_a_set = check(graph, focus=card)
    assert pyshacl_shape.CONSTRAINT_PARAMS[0] is held  # still what pyshacl reads
    monkeypatch.setattr(pyshacl_shape, "CONSTRAINT_PARAMS", (list(held), parameter_map))
    assert check(graph, focus=card) == with_a_set
    assert found(with_a_set) >= broken_card
    maybe = URIRef(f"{BG}Maybe")
    for copied in (held.copy(), copy.copy(held)):
        copied.append(maybe)
        assert maybe in copied and maybe not in held and list(copied) == [*held, maybe]
    members = validate_module._Members([BG.answer])  # the set kept in step with the list
    members.extend([maybe, BG.criterion])
    members.insert(0, DCTERMS.title)
    members.remove(maybe)
    assert members.pop() == BG.criterion
    assert [n in members for n in (DCTERMS.title, BG.answer, maybe, BG.criterion)] == [
        True,
        True,
        False,
        False,
    ]
    members.clear()
    assert BG.answer not in members


def test_the_read_only_shapes_find_what_pyshacl_finds_in_the_shapes_as_read(
    graph, card, broken_card, monkeypatch
):
    kept = check(graph, focus=card)
    monkeypatch.setattr(validate_module, "shapes_graph", lambda: load_turtle(SHAPES_DIR))
    monkeypatch.setattr(pyshacl.Validator, "make_executor", validate_module._make_executor)
    monkeypatch.setattr(
        pyshacl_shape, "CONSTRAINT_PARAMS", (ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP)
    )
    assert check(graph, focus=card) == kept  # pyshacl with none of the three
    assert found(kept) >= broken_card


def test_the_shapes_graph_is_read_only_and_keeps_the_prefixes_of_the_shapes() -> None:
    shapes, read = shapes_graph(), load_turtle(SHAPES_DIR)
    assert dict(shapes.namespaces()).items() >= dict(read.namespaces()).items()

    def named(graph: Graph) -> set:  # the triples without blank nodes (each load names its own)
        return {t for t in graph if not any(isinstance(term, BNode) for term in t)}

    system = set(ShapesGraph.system_triples)  # pyshacl's own triples, added at once
    assert len(shapes) == len(read) + len(system) and named(shapes) == named(read) | system
    shape = next(read.subjects())
    for write in (
        lambda: shapes.add((shape, RDFS.comment, Literal("x"))),
        lambda: shapes.add((shape, RDFS.comment, None)),
        lambda: shapes.remove((shape, None, None)),
        lambda: shapes.set((shape, RDFS.comment, Literal("x"))),
        lambda: shapes.parse(data="<urn:a> <urn:b> <urn:c> .", format="turtle"),
    ):
        with pytest.raises(validate_module.ReadOnlyGraph):
            write()
    assert len(shapes) == len(read) + len(system) and named(shapes) == named(read) | system
    copied = copy.copy(shapes)  # a graph of its own, to change
    copied.add((shape, RDFS.comment, Literal("x")))
    assert len(copied) == len(shapes) + 1 and (shape, RDFS.comment, Literal("x")) not in shapes
    assert dict(copied.namespaces())["bg"] == dict(shapes.namespaces())["bg"]


def test_pyshacl_validates_with_the_focus_nodes_it_was_given_held_as_a_set(graph, card, monkeypatch):
    assert validate_module._make_executor.__qualname__ == "Validator.make_executor"  # pyshacl's own
    executors = []

    def spy(validator):
        executors.append(validate_module._executor_with_a_focus_set(validator))
        return executors[-1]

    monkeypatch.setattr(pyshacl.Validator, "make_executor", spy)
    check(graph, focus=card)
    [executor] = executors
    focus = executor.focus_nodes
    assert isinstance(focus, validate_module._Members)
    given = card | {o for s in card for o in graph.objects(s) if isinstance(o, URIRef)}
    assert sorted(focus) == sorted(n for n in given if isinstance(n, URIRef))  # every one, no other
    for node in {*graph.subjects(), *graph.objects(), BNode(), Literal(str(next(iter(focus))))}:
        assert (node in focus) == (node in list(focus)), node


# Where a violation is located (validate.locate): the file and line its node came from


def test_a_line_that_is_no_number_is_reported_not_a_crash(graph, card):
    span = next(o for s in sorted(card) for o in graph.objects(s, BG.sourceSpan))
    for line in ("Baggrunden var en", "9" * 5000):  # words; more digits than Python reads
        graph.set((span, BG.line, Literal(line)))
        found = [v for v in check(graph, focus=card) if v.path == str(BG.line)]
        assert found and all(v.source == MIDDELFART and v.focus == str(span) for v in found)
        assert "A span has the line it starts on." in {v.message for v in found}


def test_nodes_without_a_document_that_point_at_each_other_are_located_without_one() -> None:
    first, second, third = (URIRef(f"urn:node:{n}") for n in (1, 2, 3))
    data = Graph()
    for node, other, line in ((first, second, 7), (second, first, 9)):
        data.add((node, BG.sourceSpan, other))
        data.add((node, BG.line, Literal(line)))
    data.add((third, BG.sourceSpan, first))
    assert validate_module.locate(data, first) == (None, 7)


def test_a_node_two_documents_point_at_is_located_in_the_first_by_iri() -> None:
    shared, data = URIRef("urn:criterion"), Graph()
    for name, line in (("b.txt", 3), ("a.txt", 5)):
        node, document = URIRef(f"urn:answer:{name}"), URIRef(f"urn:document:{name}")
        data.add((node, BG.criterion, shared))
        data.add((node, BG.sourceSpan, node))
        data.add((node, BG.line, Literal(line)))
        data.add((node, PROV.wasDerivedFrom, document))
        data.add((document, DCTERMS.identifier, Literal(name)))
    assert validate_module.locate(data, shared) == ("a.txt", 5)
