"""SPARQL builders: batched records, batched relations, keyset pages and counts.

Every builder takes already-validated IRIs and escapes every literal it splices in.
A *listing* is a set of classes, extra graph patterns on ``?s`` (filters), maybe a text
(the search index tells which nodes have its words: ``matching``) and a sort key bound to
``?k``; pages are ordered by ``(?k, STR(?s))`` so a cursor ``(k, iri)`` names an exact
position that stays valid when nodes are added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from beskgraph.api.graphql.fields import Path
from beskgraph.store.base import sparql_iri
from beskgraph.vocabulary import SCHEMA

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
LIST_ITEM = str(SCHEMA.item)  # a schema:ListItem's values, at its bg:position
POSITION = "https://w3id.org/beskgraph/ontology#position"

Key = float | str
NO_NUMBER = -1  # the numeric sort key of a node without a value: first ascending, last descending


def iri(value: str) -> str:
    """``<value>``; raises StoreError for anything that is not an IRI."""
    return sparql_iri(value)


def string(value: str) -> str:
    """A SPARQL string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def key_literal(value: Key) -> str:
    """A sort-key value as a SPARQL literal (numbers as xsd:double)."""
    if isinstance(value, str):
        return string(value)
    return f'"{float(value)!r}"^^<{XSD}double>'


def values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(iri(i) for i in iris)} }}"


def contains(var: str, text: str) -> str:
    """FILTER: ``?var`` contains ``text``, case-insensitively."""
    return f"FILTER(CONTAINS(LCASE(STR(?{var})), {string(text.lower())}))"


# ---------------------------------------------------------------------------
# Sort keys


@dataclass(frozen=True)
class SortKey:
    """A pattern binding ``?k`` (exactly once per ``?s``), its direction, and the name of the
    ordering (cursors carry it). ``measure``: an aggregate holding the same key per node
    (``beskgraph.aggregates``), so a page can be ranked in memory instead."""

    pattern: str
    name: str
    descending: bool = False
    measure: str | None = None


def by_iri(name: str) -> SortKey:
    return SortKey("BIND(STR(?s) AS ?k)", name)


def field_key(path: Path, name: str, *, numeric: bool = False, descending: bool = False) -> SortKey:
    """Sort by one literal field; missing values sort first (``-1`` / ``""``)."""
    steps = [path] if path.sequence else [Path((p,), path.inverse) for p in path.predicates]
    optionals = " ".join(f"OPTIONAL {{ ?s {step.sparql} ?_v{i} }}" for i, step in enumerate(steps))
    found = [f"?_v{i}" if numeric else f"STR(?_v{i})" for i in range(len(steps))]
    # the first predicate with a value gives the key, as it gives the field (Record.along)
    default = str(NO_NUMBER) if numeric else '""'
    return SortKey(f"{optionals} BIND(COALESCE({', '.join(found)}, {default}) AS ?k)", name, descending)


# ---------------------------------------------------------------------------
# Listings


@dataclass(frozen=True)
class Minimum:
    """A node's value of an aggregate (``measure``) is at least ``value``; ``pattern`` says the
    same on ``?s`` in SPARQL."""

    measure: str
    value: float
    pattern: str


@dataclass(frozen=True)
class Listing:
    """What a connection lists: nodes of some classes matching patterns (and having every word of
    ``text`` in a searchable field), in one order; ``ranked``: in the search index's ranking of
    ``text``, best first (the sort key then only names the ordering)."""

    classes: tuple[str, ...]
    patterns: tuple[str, ...]
    sort: SortKey
    text: str | None = None
    ranked: bool = False
    minimums: tuple[Minimum, ...] = ()  # filters an aggregate can check too (patterns otherwise)

    @property
    def ordering(self) -> str:
        return self.sort.name + (":DESC" if self.sort.descending else ":ASC")

    def matching(self, nodes: Sequence[str]) -> Listing:
        """This listing with its text replaced by the nodes that have its words (not empty)."""
        return replace(self, patterns=(values("s", sorted(nodes)), *self.patterns), text=None)

    def where(self) -> str:
        if self.text is not None:
            raise ValueError("a listing's text is matched by the search index (Listing.matching) first")
        if len(self.classes) == 1:
            head = f"?s <{RDF_TYPE}> {iri(self.classes[0])} ."
        else:
            head = f"?s <{RDF_TYPE}> ?_class . {values('_class', self.classes)}"
        return "\n  ".join((head, *self.patterns, *(m.pattern for m in self.minimums)))


def keyset_filter(after: tuple[Key, str], descending: bool) -> str:
    """FILTER keeping rows strictly after ``(k, iri)`` in the listing's order."""
    key, node = after
    op = "<" if descending else ">"
    k = key_literal(key)
    return f"FILTER(?k {op} {k} || (?k = {k} && STR(?s) {op} {string(node)}))"


