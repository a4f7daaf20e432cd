"""Search across every kind of node, through the search index (:mod:`beskgraph.search`).

The index ranks (BM25 per field, Danish stemming: ``samtaler`` finds ``samtale``) and
cuts the snippets; the page names each hit as every other page does (a letter by who
wrote to whom, and when) and says what kind of node it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from beskgraph.api.pages.nodes import fetch_labels, href
from beskgraph.api.pages.terms import term
from beskgraph.search import Snippet, search_index
from beskgraph.store import Store
from beskgraph.vocabulary import BG

LIMIT = 50


@dataclass(frozen=True)
class Hit:
    """One search result, as the page shows it."""

    iri: str
    label: str
    kind: str
    score: float
    snippet: Snippet

    @property
    def href(self) -> str:
        return href(self.iri)


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int  # nodes matching in all (the page shows the first ``LIMIT``)
    every_word: bool  # False: no node had every word; these have some


def kind(types: tuple[str, ...]) -> str:
    """The Danish name of a node's class, beskgraph's own classes before the standard ones."""
    ordered = sorted(types, key=lambda t: (not t.startswith(str(BG)), t))
    return term(ordered[0]).da if ordered else ""


def search(store: Store, query: str, limit: int = LIMIT) -> Results:
    """Nodes matching ``query``, best first."""
    if not query.strip():
        return Results([], 0, True)
    page = search_index(store).search(query, first=limit)
    labels = fetch_labels(store, [h.iri for h in page.hits])
    hits = [
        Hit(h.iri, labels.get(h.iri) or h.label or h.iri, kind(h.types), h.score, h.snippet)
        for h in page.hits
    ]
    return Results(hits, page.total, page.every_word)
