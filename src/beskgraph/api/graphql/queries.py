"""SPARQL builders: batched records, batched relations, keyset pages and counts.

Every builder takes already-validated IRIs and escapes every literal it splices in.
A *listing* is a class, extra graph patterns on ``?s`` (filters) and a sort key bound
to ``?k``; pages are ordered by ``(?k, STR(?s))`` so a cursor ``(k, iri)`` names an
exact position that stays valid when nodes are added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from beskgraph.api.graphql.mapping import ENTITIES, RDF_TYPE, SEARCH_FIELDS, XSD, EntityMap
from beskgraph.store.base import sparql_iri

Key = float | str


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


def text_pattern(entity: EntityMap, text: str) -> str:
    """``?s`` has one of its searchable fields containing ``text``."""
    paths = "|".join(entity.prop(f).sparql_path for f in SEARCH_FIELDS[entity.name])
    return f"?s {paths} ?_text . {contains('_text', text)}"


# ---------------------------------------------------------------------------
# Sort keys


@dataclass(frozen=True)
class SortKey:
    """A pattern binding ``?k`` (exactly once per ``?s``) and its direction."""

    pattern: str
    descending: bool = False


BY_IRI = SortKey("BIND(STR(?s) AS ?k)")


def field_key(entity: EntityMap, name: str, *, numeric: bool = False, descending: bool = False) -> SortKey:
    """Sort by one literal field; missing values sort first (``-1`` / ``""``)."""
    default = "-1" if numeric else '""'
    value = "?_v" if numeric else "STR(?_v)"
    pattern = (
        f"OPTIONAL {{ ?s {entity.prop(name).sparql_path} ?_v }} BIND(COALESCE({value}, {default}) AS ?k)"
    )
    return SortKey(pattern, descending)


def score_key(kind_iri: str, *, descending: bool) -> SortKey:
    """Sort interventions by their published score on one test (``-1`` without one)."""
    pattern = (
        f"OPTIONAL {{ ?s <{ENTITIES['Intervention'].prop('tests').predicate}> ?_t . "
        f"?_t <{ENTITIES['TestResult'].prop('kind').predicate}> {iri(kind_iri)} ; "
        f"<{ENTITIES['TestResult'].prop('score').predicate}> ?_v }} BIND(COALESCE(?_v, -1) AS ?k)"
    )
    return SortKey(pattern, descending)


# ---------------------------------------------------------------------------
# Listings


@dataclass(frozen=True)
class Listing:
    """What a connection lists: nodes of one class matching patterns, in one order."""

    entity: EntityMap
    patterns: tuple[str, ...] = ()
    sort: SortKey = BY_IRI

    def where(self) -> str:
        return "\n  ".join((f"?s <{RDF_TYPE}> {iri(self.entity.rdf_class)} .", *self.patterns))


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


def count_query(listing: Listing) -> str:
    return f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{\n  {listing.where()}\n}}"


def relation_query(listing: Listing, path: str, parents: Sequence[str]) -> str:
    """All (parent, child, key) of a relation for a batch of parents, one query."""
    return (
        f"SELECT DISTINCT ?parent ?s ?k WHERE {{\n  {values('parent', parents)}\n"
        f"  ?parent {path} ?s .\n  {listing.where()}\n  {listing.sort.pattern}\n}}"
    )


def relation_count_query(listing: Listing, path: str, parents: Sequence[str]) -> str:
    """How many children each of a batch of parents has along a relation: rows ``?parent ?n``."""
    return (
        f"SELECT ?parent (COUNT(DISTINCT ?s) AS ?n) WHERE {{\n  {values('parent', parents)}\n"
        f"  ?parent {path} ?s .\n  {listing.where()}\n}} GROUP BY ?parent"
    )


def record_query(entity: EntityMap, nodes: Sequence[str]) -> str:
    """Every record field (and rdf:type) of a batch of nodes: rows ``?s ?p ?o ?inv``.

    The predicates are a FILTER, not a VALUES block: with ``VALUES ?p`` the engine
    scans every triple of those predicates (all rdf:type triples...) before joining on
    ``?s``, a cost that grows with the graph instead of with the batch. DISTINCT: a
    node described in many named graphs (a criterion restated by every card) has its
    triples once per graph in the union.
    """
    forward = [q for p in entity.record_props if not p.inverse for q in (p.predicate, *p.fallbacks)]
    forward.append(RDF_TYPE)
    inverse = sorted({q for p in entity.record_props if p.inverse for q in (p.predicate, *p.fallbacks)})
    parts = [f"{{ {values('s', nodes)} ?s ?p ?o {_predicate_in(forward)} }}"]
    if inverse:
        parts.append(f"{{ {values('s', nodes)} ?o ?p ?s {_predicate_in(inverse)} BIND(true AS ?inv) }}")
    return f"SELECT DISTINCT ?s ?p ?o ?inv WHERE {{\n  {' UNION '.join(parts)}\n}}"


def _predicate_in(predicates: Iterable[str]) -> str:
    return f"FILTER(?p IN ({', '.join(iri(p) for p in dict.fromkeys(predicates))}))"


def types_query(nodes: Sequence[str]) -> str:
    """The rdf:types of a batch of nodes: rows ``?s ?t``."""
    return f"SELECT DISTINCT ?s ?t WHERE {{ {values('s', nodes)} ?s <{RDF_TYPE}> ?t }}"


def _search_where(text: str) -> str:
    """``?s`` (with its ``?type``) of the searchable types has a text field containing ``text``."""
    branches = []
    for name in SEARCH_FIELDS:
        entity = ENTITIES[name]
        paths = "|".join(entity.prop(f).sparql_path for f in SEARCH_FIELDS[name])
        branches.append(
            f"{{ ?s <{RDF_TYPE}> {iri(entity.rdf_class)} ; {paths} ?_text . BIND({string(name)} AS ?type) }}"
        )
    return f"{' UNION '.join(branches)}\n  {contains('_text', text)}"


def search_query(text: str, limit: int, after: str | None) -> str:
    """A page of nodes of the searchable types containing ``text``, by IRI."""
    keyset = f"FILTER(STR(?s) > {string(after)})" if after is not None else ""
    return (
        f"SELECT DISTINCT ?s ?type WHERE {{\n  {_search_where(text)}\n  {keyset}\n}}\n"
        f"ORDER BY STR(?s)\nLIMIT {limit}"
    )


def search_count_query(text: str) -> str:
    """How many (node, type) rows the search for ``text`` has in all: one row ``?n``."""
    rows = f"SELECT DISTINCT ?s ?type WHERE {{\n  {_search_where(text)}\n}}"
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {rows} }}"


def lookup_query(entity: EntityMap, field_name: str, value: str) -> str:
    """Nodes of a type whose field equals ``value`` (as a string), by IRI."""
    return (
        f"SELECT DISTINCT ?s WHERE {{ ?s <{RDF_TYPE}> {iri(entity.rdf_class)} ; "
        f"{entity.prop(field_name).sparql_path} ?_v . FILTER(STR(?_v) = {string(value)}) }}\n"
        "ORDER BY STR(?s) LIMIT 2"
    )
