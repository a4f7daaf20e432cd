"""The limits of a GraphQL request, each with the error code a client gets past it.

Document limits are fixed (they keep parsing and validation linear and fast); the
work a request may cause (cost, time, response size) is set per deployment with
``BESKGRAPH_GRAPHQL_*`` environment variables. docs/security-graphql.md explains each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from graphql import GraphQLError

# The document (checked before validation, in linear time)
MAX_QUERY_CHARS = 100_000  # characters of the query text
MAX_TOKENS = 2000  # lexical tokens, comments not counted
MAX_COMMENTS = 1000
MAX_NESTING = 64  # brackets ({ [ () open at once
MAX_DEPTH = 15  # levels of nested fields; connections add two (edges/node) per list
MAX_ALIASES = 30  # aliases of an operation, fragments' counted as often as spread
MAX_FIELDS = 2000  # field selections of the document once its fragments are inlined
MAX_OVERLAPS = 1000  # pairs of selections of one response key at one place (checked to merge)
MAX_VARIABLE_CHARS = 10_000  # characters of a string in the variables or the document (into SPARQL)

# Lists (also used by the cost model)
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
LIST_SIZE = 10  # assumed length of a plain list field (a card's tests, a letter's recipients)
MAX_LIST_ITEMS = MAX_PAGE_SIZE  # items of a list input (the IDs of ``nodes``, enum lists), see list_inputs.py
MAX_JOINED_ITEMS = 10  # items of a list input each of which adds a join to the SPARQL run
JOINED_LISTS = frozenset({"minScore"})  # those list inputs (listings.py joins one test result each)
JOIN_COST = MAX_PAGE_SIZE  # cost of one join: as much as a full page of rows

# Caches of prepared documents
CACHE_ENTRIES = 256
CACHE_BYTES = 16_000_000  # estimated; one document may take an eighth
BYTES_PER_TOKEN = 500  # estimate of what a parsed token holds (token, node, location)


@dataclass(frozen=True)
class Limits:
    """The per-deployment limits of /graphql (see the module doc)."""

    max_cost: int = 500_000  # fields the response may hold at most (see cost.py)
    timeout: float = 10.0  # seconds of execution (waiting for a turn included)
    max_concurrent: int = 4  # requests executing at once; others wait their turn
    max_response_bytes: int = 10_000_000  # serialised response
    max_objects: int = 30_000  # objects in the response (each holds its node's record while it runs)
    max_explain_bytes: int = 200_000  # SPARQL text shown by ``explain``

    @classmethod
    def from_env(cls, **overrides: object) -> Limits:
        """Defaults, then ``BESKGRAPH_GRAPHQL_*`` environment variables, then ``overrides``."""
        values: dict[str, object] = {}
        for name, kind in (
            ("max_cost", int),
            ("timeout", float),
            ("max_response_bytes", int),
            ("max_objects", int),
            ("max_concurrent", int),
        ):
            raw = os.environ.get(f"BESKGRAPH_GRAPHQL_{name.upper()}")
            if raw is not None:
                values[name] = kind(raw)
        values.update(overrides)
        return replace(cls(), **values)  # type: ignore[arg-type]  # values are typed per field above; replace() sees dict[str, object]


def limit_error(code: str, message: str, **extensions: object) -> GraphQLError:
    """A request-level GraphQL error: ``extensions.code`` plus the figures behind it."""
    return GraphQLError(message, extensions={"code": code, **extensions})
