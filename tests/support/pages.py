"""The whole application on a store, for the pages and linked-data suites (the fixtures are in
tests/api/conftest.py)."""

from __future__ import annotations

from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.api.settings import Settings
from beskgraph.store import EmbeddedStore

BASE = "https://w3id.org/beskgraph/"
BG = "https://w3id.org/beskgraph/ontology#"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
MIDDELFART = "intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"


def seed_app(store: EmbeddedStore, **settings: object) -> Starlette:
    """The whole application (pages, API, GraphQL, linked data) on ``store``."""
    return create_app(store, extra_routes=graphql_routes(), settings=Settings.from_env(**settings))
