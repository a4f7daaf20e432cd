"""Shared fixtures: the graph built once from seeds/; stores and live HTTP servers."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO

import pytest
import uvicorn
from rdflib import Graph
from starlette.applications import Starlette

from bench.loopback import PORTS, free_port
from bench.virtuoso import Virtuoso, running_virtuoso
from beskgraph.api.workers import listening_socket
from beskgraph.build import BuildResult, build, serialise
from beskgraph.cache import BuildCache, default_cache
from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore, Store, open_store
from tests.support.server import wait_until
from tests.support.servers import STARTED, oxigraph_server
from tests.support.stores import SAMPLE_TRIG, kinds
from tests.support.union_graph import union


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two test processes per core this process may use. A third of the tests'
    time is spent waiting for the servers and processes they start, so as many as cores leave
    the cores idle (measured on 2 cores: 5.1 min with 2 processes, 4.4 with 3, 4.3 with 4).
    The tests that start nothing (``-m "not integration"``) only compute: one a core (20 s,
    26 s with 4). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set."""
    if given := os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(given)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    computing_only = "not integration" in (config.getoption("markexpr") or "")
    return cores if computing_only else 2 * cores


# Parallel test workers (pytest-xdist's) each hand out ports of their own share, so no two
# servers they start are given the same port (bench.loopback.free_port).
if "PYTEST_XDIST_WORKER" in os.environ:
    _workers = int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    # a worker started in place of one that died is numbered on: it takes that one's share
    _worker = int(os.environ["PYTEST_XDIST_WORKER"][2:]) % _workers
    _size = len(PORTS) // _workers
    os.environ["BESKGRAPH_PORTS"] = (
        f"{PORTS.start + _worker * _size}-{PORTS.start + (_worker + 1) * _size - 1}"
    )

# Builds (also in the servers and CLIs the tests start) cache into a folder of this session.
_CACHE = None if "BESKGRAPH_CACHE" in os.environ else tempfile.mkdtemp(prefix="beskgraph-test-cache-")
if _CACHE:
    os.environ["BESKGRAPH_CACHE"] = _CACHE


# The processes the tests start (test workers, server.py, the CLI, builds) import beskgraph
# afresh; under PYTHONDONTWRITEBYTECODE each compiled every module of it again (0.3 s of CPU a
# process). They write their bytecode as Python does by default (__pycache__/, ignored by git).
# (A cache outside the tree, PYTHONPYCACHEPREFIX, cost more: it hides the installed packages'
# bytecode, so every process compiled those too.)
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)


# The seeds are built from scratch once a session: the test processes build them one after
# another into the session's cache, so the first makes the graphs (3 s of CPU; each of 2 or 4
# processes made them afresh) and the others take them from the cache.
SEED_BUILD_WAIT = 300  # seconds a test process waits for another's seed build


@contextlib.contextmanager
def _one_seed_build_at_a_time(cache: BuildCache | None) -> Iterator[None]:
    lock = _seed_build_lock(cache)
    if lock is None:  # no cache to share the seeds through: each process builds them
        yield
        return
    with lock:

        def taken() -> bool:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        if not wait_until(taken, SEED_BUILD_WAIT):
            pytest.fail(f"another test process has been building the seeds for {SEED_BUILD_WAIT} s")
        yield


def _seed_build_lock(cache: BuildCache | None) -> IO[str] | None:
    if cache is None:
        return None
    try:
        cache.root.mkdir(parents=True, exist_ok=True)
        return (cache.root / "seed-build.lock").open("a")
    except OSError:  # a cache that cannot be written is no cache (a build is only slower)
        return None


