"""Deterministic dataset dumps shared by every store.

Every store hands over its named graphs as N-Quads text (pyoxigraph's serialiser). A
dump is made deterministic by (1) canonicalising blank-node labels with RDFC-1.0 when
there are blank nodes (pyoxigraph relabels them on every load) and (2) sorting the
lines as bytes: N-Quads and N-Triples are sorted distinct lines; TriG and JSON-LD are
grouped by graph, then in line order; Turtle is the sorted distinct triples of all
graphs. Sorting bytes, not Python term objects, keeps a dump within a small factor of
the store's own serialiser. The lines are held in memory while sorting; the output is
streamed in chunks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from beskgraph.store.base import DUMP_FORMATS
from beskgraph.store.errors import StoreError
from beskgraph.vocabulary import PREFIXES, RDF, XSD

CHUNK = 64 * 1024
RDF_TYPE, XSD_STRING = str(RDF.type), str(XSD.string)


def prefixes() -> dict[str, str]:
    """The project prefixes as plain strings."""
    return dict(sorted(PREFIXES.items()))


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context published at /context.jsonld and inlined in JSON-LD dumps."""
    return {"@context": dict(prefixes())}


def canonical_lines(nquads: bytes) -> list[bytes]:
    """Distinct N-Quads (or N-Triples) lines without their newline, sorted, blank nodes canonical."""
    if b"_:" in nquads:  # maybe a blank node (or just text in a literal: harmless)
        dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        nquads = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b""
    lines = set(nquads.split(b"\n"))  # N-Quads escapes newlines inside literals
    lines.discard(b"")
    return sorted(lines)


def _lines(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n" if lines else b""


def _split(line: bytes) -> tuple[bytes, bytes]:
    """An N-Quads line as (N-Triples line, graph term); IRIs and labels hold no spaces."""
    triple, _, graph = line.rstrip()[:-1].rstrip().rpartition(b" ")
    return triple + b" .", graph


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def quads_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads text of quads (for stores that hand over term objects)."""
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def dump_dataset(
    format: str, nquads: Callable[[], bytes], union: Callable[[], bytes] | None = None
) -> Iterator[bytes]:
    """Serialise the named graphs deterministically in one of DUMP_FORMATS.

    ``nquads`` gives the named graphs as N-Quads; ``union``, when the store keeps one,
    their union as N-Triples, which Turtle and N-Triples then take as it is.
    """
    if format not in DUMP_FORMATS:
        raise StoreError(f"unknown dump format {format!r}; use one of {sorted(DUMP_FORMATS)}")
    if format in ("turtle", "ntriples"):
        triples = union() if union else b"_:"
        if b"_:" in triples:  # labels made canonical with their graphs, as in the other formats
            triples = _lines(sorted({_split(line)[0] for line in canonical_lines(nquads())}))
        else:
            triples = _lines(canonical_lines(triples))
        if format == "ntriples":
            yield from _chunks(triples)
        else:
            parsed = ox.parse(triples, format=ox.RdfFormat.N_TRIPLES)
            yield from _chunks(serialize_rdf(parsed, ox.RdfFormat.TURTLE))
        return
    lines = canonical_lines(nquads())
    if format == "nquads":
        yield from _chunks(_lines(lines))
        return
    lines.sort(key=lambda line: (_split(line)[1], line))
    quads = ox.parse(_lines(lines), format=ox.RdfFormat.N_QUADS)
    if format == "jsonld":
        yield from _jsonld(list(quads))
    else:
        yield from _chunks(serialize_rdf(quads, ox.RdfFormat.TRIG))


def serialize_rdf(items: Iterable[ox.Quad] | Iterable[ox.Triple], rdf_format: ox.RdfFormat) -> bytes:
    """pyoxigraph's serialisation with the project prefixes, the @prefix lines sorted."""
    data = ox.serialize(items, format=rdf_format, prefixes=prefixes()) or b""
    lines = data.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    if not count:
        return data
    header = sorted(lines[:count], key=lambda line: line.split(b":", 1)[0])
    return b"\n".join([*header, *lines[count:]])


# ---------------------------------------------------------------------------
# JSON-LD (compacted with the project prefixes; pyoxigraph writes expanded JSON-LD only)


def _compact(iri: str, table: list[tuple[str, str]]) -> str:
    for prefix, ns in table:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns) :].startswith("//"):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _node_ref(term: object, table: list[tuple[str, str]]) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return _compact(term.value, table)  # type: ignore[attr-defined]


def _value(term: object, table: list[tuple[str, str]]) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": _compact(term.datatype.value, table)}
    return {"@id": _node_ref(term, table)}


def _jsonld(items: list[ox.Quad]) -> Iterator[bytes]:
    # Longest namespace first so the most specific prefix wins.
    table = sorted(prefixes().items(), key=lambda kv: -len(kv[1]))
    head = json.dumps(jsonld_context()["@context"], ensure_ascii=False, sort_keys=True)
    yield f'{{"@context":{head},"@graph":['.encode()
    graph_index = 0
    index = 0
    while index < len(items):
        graph = items[index].graph_name
        nodes: list[str] = []
        while index < len(items) and items[index].graph_name == graph:
            subject = items[index].subject
            node: dict[str, object] = {"@id": _node_ref(subject, table)}
            while index < len(items) and items[index].graph_name == graph and items[index].subject == subject:
                quad = items[index]
                index += 1
                if quad.predicate.value == RDF_TYPE and not isinstance(quad.object, ox.Literal):
                    node.setdefault("@type", []).append(_node_ref(quad.object, table))  # type: ignore[union-attr]
                else:
                    key = _compact(quad.predicate.value, table)
                    node.setdefault(key, []).append(_value(quad.object, table))  # type: ignore[union-attr]
            nodes.append(json.dumps(node, ensure_ascii=False, sort_keys=True))
        entry = json.dumps({"@id": _node_ref(graph, table)}, ensure_ascii=False)[:-1]
        sep = "," if graph_index else ""
        yield f'{sep}\n{entry},"@graph":[\n'.encode() + ",\n".join(nodes).encode() + b"]}"
        graph_index += 1
    yield b"\n]}\n"
