"""/sparql under hostile load, on a live uvicorn server: limits refuse instead of crashing,
slow queries stop on every store, the concurrency limit is counted in query processes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.settings import Settings
from beskgraph.store import EmbeddedStore, RemoteStore, Store
from tests.api.sparql.client import post_query
from tests.support import http
from tests.support.processes import descendants
from tests.support.stores import KINDS, SAMPLE_TRIG, fresh_store, kinds

EX = "http://example.org/"
BIG = "\n".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(300)).encode()
# Blocks inside the engine (a sort over a 300^3 cross product) before its first result.
BLOCKING = "SELECT * { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?b ?d ?f"
# Runs through 300^3 rows in constant memory, with no result.
SPINNING = "SELECT * { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f FILTER(?b + ?d + ?f < 0) }"
UNION_10K = "SELECT * WHERE { " + " UNION ".join(f"{{ ?s <{EX}p{i}> ?o }}" for i in range(10_000)) + " }"


def nested(depth: int) -> str:
    return "ASK " + "{ " * depth + "?s ?p ?o " + "} " * depth


def query_processes() -> list[int]:
    """This test process's query children (the servers run in-process), fork-server ones included."""
    return [p.pid for p in descendants(os.getpid(), "bg-query")]


@pytest.fixture(params=kinds(*KINDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = fresh_store(request.param, request, tmp_path)
    opened.load_dataset(SAMPLE_TRIG, "application/trig")
    opened.replace_graph(EX + "big", BIG, "text/turtle")
    yield opened
    opened.close()


# --- limits refuse instead of crashing ------------------------------------------------


def test_a_10000_branch_union_is_refused_before_any_store(
    serve_app: Callable[[Starlette], str], store: Store
) -> None:
    # It segfaulted the server on disk and aborted oxigraph serve as a remote store.
    base = serve_app(create_app(store))
    response = post_query(base + "/sparql", UNION_10K)
    assert response.status_code == 400
    assert "max_query_tokens" in response.text and "BESKGRAPH_MAX_QUERY_TOKENS" in response.text
    assert http.get(base + "/health").json()["status"] == "ok"
    assert post_query(base + "/sparql", "ASK { ?s ?p ?o }").json()["boolean"] is True


@pytest.mark.parametrize("depth", [50, 300])
def test_deeply_nested_groups_get_their_answer(
    serve_app: Callable[[Starlette], str], store: Store, depth: int
) -> None:
    endpoint = serve_app(create_app(store)) + "/sparql"
    response = post_query(endpoint, nested(depth))
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


def test_nesting_beyond_the_limit_is_a_clear_400(serve_app: Callable[[Starlette], str]) -> None:
    endpoint = serve_app(create_app(EmbeddedStore(), settings=Settings(max_query_depth=100))) + "/sparql"
    response = post_query(endpoint, nested(101))
    assert response.status_code == 400
    assert "101 deep, more than 100" in response.text and "BESKGRAPH_MAX_QUERY_DEPTH" in response.text


def test_the_check_has_its_own_time_limit_and_holds_no_lock(serve_app: Callable[[Starlette], str]) -> None:
    # rdflib takes seconds over a long arithmetic chain; the check stops at its limit
    # while the server answers others (the check used to hold a global lock for 15 s).
    settings = Settings(query_check_timeout=0.2, max_query_tokens=20_000)
    base = serve_app(create_app(EmbeddedStore(), settings=settings))
    slow_to_parse = "ASK { FILTER(" + " + ".join("1" for _ in range(8_000)) + " > 0) }"
    outcome: dict[str, httpx.Response] = {}
    worker = threading.Thread(
        target=lambda: outcome.setdefault("r", post_query(base + "/sparql", slow_to_parse))
    )
    worker.start()
    time.sleep(0.1)
    assert post_query(base + "/sparql", "ASK {}").json()["boolean"] is True
    assert http.get(base + "/health").status_code == 200
    worker.join(30)
    assert outcome["r"].status_code == 400
    assert "could not be checked within 0.2 s" in outcome["r"].text
    assert "BESKGRAPH_QUERY_CHECK_TIMEOUT" in outcome["r"].text


def test_a_query_over_its_memory_is_stopped(serve_app: Callable[[Starlette], str]) -> None:
    store = EmbeddedStore()
    store.replace_graph(EX + "big", BIG, "text/turtle")
    settings = Settings(query_timeout=30, max_query_memory=300_000_000)
    endpoint = serve_app(create_app(store, settings=settings)) + "/sparql"
    response = post_query(endpoint, BLOCKING)
    assert response.status_code == 503
    assert "more than its 286 MB of memory" in response.text
    assert post_query(endpoint, "ASK { ?s ?p ?o }").json()["boolean"] is True


# --- slow queries stop on every store ----------------------------------------------------


def test_a_slow_query_is_stopped_on_every_store(serve_app: Callable[[Starlette], str], store: Store) -> None:
    base = serve_app(create_app(store, settings=Settings(query_timeout=1.0)))
    started = time.monotonic()
    response = post_query(base + "/sparql", SPINNING)
    assert response.status_code == 503
    assert "time" in response.text  # "time limit" (embedded) or "in time" (remote)
    assert time.monotonic() - started < 15
    assert query_processes() == []  # killed and reaped, not left running
    assert post_query(base + "/sparql", "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_a_frozen_remote_store_is_reported_within_seconds(serve_app: Callable[[Starlette], str]) -> None:
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections (the kernel does) and never answers
    try:
        base = serve_app(create_app(RemoteStore(f"http://127.0.0.1:{silent.getsockname()[1]}/query")))
        started = time.monotonic()
        health = http.get(base + "/health", timeout=60)
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        assert time.monotonic() - started < 10  # the store's read timeout is 30 s
    finally:
        silent.close()


# --- concurrency: counted in query processes, queued, 503 with Retry-After ----------------


class Sampler:
    """Counts this process's query children every few milliseconds, in a thread."""

    def __init__(self) -> None:
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.most = max(self.most, len(query_processes()))
            time.sleep(0.005)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def crowded(serve_app: Callable[[Starlette], str]) -> str:
    store = EmbeddedStore()
    store.replace_graph(EX + "big", BIG, "text/turtle")
    settings = Settings(
        query_timeout=1.0, max_concurrent_queries=2, max_waiting_queries=2, query_wait_timeout=1.0
    )
    return serve_app(create_app(store, settings=settings)) + "/sparql"


def test_at_most_n_query_processes_under_a_crowd(crowded: str) -> None:
    statuses: list[int] = []
    retry_after: set[str] = set()
    stop = time.monotonic() + 5

    def hammer(client_timeout: float) -> None:
        while time.monotonic() < stop:
            try:
                response = post_query(crowded, SPINNING, timeout=client_timeout)
            except httpx.TimeoutException:
                continue  # a client that gives up and goes
            statuses.append(response.status_code)
            if "retry-after" in response.headers:
                retry_after.add(response.headers["retry-after"])

    answered: dict[str, float] = {}

    def polite_ask() -> None:  # another client: a cheap query, retrying as told
        started = time.monotonic()
        while time.monotonic() - started < 30:
            response = post_query(crowded, "ASK { ?s ?p ?o }")
            if response.status_code == 200:
                answered["seconds"] = time.monotonic() - started
                answered["boolean"] = response.json()["boolean"]
                return
            assert response.status_code == 503 and response.headers["retry-after"] == "1"
            time.sleep(0.2)

    with Sampler() as sampler:
        clients = [threading.Thread(target=hammer, args=(0.3 if i % 3 == 0 else 30,)) for i in range(16)]
        for client in clients:
            client.start()
        time.sleep(0.5)
        polite_ask()
        for client in clients:
            client.join()
    assert sampler.most <= 2  # (it was 26 processes under 100 clients with a limit of 4)
    assert sampler.most == 2
    assert answered["boolean"] is True
    assert set(statuses) <= {200, 503} and 503 in statuses
    assert retry_after == {"1"}


def test_a_client_that_goes_stops_its_query_and_only_then_frees_its_slot(
    serve_app: Callable[[Starlette], str],
) -> None:
    store = EmbeddedStore()
    store.replace_graph(EX + "big", BIG, "text/turtle")
    settings = Settings(query_timeout=60, max_concurrent_queries=1, max_waiting_queries=4)
    endpoint = serve_app(create_app(store, settings=settings)) + "/sparql"
    with pytest.raises(httpx.TimeoutException):
        post_query(endpoint, SPINNING, timeout=0.5)
    started = time.monotonic()
    response = post_query(endpoint, "ASK { ?s ?p ?o }")
    assert response.json()["boolean"] is True
    assert time.monotonic() - started < 10  # not the 60 s the abandoned query could run
    assert query_processes() == []


def test_no_threads_processes_or_memory_left_after_slow_queries(
    serve_app: Callable[[Starlette], str], tmp_path: Path
) -> None:
    stores = [EmbeddedStore(), EmbeddedStore(tmp_path / "db")]
    for store in stores:
        store.replace_graph(EX + "big", BIG, "text/turtle")
    settings = Settings(query_timeout=0.5, max_concurrent_queries=4)
    endpoints = [serve_app(create_app(store, settings=settings)) + "/sparql" for store in stores]
    for endpoint in endpoints:  # warm up: threads, the fork server
        assert post_query(endpoint, BLOCKING).status_code == 503

    def threads() -> int:
        return len(os.listdir("/proc/self/task"))

    def rss() -> int:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) * 1024

    baseline_threads, baseline_rss = threads(), rss()
    for _ in range(3):
        batch = [
            threading.Thread(target=post_query, args=(endpoint, query))
            for endpoint in endpoints
            for query in (BLOCKING, SPINNING)
        ]
        for client in batch:
            client.start()
        for client in batch:
            client.join()
    assert query_processes() == []
    # Each app keeps at most its pool of query threads (idle ones expire after 10 s).
    assert threads() <= baseline_threads + 2 * (2 * 4 + 16)
    assert rss() < baseline_rss + 100_000_000  # the queries' memory was in their processes
