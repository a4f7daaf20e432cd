"""The seed build in every kind of store, for the search and aggregates suites."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from beskgraph.store import Store
from tests.support.derived import KINDS, empty_store
from tests.support.stores import kinds


@pytest.fixture(params=kinds(*KINDS))
def store(request: pytest.FixtureRequest, seed_trig: bytes) -> Iterator[Store]:
    """The seed build in each kind of store: embedded, `oxigraph serve`, Virtuoso."""
    store = empty_store(request.param, request)
    store.load_dataset(seed_trig, "application/trig")
    yield store
    store.close()
