"""The seed graph served by a real uvicorn on loopback, for the pages and linked-data suites."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.api.settings import Settings
from beskgraph.store import EmbeddedStore
from tests.support.graphql import seed_trig

BASE = "https://w3id.org/beskgraph/"
BG = "https://w3id.org/beskgraph/ontology#"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
__all__ = ["seed_trig"]  # a fixture this module's fixtures use
MIDDELFART = "intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"


@pytest.fixture(scope="module")
def seed_store(seed_trig: bytes) -> EmbeddedStore:
    """An embedded store holding the seed build (pages read it only)."""
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    return store


def seed_app(store: EmbeddedStore, **settings: object) -> Starlette:
    """The whole application (pages, API, GraphQL, linked data) on ``store``."""
    return create_app(store, extra_routes=graphql_routes(), settings=Settings.from_env(**settings))


@pytest.fixture
def site(serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore) -> str:
    """Base URL of the application on the seeds, served by uvicorn."""
    return serve_app(seed_app(seed_store))