@pytest.fixture(scope="session", autouse=True)
def pinned_build_time() -> Iterator[None]:
    """Builds in the tests record one fixed build time (``SOURCE_DATE_EPOCH``, as reproducible
    builds do), so two builds compare byte for byte; tests/publish/test_publish_provenance.py
    builds on the real clock."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
        yield


# ---------------------------------------------------------------------------
# The integration marker (``pytest -m "not integration"`` runs the rest in seconds). A test
# that uses a fixture starting a server, directly or through other fixtures, is marked
# here; the store kinds a server holds are marked where they are parametrised
# (tests.support.stores.kinds); a module that starts processes itself says so in its
# ``pytestmark``. A test left unmarked that starts a server anyway fails.

SERVER_FIXTURES = frozenset({"serve_app", "oxigraph_url", "virtuoso"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


_SERVERS_BEFORE = pytest.StashKey[int]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_SERVERS_BEFORE] = len(STARTED)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """A test that started a server (in a fixture it asks for at run time, say) and is not
    marked integration fails, so the fast run never waits for one."""
    yield
    started = STARTED[item.stash.get(_SERVERS_BEFORE, len(STARTED)) :]
    if started and item.get_closest_marker("integration") is None:
        pytest.fail(f"{item.nodeid} starts {', '.join(started)}: mark it integration")


def kept_for_the_session() -> None:
    """What is alive now (the session's seed build and graphs, pytest's own objects) stays to
    the end: out of the cyclic collector's way (``gc.freeze``), so that the many collections
    the tests cause do not walk it again each time (a fifth of the fast run's time)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def build_cache() -> BuildCache | None:
    """The session's build cache (the folder ``BESKGRAPH_CACHE`` names, which the CLIs and
    servers the tests start use too): a build whose claims are not about caching takes the
    graphs of documents built before from it (tests/build/test_incremental.py shows that is
    the same as building them again)."""
    return default_cache()


@pytest.fixture(scope="session")
def seed_build(build_cache: BuildCache | None) -> BuildResult:
    """The seeds built and validated once per test session (by one test process: see
    ``_one_seed_build_at_a_time``)."""
    with _one_seed_build_at_a_time(build_cache):
        result = build([SEEDS_DIR], cache=build_cache)
    kept_for_the_session()
    return result


@pytest.fixture(scope="session")
def seed_graph(seed_build: BuildResult) -> Iterator[Graph]:
    """The seed build's named graphs in one graph (what SHACL validates), shared by every test
    that only reads it; a test that changes it fails the session (change it through
    ``tests.support.union_graph.changed_in_place``, which undoes the changes)."""
    graph = union(seed_build)
    triples = set(graph)
    kept_for_the_session()
    yield graph
    assert set(graph) == triples, "a test changed the shared seed graph: use changed_in_place"


@pytest.fixture(scope="session")
def seed_trig(seed_build: BuildResult) -> bytes:
    """The seed build as TriG, the data the API suites load into their stores."""
    trig = serialise(seed_build.dataset, "trig")
    return trig.encode() if isinstance(trig, str) else trig


# ---------------------------------------------------------------------------
# Stores and live HTTP servers (store / SPARQL endpoint / dumps suites; reusable by
# the GraphQL suite). ``any_store`` runs a test against the embedded store and a real
# ``oxigraph serve`` (or the server at env BESKGRAPH_TEST_REMOTE).


@pytest.fixture
def serve_app() -> Iterator[Callable[[Starlette], str]]:
    """Factory: run an ASGI app with uvicorn on a free loopback port; returns its base URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: Starlette) -> str:
        sock = listening_socket("127.0.0.1", 0)  # bound here: no other server can take its port
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        servers.append((server, thread))
        STARTED.append("uvicorn")
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real Oxigraph server (union default graph) for the session."""
    external = os.environ.get("BESKGRAPH_TEST_REMOTE")
    if external:
        yield external.rstrip("/")
        return
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso for the session, like ``oxigraph serve`` (started by :mod:`bench.virtuoso`),
    or the one at env ``BESKGRAPH_TEST_VIRTUOSO`` (``query URL|GSP URL|user|password``)."""
    external = os.environ.get("BESKGRAPH_TEST_VIRTUOSO")
    if external:
        yield Virtuoso(*external.split("|"))
        return
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Virtuoso suite: apt-get install virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso"), free_port(), free_port()) as server:
        STARTED.append("Virtuoso")
        yield server


@pytest.fixture(params=kinds("embedded", "remote"))
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
