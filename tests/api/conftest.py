"""The seed graph served by a real uvicorn on loopback, for the pages and linked-data suites."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from beskgraph.store import EmbeddedStore
from tests.support.pages import seed_app


@pytest.fixture(scope="module")
def seed_store(seed_trig: bytes) -> EmbeddedStore:
    """An embedded store holding the seed build (pages read it only)."""
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    return store


@pytest.fixture
def site(serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore) -> str:
    """Base URL of the application on the seeds, served by uvicorn."""
    return serve_app(seed_app(seed_store))
