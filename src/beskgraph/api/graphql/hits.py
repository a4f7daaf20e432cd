"""The types of ``search``: a connection of ranked hits, each with its score and a snippet of
its text with the matched words marked (from the search index, ``beskgraph.search``)."""

from __future__ import annotations

import strawberry

from beskgraph.api.graphql.connections import PageInfo
from beskgraph.api.graphql.fields import prefetched
from beskgraph.api.graphql.types import Node
from beskgraph.search import Snippet as IndexSnippet

RANGE = (
    "A range of a text's characters, `start` up to but not including `end` (counted in Unicode "
    "code points, as a span's offsets are)."
)


@strawberry.type(description=RANGE)
class TextRange:
    start: int = strawberry.field(description="Where the range starts.")
    end: int = strawberry.field(description="Where it ends (the first character after it).")


@strawberry.type(description="A piece of a snippet: the snippet's text is its parts joined, in order.")
class SnippetPart:
    text: str = strawberry.field(description="The piece's text.")
    highlighted: bool = strawberry.field(description="A word of the query (as stemmed) matched here.")


@strawberry.type(
    description="A passage of a hit's text (at most 200 characters) from the field that matched "
    "(descriptions and texts first, then names), with the words that matched marked."
)
class Snippet:
    text: str = strawberry.field(description="The passage.")
    highlights: list[TextRange] = strawberry.field(description="Where the words that matched are in it.")
    parts: list[SnippetPart] = strawberry.field(
        description="The passage in pieces, each marked whether it matched (to render without offsets)."
    )


def snippet(found: IndexSnippet) -> Snippet:
    """The GraphQL object of an index snippet."""
    return Snippet(
        text=found.text,
        highlights=[TextRange(start=start, end=end) for start, end in found.highlights],
        parts=[SnippetPart(text=text, highlighted=marked) for text, marked in found.parts()],
    )


@strawberry.type(description="A hit of a search with its cursor, its score and a snippet.")
class SearchEdge:
    cursor: str = strawberry.field(
        description="The hit's place in the ranking: give it as `after` or `before` to the same search."
    )
    node: Node = strawberry.field(resolver=prefetched, description="The node found.")
    score: float = strawberry.field(
        description="How well it matches (BM25 per field, weighted, with bonuses for the words as a "
        "phrase and for the whole text being its name); comparable within one search only."
    )
    snippet: Snippet = strawberry.field(description="Where in its text it matched.")


@strawberry.type(description="A page of a search's hits, best first, read with keyset cursors like any list.")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(
        resolver=prefetched, description="The page's hits with their cursors, scores and snippets."
    )
    nodes: list[Node] = strawberry.field(resolver=prefetched, description="The page's nodes.")
    page_info: PageInfo = strawberry.field(description="Where the page is in the ranking.")
    total_count: int = strawberry.field(
        resolver=prefetched, description="How many nodes match in all (every page)."
    )
    every_word: bool = strawberry.field(
        description="true: every hit has every word of the text; false: no node had every word, and "
        "the hits are those with some of them."
    )
