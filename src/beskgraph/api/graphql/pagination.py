"""Relay pagination with keyset cursors.

A cursor is base64url of the JSON ``[ordering, sort key, IRI]`` of the row it points at:
a page after it is "rows ordered after (key, IRI)", so it stays valid (and never skips or
repeats a row) when nodes are added or removed elsewhere in the list. It names its
ordering, and a list in another ordering refuses it (``BAD_CURSOR``) rather than read
from a place that means nothing there.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from graphql import GraphQLError

from beskgraph.api.graphql.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from beskgraph.api.graphql.queries import Key, iri
from beskgraph.search import Hit
from beskgraph.store import StoreError

MAX_CURSOR_CHARS = 4096  # ours are base64 of a sort key (a title at most) and an IRI

Row = tuple[Key, str]  # (sort key, IRI)


def encode_cursor(ordering: str, row: Row) -> str:
    return base64.urlsafe_b64encode(json.dumps([ordering, *row]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: str) -> Row:
    """The (key, IRI) of a cursor of a list in ``ordering``; a ``BAD_CURSOR`` GraphQL error
    when it is not one of ours, or belongs to another ordering.

    Whatever the client sends (huge or non-finite numbers, nested JSON, text that is not
    base64 or not UTF-8), the answer is that error, never a Python message.
    """
    shown = cursor if len(cursor) <= 80 else cursor[:80] + "…"
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        row = json.loads(raw)
        if not isinstance(row, list) or len(row) != 3 or not isinstance(row[0], str):
            raise ValueError("not a cursor")
        made_for, key, node = row
        iri(node)  # a valid IRI, or StoreError
        value = _sort_value(key)
    except (binascii.Error, ValueError, TypeError, RecursionError, StoreError) as exc:
        raise GraphQLError(f"invalid cursor: {shown!r}", extensions={"code": "BAD_CURSOR"}) from exc
    if made_for != ordering:
        raise GraphQLError(
            f"the cursor {shown!r} belongs to a list ordered by {made_for[:80]!r}, not to "
            f"this one, ordered by {ordering!r}; read the list from its start in this "
            "ordering",
            extensions={"code": "BAD_CURSOR"},
        )
    return value, node


def _sort_value(key: object) -> Key:
    """A cursor's sort key: text, or a finite number (TypeError/ValueError otherwise)."""
    if isinstance(key, str):
        key.encode("utf-8")  # lone surrogates cannot go into a query
        return key
    if isinstance(key, bool) or not isinstance(key, (int, float)):
        raise TypeError("not a sort key")
    try:
        finite = math.isfinite(float(key))
    except OverflowError as exc:
        raise ValueError("number out of range") from exc
    if not finite:
        raise ValueError("not a finite number")
    return key


@dataclass(frozen=True)
class PageRequest:
    """Validated ``first/after/last/before``: which way to read, how many, and from which cursor
    (read with the list's ordering, :meth:`position`)."""

    size: int
    backward: bool
    cursor: str | None

    @classmethod
    def of(cls, first: int | None, after: str | None, last: int | None, before: str | None) -> PageRequest:
        if first is not None and last is not None:
            raise _page_error("give either `first` or `last`, not both")
        for name, value in (("first", first), ("last", last)):
            if value is not None and value < 0:
                raise _page_error(f"`{name}` must not be negative")
            if value is not None and value > MAX_PAGE_SIZE:
                raise _page_error(f"`{name}` is {value}; the maximum page size is {MAX_PAGE_SIZE}")
        if last is not None or (before is not None and first is None):
            return cls(last if last is not None else DEFAULT_PAGE_SIZE, True, before or None)
        return cls(first if first is not None else DEFAULT_PAGE_SIZE, False, after or None)

    def position(self, ordering: str) -> Row | None:
        """The (key, IRI) the page starts from, in a list ordered by ``ordering``."""
        return None if self.cursor is None else decode_cursor(self.cursor, ordering)


def _page_error(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_PAGE_ARGUMENTS"})


@dataclass(frozen=True)
class Page:
    """Rows of one page in listing order, and whether more exist either way; a search's page
    also has its hits (score, snippet) by IRI, and whether they have every word."""

    rows: list[Row]
    has_previous: bool
    has_next: bool
    hits: Mapping[str, Hit] = field(default_factory=dict)
    every_word: bool = True


NO_ROWS = Page([], False, False)


def finish_page(fetched: list[Row], request: PageRequest) -> Page:
    """Turn ``size + 1`` rows read in reading direction into a page in listing order."""
    more = len(fetched) > request.size
    rows = fetched[: request.size]
    if request.backward:
        rows.reverse()
        return Page(rows, has_previous=more, has_next=request.cursor is not None)
    return Page(rows, has_previous=request.cursor is not None, has_next=more)


def slice_rows(rows: list[Row], request: PageRequest, descending: bool, ordering: str) -> Page:
    """Page through rows already in memory (nested lists), with the same keyset rules."""
    reverse = descending != request.backward
    ordered = sorted(rows, key=_sort_key, reverse=reverse)
    position = request.position(ordering)
    if position is not None:
        pivot = _sort_key(position)
        ordered = [r for r in ordered if (_sort_key(r) < pivot if reverse else _sort_key(r) > pivot)]
    return finish_page(ordered[: request.size + 1], request)


def _sort_key(row: Row) -> tuple[int, float | str, str]:
    key, node = row
    # Numbers before strings, as SPARQL orders them; never compare a number with a string.
    return (0, key, node) if isinstance(key, (int, float)) else (1, key, node)
