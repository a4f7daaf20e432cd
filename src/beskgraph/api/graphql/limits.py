"""Request limits and the schema extensions that enforce them (plus parse/validation caches)."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

MAX_DEPTH = 15  # connections add two levels (edges/node) per list
MAX_ALIASES = 30
MAX_TOKENS = 2000
MAX_PAGE_SIZE = 100
CACHE_SIZE = 256


def limit_extensions() -> list[Callable[[], SchemaExtension]]:
    """Depth/alias/token limits (standard GraphQL validation errors) and document caches.

    Factories, so each request gets fresh extension instances.
    """
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
    ]
