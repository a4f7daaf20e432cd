"""The GraphQL suites' fixtures: ``gql_store`` is the real seed build loaded into each store
kind of ``store_factory`` (embedded, then a real ``oxigraph serve``); ``gql_client`` is httpx
(Starlette's TestClient) against the ASGI app with /graphql wired in."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from beskgraph.store import Store
from tests.support.graphql import graphql_app


@pytest.fixture
def gql_store(store_factory: Callable[[bytes], Store], seed_trig: bytes) -> Store:
    """A store of each kind (embedded, remote) loaded with the seed build."""
    return store_factory(seed_trig)


@pytest.fixture
def gql_client(gql_store: Store) -> Iterator[TestClient]:
    with TestClient(graphql_app(gql_store)) as client:
        yield client
