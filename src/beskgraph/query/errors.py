"""The one error of reading a query: the endpoint refuses it (HTTP 400)."""

from __future__ import annotations


class QueryRefused(Exception):
    """A query the endpoint will not run: over a limit, SERVICE, unknown graph, bad escape.

    ``limit`` names the setting that refused it (e.g. ``max_query_depth``), if any.
    """

    def __init__(self, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.message, self.limit = message, limit
