"""What the search index and the aggregates answer for the GraphQL layer instead of SPARQL.

- A ``text`` filter: the nodes having every word of the text (:func:`matching`), which the
  loader splices into the listing's SPARQL as a ``VALUES`` block.
- ``search``: a page of ranked hits with their snippets, forwards or backwards
  (:func:`search_page`).
- A connection asked only for its ``totalCount``, along a relation an aggregate counts
  (a municipality's interventions or letters, a criterion's answers...): the aggregate
  (:func:`counted`).
- A top-level list ordered by score: its nodes from SPARQL without order or key (and without
  the minimum scores, which the aggregate checks), ranked by the aggregate holding each
  intervention's score (:func:`ranked_page`).

Each reads the index or the aggregates of the store, which follow its generation: they
are in step with the graph the SPARQL reads. The gains are measured in docs/graphql.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLError

from beskgraph.aggregates import MEASURES, aggregates
from beskgraph.aggregates.measures import Count, Score
from beskgraph.api.graphql.fields import Path
from beskgraph.api.graphql.pagination import Page, PageRequest, Row, slice_rows
from beskgraph.api.graphql.queries import NO_NUMBER, Listing
from beskgraph.search import SearchPage, search_index
from beskgraph.store import Store


def score_measure(test_kind: str) -> str | None:
    """The aggregate holding each intervention's published score on this test (a property IRI)."""
    return next((m.predicate for m in MEASURES if isinstance(m, Score) and m.test_kind == test_kind), None)


def counted(parent_classes: Sequence[str], path: Path, listing: Listing) -> str | None:
    """The aggregate counting the nodes of ``listing`` reached along ``path`` from a parent of
    these classes, if one does (an unfiltered listing of one class along an inverse link)."""
    if listing.patterns or listing.minimums or listing.text is not None or len(listing.classes) != 1:
        return None
    if not path.inverse or path.sequence:
        return None
    along = "|".join(f"<{p}>" for p in path.predicates)  # as a Count names its path, child to parent
    return next(
        (
            m.predicate
            for m in MEASURES
            if isinstance(m, Count)
            and m.parent in parent_classes
            and m.child == listing.classes[0]
            and m.path == along
        ),
        None,
    )


def counts(store: Store, measure: str, parents: Sequence[str]) -> dict[str, int] | None:
    """Each parent's count; None when some parent has none (not of the counted class)."""
    table = aggregates(store).table(measure)
    found = {parent: table.get(parent) for parent in parents}
    if any(value is None for value in found.values()):
        return None
    return {parent: int(value) for parent, value in found.items()}  # type: ignore[arg-type]  # None was ruled out just above


def matching(store: Store, listing: Listing) -> list[str]:
    """The nodes of the listing's classes with every word of its text in a searchable field."""
    assert listing.text is not None
    ranked = search_index(store).ranked(listing.text, list(listing.classes), fallback=False)
    return [iri for _, iri in ranked.rows]


def ranked_page(store: Store, listing: Listing, members: list[str], request: PageRequest) -> tuple[Page, int]:
    """A page of those of ``members`` at the listing's minimums, in its order by its aggregate
    (a node without a value sorts as the SPARQL key does: first ascending, last descending);
    and how many are at the minimums in all."""
    figures = aggregates(store)
    for minimum in listing.minimums:
        table = figures.table(minimum.measure)
        members = [node for node in members if table.get(node, NO_NUMBER) >= minimum.value]
    table = figures.table(listing.sort.measure)  # type: ignore[arg-type]  # called only for a sort key with a measure (ranked in memory)
    rows: list[Row] = [(table.get(node, NO_NUMBER), node) for node in members]
    return slice_rows(rows, request, listing.sort.descending, listing.ordering), len(rows)


def search_page(store: Store, listing: Listing, request: PageRequest) -> tuple[Page, int]:
    """A page of a search's ranked hits (``listing.ranked``) and how many match in all."""
    assert listing.text is not None
    index, classes = search_index(store), list(listing.classes)
    cursor = _score_cursor(request.position(listing.ordering))
    if not request.backward:
        found = index.search(listing.text, classes, first=request.size, after=cursor)
        return _page(found, has_previous=cursor is not None, has_next=found.has_next), found.total
    ranked = index.ranked(listing.text, classes)
    before = ranked.before(cursor)
    size = min(request.size, len(before))
    start = before[-size - 1] if len(before) > size else None  # the row just before the page
    found = index.search(listing.text, classes, first=size, after=start)
    return _page(found, has_previous=start is not None, has_next=cursor is not None), found.total


def _page(found: SearchPage, *, has_previous: bool, has_next: bool) -> Page:
    rows: list[Row] = [(hit.score, hit.iri) for hit in found.hits]
    return Page(rows, has_previous, has_next, {hit.iri: hit for hit in found.hits}, found.every_word)


def _score_cursor(position: Row | None) -> tuple[float, str] | None:
    if position is None:
        return None
    key, node = position
    if isinstance(key, str):
        raise GraphQLError("invalid cursor: not one of a search", extensions={"code": "BAD_CURSOR"})
    return float(key), node
