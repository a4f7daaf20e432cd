"""The GraphQL suites' fixtures: ``gql_store`` is the real seed build in each store kind
(embedded, then a real ``oxigraph serve``), loaded once and shared by every test of a module,
which only reads it; ``gql_client`` is httpx (Starlette's TestClient) against a fresh ASGI
app with /graphql wired in. A module whose tests write overrides ``gql_store`` with a
store of each test's own (test_graphql_writes.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from beskgraph.store import EmbeddedStore, Store, open_store
from tests.support.graphql import graphql_app
from tests.support.servers import oxigraph_server
from tests.support.stores import kinds


@pytest.fixture(scope="session")
def read_only_seeds(tmp_path_factory: pytest.TempPathFactory, seed_trig: bytes) -> Iterator[str]:
    """Base URL of an ``oxigraph serve-read-only`` holding the seed build (loaded through
    beskgraph's RemoteStore while the database was served read-write): no test can change it."""
    location = tmp_path_factory.mktemp("seeds-oxigraph")
    with oxigraph_server(location) as url:
        store = open_store(url)
        store.load_dataset(seed_trig, "application/trig")
        store.close()
    with oxigraph_server(location, read_only=True) as url:
        yield url


@pytest.fixture(scope="module", params=kinds("embedded", "remote"))
def gql_store(request: pytest.FixtureRequest, seed_trig: bytes) -> Iterator[Store]:
    """The seed build in a store of each kind, shared by the module's tests (they only read it:
    the embedded one must end at the generation it was loaded as, the remote one refuses writes)."""
    if request.param == "embedded":
        store: Store = EmbeddedStore()
        store.load_dataset(seed_trig, "application/trig")
    else:
        store = open_store(request.getfixturevalue("read_only_seeds"))
    loaded = store.generation
    yield store
    assert store.generation == loaded, "a test wrote to the shared seed store: give it a store of its own"
    store.close()


@pytest.fixture
def gql_client(gql_store: Store) -> Iterator[TestClient]:
    with TestClient(graphql_app(gql_store)) as client:
        yield client