def page_query(listing: Listing, limit: int, after: tuple[Key, str] | None, descending: bool) -> str:
    """One page of distinct nodes: ``LIMIT limit`` rows of ``?s ?k`` after a keyset."""
    order = "DESC" if descending else "ASC"
    keyset = keyset_filter(after, descending) if after else ""
    return (
        f"SELECT DISTINCT ?s ?k WHERE {{\n  {listing.where()}\n  {listing.sort.pattern}\n  {keyset}\n}}\n"
        f"ORDER BY {order}(?k) {order}(STR(?s))\nLIMIT {limit}"
    )


def members_query(listing: Listing) -> str:
    """Every node of a listing, unordered (to be ranked by an aggregate)."""
    return f"SELECT DISTINCT ?s WHERE {{\n  {listing.where()}\n}}"


def count_query(listing: Listing) -> str:
    return f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{\n  {listing.where()}\n}}"


def relation_query(listing: Listing, path: Path, parents: Sequence[str]) -> str:
    """All (parent, child, key) of a relation for a batch of parents, one query."""
    return (
        f"SELECT DISTINCT ?parent ?s ?k WHERE {{\n  {values('parent', parents)}\n"
        f"  ?parent {path.sparql} ?s .\n  {listing.where()}\n  {listing.sort.pattern}\n}}"
    )


def relation_count_query(listing: Listing, path: Path, parents: Sequence[str]) -> str:
    """How many children each of a batch of parents has along a relation: rows ``?parent ?n``."""
    return (
        f"SELECT ?parent (COUNT(DISTINCT ?s) AS ?n) WHERE {{\n  {values('parent', parents)}\n"
        f"  ?parent {path.sparql} ?s .\n  {listing.where()}\n}} GROUP BY ?parent"
    )


def record_query(
    forward: Sequence[str], inverse: Sequence[str], sequences: Sequence[Path], nodes: Sequence[str]
) -> str:
    """Every value of these predicates (and rdf:type) of a batch of nodes: rows ``?s ?p ?o``,
    or ``?s ?p ?inv`` for a node ``?inv`` that points at ``?s`` (a chained path's values come
    with ``?p`` its SPARQL text). The inverse branch binds a variable of its own, not a flag:
    Virtuoso 7.2 cannot compile a UNION of VALUES blocks one of which BINDs a constant (SP031).

    The predicates are a FILTER, not a VALUES block: with ``VALUES ?p`` the engine
    scans every triple of those predicates (all rdf:type triples...) before joining on
    ``?s``, a cost that grows with the graph instead of with the batch. DISTINCT: a
    node described in many named graphs (a criterion restated by every card) has its
    triples once per graph in the union.
    """
    nodes_in = values("s", nodes)
    parts = [f"{{ {nodes_in} ?s ?p ?o {_predicate_in([*forward, RDF_TYPE])} }}"]
    if inverse:
        parts.append(f"{{ {nodes_in} ?inv ?p ?s {_predicate_in(inverse)} }}")
    for path in sequences:
        parts.append(f"{{ {nodes_in} ?s {path.sparql} ?o BIND({string(path.sparql)} AS ?p) }}")
    return f"SELECT DISTINCT ?s ?p ?o ?inv WHERE {{\n  {' UNION '.join(parts)}\n}}"


def _predicate_in(predicates: Iterable[str]) -> str:
    return f"FILTER(?p IN ({', '.join(iri(p) for p in dict.fromkeys(predicates))}))"


def order_query(links: Sequence[str], nodes: Sequence[str]) -> str:
    """Rows ``?s ?link ?o ?pos``: each value's position in the order written."""
    return (
        f"SELECT DISTINCT ?s ?link ?o ?pos WHERE {{ {values('s', nodes)} "
        f"{values('link', sorted(links))} ?s ?link ?_item . "
        f"?_item <{LIST_ITEM}> ?o ; <{POSITION}> ?pos }}"
    )


def types_query(nodes: Sequence[str]) -> str:
    """The rdf:types of a batch of nodes: rows ``?s ?t``."""
    return f"SELECT DISTINCT ?s ?t WHERE {{ {values('s', nodes)} ?s <{RDF_TYPE}> ?t }}"


def lookup_query(classes: Sequence[str], path: Path, value: str) -> str:
    """Nodes of these classes whose field equals ``value`` ignoring case, by IRI."""
    listing = Listing(tuple(classes), (), by_iri("iri"))
    return (
        f"SELECT DISTINCT ?s WHERE {{ {listing.where()} ?s {path.sparql} ?_v . "
        f"FILTER(LCASE(STR(?_v)) = {string(value.lower())}) }}\nORDER BY STR(?s) LIMIT 2"
    )
