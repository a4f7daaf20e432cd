"""JSON-LD as beskgraph writes it: compacted with the project's prefixes as its context
(pyoxigraph writes expanded JSON-LD only), one node object per subject and graph, keys
sorted, so that the same quads in the same order give the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from ..vocabulary import PREFIXES, RDF, XSD

RDF_TYPE, XSD_STRING = str(RDF.type), str(XSD.string)
Table = list[tuple[str, str]]


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context published at /context.jsonld and inlined in every JSON-LD document."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def _compact(iri: str, table: Table) -> str:
    for prefix, ns in table:
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns) :].startswith("//"):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _node_ref(term: object, table: Table) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    # ignored below: an IRI here: a blank node returned above
    return _compact(term.value, table)  # type: ignore[attr-defined]


def _value(term: object, table: Table) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": _compact(term.datatype.value, table)}
    return {"@id": _node_ref(term, table)}


def _nodes(items: Sequence[ox.Quad], index: int, table: Table) -> tuple[list[str], int]:
    """The node objects of the graph of ``items[index]`` (its quads are consecutive, grouped by
    subject); the index after them."""
    graph = items[index].graph_name
    nodes: list[str] = []
    while index < len(items) and items[index].graph_name == graph:
        subject = items[index].subject
        node: dict[str, list[object] | str] = {"@id": _node_ref(subject, table)}
        while index < len(items) and items[index].graph_name == graph and items[index].subject == subject:
            quad = items[index]
            index += 1
            if quad.predicate.value == RDF_TYPE and not isinstance(quad.object, ox.Literal):
                # ignored below: no quoted triples in a dump
                node.setdefault("@type", []).append(_node_ref(quad.object, table))  # type: ignore[union-attr]
            else:
                key = _compact(quad.predicate.value, table)
                # ignored below: no quoted triples in a dump
                node.setdefault(key, []).append(_value(quad.object, table))  # type: ignore[union-attr]
        nodes.append(json.dumps(node, ensure_ascii=False, sort_keys=True))
    return nodes, index


def write_jsonld(items: Sequence[ox.Quad]) -> Iterator[bytes]:
    """The quads, grouped by graph and subject, as compacted JSON-LD: each named graph an
    object with its own ``@graph``; the default graph's nodes at the top level."""
    table = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))  # the most specific prefix wins
    head = json.dumps(jsonld_context()["@context"], ensure_ascii=False, sort_keys=True)
    yield f'{{"@context":{head},"@graph":['.encode()
    index, first = 0, True
    while index < len(items):
        graph = items[index].graph_name
        nodes, index = _nodes(items, index, table)
        if isinstance(graph, ox.DefaultGraph):
            block = "\n" + ",\n".join(nodes)
        else:
            entry = json.dumps({"@id": _node_ref(graph, table)}, ensure_ascii=False)[:-1]
            block = f'\n{entry},"@graph":[\n' + ",\n".join(nodes) + "]}"
        yield (block if first else "," + block).encode()
        first = False
    yield b"\n]}\n"
