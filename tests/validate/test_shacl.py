"""SHACL passes on the seeds and catches broken data with a readable, located report."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyshacl
import pytest
from pyshacl import shape as pyshacl_shape
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from beskgraph import validate as validate_module
from beskgraph.build import BuildFailed, BuildResult, build
from beskgraph.config import SEEDS_DIR
from beskgraph.rdf import iris
from beskgraph.validate import check
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


def test_focus_given_as_a_set_finds_what_pyshacls_own_list_finds(graph, card, monkeypatch):
    # beskgraph.validate hands pyshacl its focus nodes as a set (list scans took a quarter of
    # a document's validation); the same nodes must give the same results as pyshacl's list
    intervention = next(s for s in graph.subjects(BG.municipality, None) if "/410-" in str(s))
    graph.remove((intervention, DCTERMS.title, None))
    answer = next(s for s in graph.subjects(BG.criterion, None) if "/410-" in str(s))
    graph.remove((answer, BG.criterion, None))
    graph.set((next(graph.subjects(BG.kommunekode, Literal("410"))), BG.kommunekode, Literal("41")))
    with_a_set = check(graph, focus=card)
    monkeypatch.setattr(pyshacl.Validator, "make_executor", validate_module._make_executor)
    assert check(graph, focus=card) == with_a_set
    assert {(v.focus, v.path) for v in with_a_set} >= {
        (str(intervention), str(DCTERMS.title)),
        (str(answer), str(BG.criterion)),
    }
    assert any("kommunekode" in v.message for v in with_a_set)


def test_constraint_parameters_held_as_a_set_find_what_pyshacls_own_list_finds(graph, card, monkeypatch):
    # beskgraph.validate hands pyshacl's shape module its constraint parameters as a set too
    # (it asked a list for every predicate of a shape, each time it validated the shape)
    held, parameter_map = pyshacl_shape.CONSTRAINT_PARAMS
    assert isinstance(held, validate_module._Members) and parameter_map is CONSTRAINT_PARAMETERS_MAP
    assert list(held) == ALL_CONSTRAINT_PARAMETERS
    intervention = next(s for s in graph.subjects(BG.municipality, None) if "/410-" in str(s))
    graph.remove((intervention, DCTERMS.title, None))
    graph.add((intervention, DCTERMS.title, Literal("en", lang="en")))
    answer = next(s for s in graph.subjects(BG.criterion, None) if "/410-" in str(s))
    maybe = URIRef(f"{BG}Maybe")  # neither Ja, Delvist nor Nej
    graph.set((answer, BG.answer, maybe))
    with_a_set = check(graph, focus=card)
    assert pyshacl_shape.CONSTRAINT_PARAMS[0] is held  # still what pyshacl reads
    monkeypatch.setattr(pyshacl_shape, "CONSTRAINT_PARAMS", (list(held), parameter_map))
    assert check(graph, focus=card) == with_a_set
    assert {(v.focus, v.path) for v in with_a_set} >= {
        (str(intervention), str(DCTERMS.title)),
        (str(answer), str(BG.answer)),
    }
    copied = held.copy()
    copied.append(maybe)
    assert maybe in copied and maybe not in held and list(copied) == [*held, maybe]


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
