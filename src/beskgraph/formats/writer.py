"""The one writer of the graph: the build's output, ``beskgraph export``, the server's dumps
and linked-data descriptions are all written here, so the same quads give the same bytes.

Writing is deterministic: blank-node labels are made canonical (RDFC-1.0) when there are
blank nodes, and lines are sorted as bytes. N-Quads and N-Triples are sorted distinct
lines; Turtle is the sorted distinct triples of all graphs; TriG is each named graph in
IRI order, its body the Turtle of its sorted triples (so a builder can write each graph's
body on its own, in parallel, and join them); JSON-LD is compacted (:mod:`.jsonld`).
Sorting bytes, not term objects, keeps writing within a small factor of pyoxigraph's own
serialiser. The lines are held in memory while sorting; the output comes in chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

import pyoxigraph as ox

from ..vocabulary import PREFIXES
from .jsonld import write_jsonld
from .table import JSONLD, NQUADS, NTRIPLES, RDF_XML, TRIG, TURTLE, Format

CHUNK = 64 * 1024


def serialize_rdf(items: Iterable[ox.Quad] | Iterable[ox.Triple], rdf_format: ox.RdfFormat) -> bytes:
    """pyoxigraph's serialisation with the project prefixes, the @prefix lines sorted."""
    data = ox.serialize(items, format=rdf_format, prefixes=dict(sorted(PREFIXES.items()))) or b""
    lines = data.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    if not count:
        return data
    header = sorted(lines[:count], key=lambda line: line.split(b":", 1)[0])
    return b"\n".join([*header, *lines[count:]])


def canonical_lines(nquads: bytes) -> list[bytes]:
    """Distinct N-Quads (or N-Triples) lines without their newline, sorted, blank nodes canonical."""
    if b"_:" in nquads:  # maybe a blank node (or just text in a literal: harmless)
        dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        nquads = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b""
    lines = set(nquads.split(b"\n"))  # N-Quads escapes newlines inside literals
    lines.discard(b"")
    return sorted(lines)


def split_quad(line: bytes) -> tuple[bytes, bytes]:
    """An N-Quads line as (triple without its `` .``, graph term); IRIs and labels hold no spaces."""
    triple, _, graph = line.rstrip()[:-1].rstrip().rpartition(b" ")
    return triple, graph


@dataclass(frozen=True)
class TurtleGraph:
    """One named graph's part of a TriG document: its name, the @prefix lines it uses and the
    Turtle of its sorted triples."""

    name: str
    prefixes: frozenset[bytes]
    body: bytes


def turtle_graph(name: str, triples: list[bytes]) -> TurtleGraph:
    """``triples`` (sorted N-Triples lines without their `` .``) as the TriG part of graph ``name``."""
    parsed = ox.parse(b"".join(line + b" .\n" for line in triples), format=ox.RdfFormat.N_TRIPLES)
    text = serialize_rdf(parsed, ox.RdfFormat.TURTLE)
    head = [line for line in text.splitlines() if line.startswith(b"@prefix ")]
    body = text.split(b"\n", len(head))[-1] if head else text
    return TurtleGraph(name, frozenset(head), body.strip())


def join_trig(graphs: Iterable[TurtleGraph]) -> bytes:
    """TriG of named graphs, in IRI order (the empty ones left out), each body as it is."""
    ordered = sorted((g for g in graphs if g.body), key=lambda g: g.name)
    prefixes = sorted(set().union(*(g.prefixes for g in ordered)))
    # bodies not indented: that would change multi-line literals
    blocks = [b"<" + g.name.encode() + b"> {\n" + g.body + b"\n}\n" for g in ordered]
    return b"\n".join(prefixes) + b"\n\n" + b"\n".join(blocks)


def _lines(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n" if lines else b""


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


GRAPHLESS = (TURTLE, NTRIPLES, JSONLD, RDF_XML)  # what :func:`write_triples` writes


def _graphless(fmt: Format, lines: list[bytes]) -> bytes:
    """Canonical, sorted N-Triples lines in ``fmt`` (one of :data:`GRAPHLESS`)."""
    if fmt is NTRIPLES:
        return _lines(lines)
    triples = ox.parse(_lines(lines), format=ox.RdfFormat.N_TRIPLES)
    if fmt is JSONLD:
        return b"".join(
            write_jsonld([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples])
        )
    if fmt not in GRAPHLESS:
        raise ValueError(f"{fmt.name} is not a format of a graph's triples")
    return serialize_rdf(triples, fmt.rdf_format)


def write_triples(fmt: Format, ntriples: bytes) -> bytes:
    """The triples of one graph (N-Triples; a description, not the dataset) in ``fmt``, one of
    :data:`GRAPHLESS`; JSON-LD with its nodes at the top level."""
    return _graphless(fmt, canonical_lines(ntriples))


def write(
    fmt: Format, nquads: Callable[[], bytes], union: Callable[[], bytes] | None = None
) -> Iterator[bytes]:
    """The named graphs of ``nquads`` (N-Quads) in ``fmt``, deterministically: Turtle and
    N-Triples hold the union of the graphs.

    ``union``, when the caller keeps one, gives that union as N-Triples, which Turtle and
    N-Triples then take as it is.
    """
    if fmt in (TURTLE, NTRIPLES):
        triples = union() if union else b"_:"
        if b"_:" in triples:  # labels made canonical with their graphs, as in the other formats
            lines = sorted({split_quad(line)[0] + b" ." for line in canonical_lines(nquads())})
        else:
            lines = canonical_lines(triples)
        yield from _chunks(_graphless(fmt, lines))
        return
    lines = canonical_lines(nquads())
    if fmt is NQUADS:
        yield from _chunks(_lines(lines))
    elif fmt is TRIG:
        parts = [split_quad(line) for line in lines]
        parts.sort(key=lambda part: part[1])  # stable: each graph's triples stay sorted
        graphs = [
            turtle_graph(graph.decode()[1:-1], [triple for triple, _ in group])
            for graph, group in groupby(parts, key=lambda part: part[1])
        ]
        yield from _chunks(join_trig(graphs))
    elif fmt is JSONLD:
        lines.sort(key=lambda line: (split_quad(line)[1], line))
        yield from write_jsonld(list(ox.parse(_lines(lines), format=ox.RdfFormat.N_QUADS)))
    else:
        raise ValueError(f"{fmt.name} is not a format of the graph")
