"""Query text -> a parsed, measured and validated document, with a cache of small ones.

:func:`prepare` is all the work done on a document before it runs: the text's size,
parsing under token/comment limits, bracket nesting, the length of its strings (as
of the variables'), the shape limits (``shape.py``), the length of its lists
(``list_inputs.py``) and GraphQL validation (finite
Floats too: ``finite.py``), each refusal a coded error. It is pure and runs in a worker
thread. :class:`DocumentCache` keeps prepared documents within a budget of bytes (a
parsed document holds about 450 bytes a token besides its text) as well as of entries.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules
from strawberry.schema.schema import validate_document

from beskgraph.api.graphql.finite import BAD_USER_INPUT, FiniteFloatsRule
from beskgraph.api.graphql.limits import (
    BYTES_PER_TOKEN,
    CACHE_BYTES,
    CACHE_ENTRIES,
    MAX_COMMENTS,
    MAX_NESTING,
    MAX_QUERY_CHARS,
    MAX_TOKENS,
    MAX_VARIABLE_CHARS,
    limit_error,
)
from beskgraph.api.graphql.list_inputs import document_list_errors
from beskgraph.api.graphql.shape import (
    PARSE_FAILED,
    VALIDATION_FAILED,
    fragment_order,
    shape_errors,
    token_measures,
)


@dataclass(frozen=True)
class Prepared:
    """A document ready to run (``errors`` empty), or why it cannot run."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...] = ()
    fragment_order: tuple[str, ...] = ()  # each after those it spreads
    size: int = 0  # estimated bytes it holds (text and tokens)


def prepare(schema: GraphQLSchema, query: str) -> Prepared:
    """Parse, measure and validate ``query``; linear in its length (see module doc)."""
    if len(query) > MAX_QUERY_CHARS:
        return Prepared(
            None,
            (
                limit_error(
                    PARSE_FAILED,
                    f"the query has {len(query)} characters; at most {MAX_QUERY_CHARS} are read",
                    limit=MAX_QUERY_CHARS,
                ),
            ),
            size=len(query),
        )
    try:
        document = parse(query, max_lexical_tokens=MAX_TOKENS, max_comments=MAX_COMMENTS)
    except GraphQLError as error:
        return Prepared(None, (_coded(error, PARSE_FAILED),), size=len(query))
    tokens, nesting, longest = token_measures(document)
    size = len(query) + BYTES_PER_TOKEN * tokens
    if nesting > MAX_NESTING:
        return Prepared(
            None,
            (
                limit_error(
                    PARSE_FAILED,
                    f"the document nests brackets {nesting} deep; at most {MAX_NESTING} are allowed",
                    limit=MAX_NESTING,
                ),
            ),
            size=size,
        )
    if longest > MAX_VARIABLE_CHARS:  # as in the variables: each string goes into SPARQL
        return Prepared(
            None,
            (
                limit_error(
                    BAD_USER_INPUT,
                    f"a string in the document holds {longest} "
                    f"characters; at most {MAX_VARIABLE_CHARS} are allowed",
                    limit=MAX_VARIABLE_CHARS,
                ),
            ),
            size=size,
        )
    order, errors = fragment_order(document)
    errors = errors or shape_errors(document, order) or document_list_errors(document)
    if not errors:
        found = validate_document(schema, document, (*specified_rules, FiniteFloatsRule))
        errors = [_coded(error, VALIDATION_FAILED) for error in found]
    return Prepared(document, tuple(errors), tuple(order), size)


def _coded(error: GraphQLError, code: str) -> GraphQLError:
    """``error`` with ``code`` unless a rule of ours gave it one."""
    error.extensions = {"code": code, **(error.extensions or {})}
    return error


class DocumentCache:
    """LRU of prepared documents, bounded in entries and in estimated bytes (thread-safe);
    a document larger than ``max_bytes / 8`` is prepared every time, never kept."""

    def __init__(
        self, schema: GraphQLSchema, entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES
    ) -> None:
        self.schema, self.entries, self.max_bytes = schema, entries, max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, Prepared] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, query: str) -> Prepared:
        """The prepared document of ``query`` (from the cache when it is there)."""
        with self._lock:
            found = self._items.get(query)
            if found is not None:
                self._items.move_to_end(query)
                return found
        prepared = prepare(self.schema, query)
        if prepared.size <= self.max_bytes // 8:
            with self._lock:
                if query not in self._items:
                    self._items[query] = prepared
                    self.bytes += prepared.size
                while len(self._items) > self.entries or self.bytes > self.max_bytes:
                    self.bytes -= self._items.popitem(last=False)[1].size
        return prepared

    def __len__(self) -> int:
        return len(self._items)
