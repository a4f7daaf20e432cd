"""Search documents read from a store: one per searchable node, its texts by field.

Reads use the union of the graphs (a criterion restated in many cards is one document)
and say, per source graph, which nodes it states texts of, so a changed graph's nodes
can be read again alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from beskgraph.config import base_iri
from beskgraph.search.fields import FIELD_OF, LABEL_ORDER, PROPERTIES
from beskgraph.store import Store
from beskgraph.store.base import sparql_iri

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BATCH = 400  # nodes or graphs named in one query


@dataclass
class NodeDocument:
    """The texts of one node, by field, and its classes."""

    iri: str
    texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    types: list[str] = field(default_factory=list)
    label: str = ""
    _label_rank: tuple[int, int] = (len(LABEL_ORDER), 0)

    def add(self, prop: str, value: str, language: str) -> None:
        values = self.texts[FIELD_OF[prop]]
        if value not in values:
            values.append(value)
        if prop in LABEL_ORDER:
            rank = (LABEL_ORDER[prop], 1 if language == "en" else 0)
            if rank < self._label_rank:
                self.label, self._label_rank = value, rank


def _searchable() -> str:
    """FILTER keeping minted nodes without a fragment."""
    return f'FILTER(STRSTARTS(STR(?x), "{base_iri()}") && !CONTAINS(STR(?x), "#"))'


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(sparql_iri(i) for i in iris)} }}"


_PROPERTIES = _values("p", PROPERTIES)


def _restrictions(var: str, iris: Sequence[str] | None) -> Iterable[str]:
    """VALUES blocks naming ``iris`` a batch at a time (one empty restriction: everything)."""
    if iris is None:
        yield ""
        return
    ordered = sorted(iris)
    for start in range(0, len(ordered), BATCH):
        yield _values(var, ordered[start : start + BATCH])


def read_documents(store: Store, nodes: Sequence[str] | None = None) -> dict[str, NodeDocument]:
    """The documents of ``nodes`` (every searchable node when None), sorted texts and types."""
    documents: dict[str, NodeDocument] = {}
    for only in _restrictions("x", nodes):
        texts = (
            f"SELECT ?x ?p ?o (LANG(?o) AS ?lang) WHERE {{ {only} {_PROPERTIES} ?x ?p ?o . "
            f"FILTER(isLiteral(?o)) {_searchable()} }}"
        )
        for row in store.select(texts):
            iri = str(row["x"])
            document = documents.get(iri) or documents.setdefault(iri, NodeDocument(iri))
            document.add(str(row["p"]), str(row["o"]), str(row.get("lang", "")))
        types = f"SELECT DISTINCT ?x ?t WHERE {{ {only} ?x <{RDF_TYPE}> ?t . {_searchable()} }}"
        for row in store.select(types):
            typed = documents.get(str(row["x"]))
            if typed is not None:
                typed.types.append(str(row["t"]))
    for document in documents.values():
        document.types.sort()
        for values in document.texts.values():
            values.sort()
    return documents


def nodes_by_graph(store: Store, graphs: Sequence[str] | None = None) -> dict[str, set[str]]:
    """``{graph: searchable nodes it states a text of}`` for ``graphs`` (every graph when None)."""
    found: dict[str, set[str]] = defaultdict(set)
    for only in _restrictions("g", graphs):
        query = (
            f"SELECT DISTINCT ?g ?x WHERE {{ {only} {_PROPERTIES} GRAPH ?g {{ ?x ?p ?o }} "
            f"FILTER(isLiteral(?o)) {_searchable()} }}"
        )
        for row in store.select(query):
            found[str(row["g"])].add(str(row["x"]))
    return found
