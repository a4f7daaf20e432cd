"""The /graphql endpoint: a strawberry schema answered by batched SPARQL on the store."""

from __future__ import annotations

from beskgraph.api.graphql.http import graphql_routes
from beskgraph.api.graphql.schema import schema

__all__ = ["graphql_routes", "schema"]
