"""Deterministic dataset dumps shared by every store.

pyoxigraph does not promise an iteration order (and blank-node labels change on every
load), so a dump is made deterministic by (1) canonicalising blank-node labels with
RDFC-1.0 when there are blank nodes and (2) sorting: quads by graph, then by their
N-Triples text. Same data therefore gives byte-identical output. The quads are held
in memory while sorting (fine for beskgraph's size); the bytes are streamed in chunks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from beskgraph.rdf.namespaces import PREFIXES
from beskgraph.store.base import DUMP_FORMATS
from beskgraph.store.errors import StoreError

CHUNK = 64 * 1024
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def prefixes() -> dict[str, str]:
    """The project prefixes as plain strings."""
    return {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context published at /context.jsonld and inlined in JSON-LD dumps."""
    return {"@context": dict(prefixes())}


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Named-graph quads with canonical blank-node labels, sorted by graph then triple."""
    items = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    if any(isinstance(t, ox.BlankNode) for q in items for t in (q.subject, q.object, q.graph_name)):
        dataset = ox.Dataset(items)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        items = list(dataset)
    items.sort(key=lambda q: (str(q.graph_name), str(q.triple)))
    return items


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def dump_quads(quads: Iterable[ox.Quad], format: str) -> Iterator[bytes]:
    """Serialise quads deterministically in one of DUMP_FORMATS, in chunks."""
    if format not in DUMP_FORMATS:
        raise StoreError(f"unknown dump format {format!r}; use one of {sorted(DUMP_FORMATS)}")
    items = canonical_quads(quads)
    rdf_format = DUMP_FORMATS[format][0]
    if format == "jsonld":
        yield from _jsonld(items)
    elif format in ("turtle", "ntriples"):
        seen: dict[str, ox.Triple] = {}
        for quad in items:
            seen.setdefault(str(quad.triple), quad.triple)
        triples = [seen[key] for key in sorted(seen)]
        yield from _chunks(_serialize(triples, rdf_format))
    else:
        yield from _chunks(_serialize(items, rdf_format))


def _serialize(items: list[ox.Quad] | list[ox.Triple], rdf_format: ox.RdfFormat) -> bytes:
    """pyoxigraph serialisation with the @prefix header rewritten in sorted order."""
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
