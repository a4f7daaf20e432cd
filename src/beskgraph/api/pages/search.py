"""Search across every kind of node: one function, :func:`search`, so an index can replace it.

Ranking is plain and explainable: each word of the query found in a node's name counts
more than in its code, its statement or its text; a name that equals the query, or starts
with it, counts more still. The SPARQL finds literals containing any word (lower-cased).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from beskgraph.api.pages import queries as q
from beskgraph.api.pages.nodes import fetch_labels, href
from beskgraph.api.pages.terms import term
from beskgraph.api.paths import local_path
from beskgraph.store import Store

MAX_WORDS = 8
MAX_ROWS = 2000
SNIPPET = 80  # characters of context either side of the first match
WEIGHTS = {  # property -> weight of a word found in it
    "rdfs:label": 10, "skos:prefLabel": 10, "dcterms:title": 10, "schema:name": 10, "bg:kommunekode": 10,
    "skos:altLabel": 6, "skos:notation": 6, "bg:citation": 6, "schema:headline": 6,
    "bg:statement": 3, "bg:purpose": 2,
    "dcterms:description": 1, "schema:description": 1, "schema:text": 1, "bg:text": 1,
}
SEARCH = """
SELECT ?x ?p ?text ?type WHERE {{
  VALUES ?p {{ {properties} }}
  ?x ?p ?text .
  FILTER({condition})
  OPTIONAL {{ ?x a ?type }}
}} LIMIT {limit}
"""


@dataclass
class Hit:
    """One search result."""

    iri: str
    label: str
    kind: str
    score: float
    before: str = ""
    match: str = ""
    after: str = ""

    @property
    def href(self) -> str:
        return href(self.iri)


def words(query: str) -> list[str]:
    """The query's words, lower-cased, without characters that mean something in SPARQL strings
    or cannot be printed; a word left empty is no word (it would match every text)."""
    printable = ("".join(c for c in w if c.isprintable()) for w in re.split(r"[\s\"'\\]+", query.lower()))
    return [w for w in printable if w][:MAX_WORDS]


def _string(word: str) -> str:
    return f'"{word}"'


def search(store: Store, query: str, limit: int = 50) -> list[Hit]:
    """Nodes matching ``query``, best first."""
    found = words(query)
    if not found:
        return []
    condition = " || ".join(f"CONTAINS(LCASE(STR(?text)), {_string(w)})" for w in found)
    sparql = q.PROLOGUE + SEARCH.format(properties=" ".join(WEIGHTS), condition=condition, limit=MAX_ROWS)
    hits: dict[str, Hit] = {}
    whole = " ".join(found)
    for row in store.select(sparql):
        iri, text = str(row["x"]), str(row["text"])
        if local_path(iri) is None or "#" in iri:
            continue
        folded = text.lower()
        weight = WEIGHTS.get(term(str(row["p"])).curie, 1)
        score = weight * sum(1 for w in found if w in folded)
        if folded == whole:
            score *= 3
        elif folded.startswith(whole):
            score *= 2
        kind = term(str(row["type"])).da if "type" in row else ""
        hit = hits.get(iri)
        if hit is None or score > hit.score:
            hits[iri] = _with_snippet(Hit(iri, "", kind or (hit.kind if hit else ""), score), text, found)
        elif kind and not hit.kind:
            hit.kind = kind
    ranked = sorted(hits.values(), key=lambda h: (-h.score, h.iri))[:limit]
    labels = fetch_labels(store, [h.iri for h in ranked])
    for hit in ranked:
        hit.label = labels.get(hit.iri, hit.iri)
    return ranked


def _with_snippet(hit: Hit, text: str, found: list[str]) -> Hit:
    folded = text.lower()
    start, word = min(((folded.find(w), w) for w in found if w in folded), default=(0, ""))
    end = start + len(word)
    hit.before = ("…" if start > SNIPPET else "") + text[max(0, start - SNIPPET) : start]
    hit.match = text[start:end]
    hit.after = text[end : end + SNIPPET] + ("…" if end + SNIPPET < len(text) else "")
    return hit
