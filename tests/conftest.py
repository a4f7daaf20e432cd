"""Shared fixtures: the graph built once from seeds/; stores and live HTTP servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from processes import stop
from starlette.applications import Starlette
from virtuoso_server import virtuoso

from beskgraph.build import BuildResult, build
from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore, Store, open_store

__all__ = ["virtuoso"]  # a session fixture: a real Virtuoso (tests/virtuoso_server.py)

# Builds (also in the servers and CLIs the tests start) cache into a folder of this session.
_CACHE = None if "BESKGRAPH_CACHE" in os.environ else tempfile.mkdtemp(prefix="beskgraph-test-cache-")
if _CACHE:
    os.environ["BESKGRAPH_CACHE"] = _CACHE


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def pinned_build_time() -> Iterator[None]:
    """Builds in the tests record one fixed build time (``SOURCE_DATE_EPOCH``, as reproducible
    builds do), so two builds compare byte for byte; tests/test_publish_provenance.py builds
    on the real clock."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
        yield


@pytest.fixture(scope="session")
def seed_build() -> BuildResult:
    """The seeds built and validated once per test session."""
    return build([SEEDS_DIR])


# ---------------------------------------------------------------------------
# Stores and live HTTP servers (store / SPARQL endpoint / dumps suites; reusable by
# the GraphQL suite). ``any_store`` runs a test against the embedded store and a real
# ``oxigraph serve`` (or the server at env BESKGRAPH_TEST_REMOTE).

SAMPLE_TRIG = b"""
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .

ex:graph1 {
  ex:alice a schema:Person ; schema:name "Alice" ; ex:age 42 ; ex:score 2.5 ;
      ex:active true ; ex:born "1980-05-17"^^xsd:date ; schema:knows ex:bob .
  ex:card1 a ex:Card ; schema:name "Kort 1"@da ; ex:note [ schema:name "anonymous note" ] .
}
ex:graph2 {
  ex:bob a schema:Person ; schema:name "Bob" ; ex:age 7 .
}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve_app() -> Iterator[Callable[[Starlette], str]]:
    """Factory: run an ASGI app with uvicorn on a free loopback port; returns its base URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: Starlette) -> str:
        port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def oxigraph_server(location: Path, *options: str) -> Iterator[str]:
    """A real ``oxigraph serve --union-default-graph`` (plus ``options``) on a free port: its base URL."""
    # the venv's bin/ need not be on PATH (CI runs .venv/bin/pytest without activating)
    beside = Path(sys.executable).parent / "oxigraph"
    binary = str(beside) if beside.exists() else shutil.which("oxigraph")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the remote-store suite: `pip install oxigraph` (in .[test])")
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("oxigraph serve did not start")
        time.sleep(0.05)
    try:
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real Oxigraph server (union default graph) for the session."""
    external = os.environ.get("BESKGRAPH_TEST_REMOTE")
    if external:
        yield external.rstrip("/")
        return
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(params=["embedded", "remote"])
def store_factory(request: pytest.FixtureRequest) -> Iterator[Callable[[bytes], Store]]:
    """Factory ``(trig_bytes) -> Store``: a fresh store of the parametrised kind, loaded.

    The remote kind shares one server per session and is emptied before each load.
    """
    opened: list[Store] = []

    def make(trig: bytes) -> Store:
        if request.param == "embedded":
            store: Store = EmbeddedStore()
        else:
            store = open_store(request.getfixturevalue("oxigraph_url"))
            for graph in store.graphs():
                store.drop_graph(graph)
        opened.append(store)
        if trig:
            store.load_dataset(trig, "application/trig")
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store_trig() -> bytes:
    """The TriG ``any_store`` is loaded with; override in a test module for other data."""
    return SAMPLE_TRIG


@pytest.fixture
def any_store(store_factory: Callable[[bytes], Store], store_trig: bytes) -> Store:
    """A store (embedded, then remote) loaded with ``store_trig``."""
    return store_factory(store_trig)
