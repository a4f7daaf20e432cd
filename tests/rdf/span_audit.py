"""A span audit of a built graph: does every span hold exactly what its node says?

For each node type it gives the longest and the median span; every pair of sibling nodes
(children of one extracted node along one predicate) whose spans in one document
overlap; and every span whose text does not contain the verbatim value it backs.

"Contains" reads the span the way a person reads the page: case, white space,
punctuation and hyphens at line ends do not count, and whole lines the value skips
(a running header, the letterhead column, a page number printed between two parts of
a paragraph) may lie inside the span; nothing else may come between the value's words.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from beskgraph.vocabulary import BG, OA, SCHEMA

# The verbatim values a node's own span must contain, per class.
VERBATIM: dict[URIRef, tuple[URIRef, ...]] = {
    BG.Initiative: (DCTERMS.title, SCHEMA.description),
    BG.Letter: (SCHEMA.text,),
    BG.Commitment: (SCHEMA.text,),
    BG.Mention: (BG.surfaceForm,),
    BG.Identifier: (SCHEMA.value,),
    SCHEMA.Person: (SCHEMA.name,),
    BG.Page: (BG.pageImage,),
    BG.Assessment: (BG.text,),
    BG.Intervention: (DCTERMS.title,),
    BG.TargetGroup: (SKOS.prefLabel,),
    URIRef("http://data.europa.eu/eli/ontology#LegalResourceSubdivision"): (BG.citedAs,),
    SCHEMA.Observation: (SCHEMA.value,),
    SCHEMA.ListItem: (SCHEMA.name,),
}
# The links from a node to the parts read within it (either direction): its siblings.
STRUCTURE = {
    DCTERMS.hasPart,
    DCTERMS.isPartOf,
    BG.describedIn,
    BG.statedIn,
    OA.hasTarget,
    SCHEMA.identifier,
    BG.signatory,
    BG.signatoryItem,
    BG.recipientItem,
    BG.testResult,
    BG.assessment,
    BG.targetGroup,
}


@dataclass(frozen=True)
class SpanUse:
    node: URIRef
    selector: URIRef
    document: URIRef
    start: int
    end: int
    exact: str
    prop: URIRef | None  # the property the span backs, None for the node's own span

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: SpanUse) -> bool:
        return self.document == other.document and self.start < other.end and other.start < self.end


@dataclass
class Report:
    figures: dict[str, tuple[int, int, float]]  # type -> (count, longest, median)
    overlaps: list[tuple[str, URIRef, URIRef, SpanUse, SpanUse]]
    unbacked: list[tuple[URIRef, URIRef, str, str]]  # node, property, value, span text

    def lines(self) -> list[str]:
        out = [
            f"{name}: {count} spans, longest {longest}, median {median:g}"
            for name, (count, longest, median) in sorted(self.figures.items())
        ]
        out += [
            f"overlap {kind} {a.node} [{a.start},{a.end}) {b.node} [{b.start},{b.end})"
            for kind, _, _, a, b in self.overlaps
        ]
        out += [
            f"not in span: {node} {prop}: {value!r} in {text!r}" for node, prop, value, text in self.unbacked
        ]
        return out


def _kind(types: list[URIRef]) -> str:
    """A node's type by name, the project's own class first (``Letter``, not ``Message``)."""
    own = [t for t in types if t.startswith(str(BG))] or types
    return own[0].rsplit("#", 1)[-1].rsplit("/", 1)[-1] if own else "?"


def span_uses(graph: Graph) -> list[SpanUse]:
    """Every (node, span) pair, once per property the span backs (or once as its own)."""
    out = []
    for node, selector in graph.subject_objects(BG.sourceSpan):
        start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
        for prop in sorted(graph.objects(selector, BG.forProperty)) or [None]:
            out.append(
                SpanUse(
                    node,
                    selector,
                    graph.value(selector, DCTERMS.isPartOf),
                    int(start),
                    int(end),
                    str(graph.value(selector, OA.exact)),
                    prop,
                )
            )
    return out


def _alnum(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def contains(span_text: str, value: str) -> bool:
    """``value`` read in ``span_text``, allowing whole skipped lines between its parts."""
    wanted = _alnum(value)
    if not wanted:
        return True
    lines = [_alnum(line) for line in span_text.split("\n")]
    for first, line in enumerate(lines):
        for at in (i for i, c in enumerate(line) if c == wanted[0]):
            head = line[at:]
            if (wanted.startswith(head) or head.startswith(wanted)) and _rest(
                lines[first + 1 :], wanted[len(head) :]
            ):
                return True
    return False


def _rest(lines: list[str], wanted: str) -> bool:
    for line in lines:
        if not wanted:
            return True
        if line.startswith(wanted) or (line and wanted.startswith(line)):
            wanted = wanted[len(line) :] if wanted.startswith(line) else ""
    return not wanted


def _verbatim(value: object) -> str:
    """A value as it is written: numbers without a trailing ``.0``, decimal comma."""
    text = str(value)
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        return text[:-2]
    return text


def audit(graph: Graph) -> Report:
    uses = span_uses(graph)
    by_node: dict[URIRef, list[SpanUse]] = defaultdict(list)
    for use in uses:
        by_node[use.node].append(use)
    types = {node: sorted(graph.objects(node, RDF.type)) for node in by_node}
    kind = {node: _kind(ts) for node, ts in types.items()}
    lengths: dict[str, list[int]] = defaultdict(list)
    for use in uses:
        if use.prop is None:
            lengths[kind[use.node]].append(use.length)
    figures = {
        name: (len(values), max(values), statistics.median(values)) for name, values in lengths.items()
    }
    groups: dict[tuple[URIRef, URIRef, bool], set[URIRef]] = defaultdict(set)
    for node in by_node:
        for p in STRUCTURE:
            for parent in graph.objects(node, p):
                groups[(parent, p, True)].add(node)
            for parent in graph.subjects(p, node):
                groups[(parent, p, False)].add(node)
    overlaps = []
    seen: set[tuple[URIRef, URIRef]] = set()
    for (parent, _, _), group in sorted(groups.items()):
        for a, b in combinations(sorted(group), 2):
            if kind[a] != kind[b] or (a, b) in seen:
                continue
            seen.add((a, b))
            overlaps += [(kind[a], parent, a, x, y) for x in by_node[a] for y in by_node[b] if x.overlaps(y)]
    unbacked = []
    for node, node_uses in by_node.items():
        own = next((VERBATIM[t] for t in types[node] if t in VERBATIM), ())
        fields = {use.prop for use in node_uses if use.prop is not None}
        for use in node_uses:
            props = (use.prop,) if use.prop is not None else tuple(p for p in own if p not in fields)
            for prop in props:
                values = [_verbatim(v) for v in graph.objects(node, prop)]
                if values and not any(contains(use.exact, v) for v in values):
                    unbacked.append((node, prop, values[0], use.exact))
    return Report(figures, overlaps, unbacked)
