"""Each named graph of a build serialised for the outputs, once, in the worker that built it:
its sorted N-Quads lines, its part of the TriG output and its digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdflib import Graph

from ..formats.writer import TurtleGraph, turtle_graph
from ..vocabulary import BG


@dataclass(frozen=True)
class GraphChunk:
    """One named graph, serialised once (in the worker that built it)."""

    name: str
    nquads: tuple[bytes, ...]  # sorted, distinct lines
    turtle: TurtleGraph  # its part of the TriG output
    digest: str = ""  # of its triples but the digest's own (bg:graphDigest)

    @property
    def triples(self) -> int:
        return len(self.nquads)

    def ntriples(self) -> bytes:
        """The graph's triples as N-Triples (its lines without the graph name)."""
        cut = len(f" <{self.name}> .\n")
        return b"".join(line[:-cut] + b" .\n" for line in self.nquads)


DIGEST = f"<{BG.graphDigest}>".encode()


def graph_chunk(graph: Graph) -> GraphChunk:
    """Serialise one named graph for the outputs: sorted N-Quads lines and a Turtle body,
    with the graph's digest (``<graph> bg:graphDigest "…"``) among its triples.

    The Turtle is pyoxigraph's, written from the sorted triples (40x faster than
    rdflib's Turtle writer, which took most of a build's serialising time).
    """
    name = str(graph.identifier)
    suffix = f" <{name}> .\n".encode()
    own_digest = f"<{name}> ".encode() + DIGEST + b" "
    ntriples = [t for t in _sorted_ntriples(graph) if not t.startswith(own_digest)]
    digest = hashlib.sha256(b"\n".join(ntriples)).hexdigest()
    if ntriples:
        ntriples = sorted([*ntriples, own_digest + f'"{digest}"'.encode()])
    nquads = tuple(line + suffix for line in ntriples)
    return GraphChunk(name, nquads, turtle_graph(name, ntriples), digest)


def _sorted_ntriples(graph: Graph) -> list[bytes]:
    """The graph's distinct triples as N-Triples lines without their `` .``, sorted."""
    lines = graph.serialize(format="nt", encoding="utf-8").split(b"\n")
    return sorted({t for line in lines if (t := line.rstrip()[:-1].rstrip())})
