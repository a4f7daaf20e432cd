"""Relay connections: a page of a list with its edges, cursors and count.

The planner builds a connection with everything asked of it already there (nodes,
edges, count); ``nodes``, ``edges``, ``node`` and ``totalCount`` read it by response key,
so two aliases of one field can ask for different things.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from beskgraph.api.graphql.fields import argument, prefetched
from beskgraph.api.graphql.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

T = TypeVar("T")


@strawberry.type(
    description="Where a page is in its list: whether there is more either way, and the cursors "
    "to read on from."
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow the page.")
    has_previous_page: bool = strawberry.field(description="More items come before the page.")
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item (`before` it reads the previous page)."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item (`after` it reads the next page)."
    )


@strawberry.type(description="An item of a page with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="The item's place in the list and in its ordering: give it as "
        "`after` or `before` to the same list in the same order."
    )
    node: T = strawberry.field(resolver=prefetched, description="The item.")
    _prefetched: strawberry.Private[dict[str, Any]]  # what its fields answer, by response key


@strawberry.type(
    description="A page of a list (a Relay connection), read with keyset cursors: a cursor stays "
    "valid, and no item is skipped or repeated, when nodes are added elsewhere."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(
        resolver=prefetched, description="The page's items with their cursors."
    )
    nodes: list[T] = strawberry.field(resolver=prefetched, description="The page's items.")
    page_info: PageInfo = strawberry.field(description="Where the page is in the list.")
    total_count: int = strawberry.field(
        resolver=prefetched, description="How many items the whole list has (every page)."
    )
    _prefetched: strawberry.Private[dict[str, Any]]  # what its fields answer, by response key


PAGE_ARGUMENTS = (
    argument(
        "first",
        int | None,
        f"Read this many items forwards (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
    ),
    argument("after", str | None, "Read the items after this cursor."),
    argument(
        "last",
        int | None,
        f"Read this many items backwards, ending the page at `before` or at the "
        f"list's end (at most {MAX_PAGE_SIZE}).",
    ),
    argument("before", str | None, "Read the items before this cursor."),
)


def new(cls: type[T], **attributes: Any) -> T:
    """An object of a strawberry type with these attributes (no ``__init__``: fields resolved
    by response key live in ``_prefetched``)."""
    obj = object.__new__(cls)
    obj.__dict__.update(attributes)
    obj.__dict__.setdefault("_prefetched", {})
    return obj
