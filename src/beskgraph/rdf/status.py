"""What became of each source document, as data: its status and its problems.

The source document node gets ``bg:documentStatus`` (``bg:Valid``, ``bg:ValidWithWarnings``
or ``bg:LeftOut``), ``bg:contentHash`` (SHA-256 of the file's bytes) and one ``bg:problem``
per problem: severity (``sh:Violation`` / ``sh:Warning``), the stage that found it, the
message, and where it is (line, focus node, property path). A document left out has a
named graph that holds only this, so what is served stays clean.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..model.common import Problem, Status
from ..text import short_hash
from ..vocabulary import BG, RDF
from . import iris
from .literals import integer
from .provenance import source_node


def add_status(graph: Graph, name: str, content_hash: str | None, problems: list[Problem]) -> URIRef:
    """State the status and problems of source document ``name`` in ``graph``."""
    node = iris.source_document(name)
    graph.add((node, BG.documentStatus, Status.of(problems).iri))
    if content_hash:
        graph.add((node, BG.contentHash, Literal(content_hash)))
    for problem in problems:
        graph.add((node, BG.problem, problem_node(graph, node, problem)))
    return node


def problem_node(graph: Graph, document: URIRef, problem: Problem) -> URIRef:
    key = (
        f"{problem.severity.value} {problem.stage.value} {problem.line} {problem.focus} "
        f"{problem.path} {problem.message}"
    )
    node = URIRef(f"{document}/problem/{short_hash(key)}")
    graph.add((node, RDF.type, BG.Problem))
    graph.add((node, BG.severity, problem.severity.iri))
    graph.add((node, BG.stage, Literal(problem.stage.value)))
    graph.add((node, BG.message, Literal(problem.message)))
    if problem.line is not None:
        graph.add((node, BG.atLine, integer(problem.line)))
    if problem.focus is not None:
        graph.add((node, BG.focusNode, URIRef(problem.focus)))
    if problem.path is not None:
        graph.add((node, BG.resultPath, URIRef(problem.path)))
    return node


def left_out_graph(
    name: str, kind: str | None, characters: int | None, content_hash: str | None, problems: list[Problem]
) -> Graph:
    """The named graph of a document left out: its source node, status and problems only."""
    graph = Graph(identifier=iris.named_graph(name))
    source_node(graph, name, kind, characters)
    add_status(graph, name, content_hash, problems)
    return graph
