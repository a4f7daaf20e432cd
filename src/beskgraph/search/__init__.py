"""Full-text search over the graph's nodes, with Danish stemming, BM25 ranking and snippets.

    from beskgraph.search import search_index
    page = search_index(store).search("samtaler", types=[BG + "Intervention"], first=20)
    for hit in page.hits: hit.iri, hit.types, hit.label, hit.score, hit.snippet.parts()
    more = search_index(store).search("samtaler", first=20, after=page.end_cursor)

See docs/search.md for what is indexed, how it ranks and how it stays in step with the store.
"""

from beskgraph.search.engine import Hit, Snippet
from beskgraph.search.index import Refreshed, SearchIndex, SearchPage, search_index

__all__ = ["Hit", "Refreshed", "SearchIndex", "SearchPage", "Snippet", "search_index"]
