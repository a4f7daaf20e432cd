"""The union of a build's named graphs, for tests that ask the whole graph."""

from __future__ import annotations

from rdflib import Graph

from beskgraph.build import BuildResult


def union(result: BuildResult) -> Graph:
    graph = Graph()
    for named in result.dataset.graphs():
        graph += named
    return graph
