"""How the /sparql tests send a query: POSTed directly (``application/sparql-query``)."""

from __future__ import annotations

import httpx

from tests.support import http


def post_query(endpoint: str, query: str, timeout: float = 60) -> httpx.Response:
    return http.post(
        endpoint,
        content=query.encode(),
        timeout=timeout,
        headers={"Content-Type": "application/sparql-query"},
    )
