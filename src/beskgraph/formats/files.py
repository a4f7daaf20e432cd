"""Graph files read back: a built graph (any of the graph's formats, by its extension) as
quads, as one graph of triples, or exported in another format by the one writer."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .table import GRAPH_FORMATS, Format, for_path
from .writer import GRAPHLESS, write, write_triples


def read_quads(path: Path) -> list[ox.Quad]:
    """The quads of a graph file; ValueError (or SyntaxError) when it cannot be read as its
    extension says."""
    return list(ox.parse(path=path, format=for_path(path).rdf_format))


def graph_names(data: bytes, fmt: Format) -> set[str]:
    """The IRIs of the named graphs in the bytes of a graph file in ``fmt``."""
    return {
        quad.graph_name.value
        for quad in ox.parse(data, format=fmt.rdf_format)
        if isinstance(quad.graph_name, ox.NamedNode)
    }


def union_ntriples(quads: list[ox.Quad]) -> bytes:
    """The triples of all the graphs, as N-Triples."""
    return ox.serialize({quad.triple for quad in quads}, format=ox.RdfFormat.N_TRIPLES) or b""


def export(path: Path, fmt: Format) -> bytes:
    """The graph file at ``path`` in ``fmt``, byte for byte as the server dumps the same quads.
    A file without named graphs (Turtle, N-Triples) goes only to a format without them."""
    quads = read_quads(path)
    if any(isinstance(quad.graph_name, ox.DefaultGraph) for quad in quads):
        if fmt not in GRAPHLESS:
            names = ", ".join(f.name for f in GRAPH_FORMATS if f in GRAPHLESS)
            raise ValueError(f"{path} has no named graphs to write as {fmt.name}; use one of {names}")
        return write_triples(fmt, union_ntriples(quads))
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return b"".join(write(fmt, lambda: nquads))
