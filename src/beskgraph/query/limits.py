"""Limits on the shape of a query, checked before anything parses it.

Measured on pyoxigraph 0.5 and ``oxigraph serve`` (8 MB thread stacks): a chain of
about 2 600 BINDs or DESCRIBE targets, 6 500 UNION branches or 6 800 ``+`` operands
overflows the engine's stack and kills the process (the server, for an in-process
store; ``oxigraph serve`` as a remote store). rdflib's parser needs about 40 Python
frames per level of nesting and about 0.5 ms per token. The defaults keep a factor of
2.5 below the first crash and bound the check to a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from beskgraph.query.errors import QueryRefused
from beskgraph.query.lexer import QueryShape, measure


@dataclass(frozen=True)
class QueryLimits:
    """Largest query shape accepted (field names are the API setting names)."""

    max_query_depth: int = 300
    max_query_patterns: int = 1_000
    max_query_tokens: int = 10_000


def check_shape(query: str, limits: QueryLimits) -> QueryShape:
    """Measure ``query`` (one linear pass); refuse it over a limit, or with SERVICE."""
    shape = measure(query, stop_after=limits.max_query_tokens)
    if shape.tokens > limits.max_query_tokens:
        raise QueryRefused(f"the query has more than {limits.max_query_tokens} tokens", "max_query_tokens")
    if shape.depth > limits.max_query_depth:
        raise QueryRefused(
            f"the query nests {{ }}, ( ) or [ ] {shape.depth} deep, more than {limits.max_query_depth}",
            "max_query_depth",
        )
    if shape.patterns > limits.max_query_patterns:
        raise QueryRefused(
            f"the query has {shape.patterns} graph patterns (triple patterns, groups, UNION, "
            f"OPTIONAL, MINUS, FILTER, VALUES, BIND ... AS), more than {limits.max_query_patterns}",
            "max_query_patterns",
        )
    if shape.service:
        raise QueryRefused(
            f"{SERVICE_REFUSED}; nor is any word or prefix name containing 'service' "
            "outside strings, IRIs and comments"
        )
    return shape


SERVICE_REFUSED = "SERVICE (federated query) is not allowed on this endpoint"
