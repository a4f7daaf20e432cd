"""/sparql over a real ``oxigraph serve`` that stops queries itself (``--timeout-s``): answers
the store breaks off mid-stream, and slots held for as long as the store works."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.settings import Settings
from beskgraph.store import RemoteStore, StoreUnavailable, open_store
from beskgraph.store.errors import StoreAnswerBroken
from tests.api.sparql.client import post_query
from tests.support import http
from tests.support.paths import ROOT
from tests.support.servers import oxigraph_server

# integration: oxigraph serve with its own timeout
pytestmark = pytest.mark.integration

EX = "http://example.org/"
ROWS = "\n".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(1000)).encode()
# 10^9 rows to count: the store blocks in it until its own --timeout-s stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


@pytest.fixture(scope="module")
def quick_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    """A store that stops every query after 1 s, in the middle of its answer if need be."""
    with oxigraph_server(tmp_path_factory.mktemp("quick"), "--timeout-s", "1") as url:
        store = open_store(url)
        assert isinstance(store, RemoteStore)
        store.replace_graph(EX + "rows", ROWS, "text/turtle")
        yield store
        store.close()


def test_an_answer_the_store_breaks_off_is_a_502_naming_why(
    serve_app: Callable[[Starlette], str], quick_store: RemoteStore
) -> None:
    endpoint = serve_app(create_app(quick_store, settings=Settings(query_timeout=10))) + "/sparql"
    # Oxigraph has sent "200 OK" and the start of the results when it gives up: it appends
    # its error text to the body, the only place left for it.
    broken = http.post(quick_store.query_url, data={"query": RUNAWAY}, timeout=30)
    assert broken.status_code == 200 and broken.text.endswith("The SPARQL operation has been cancelled")
    for accept in ("application/sparql-results+json", "text/csv"):
        response = (
            post_query(endpoint, RUNAWAY)
            if accept.endswith("json")
            else http.post(endpoint, data={"query": RUNAWAY}, headers={"Accept": accept}, timeout=60)
        )
        assert response.status_code == 502, response.text
        assert response.headers["content-type"].startswith("text/plain")
        assert "broke off" in response.text and "The SPARQL operation has been cancelled" in response.text
    assert (
        post_query(endpoint, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").json()["results"]["bindings"][0]["n"][
            "value"
        ]
        == "1000"
    )


def test_the_store_api_reports_a_broken_answer_as_the_store_failing(quick_store: RemoteStore) -> None:
    """What pages and GraphQL ask through ``select``: a clear error, not a parser's SyntaxError."""
    with pytest.raises(StoreAnswerBroken, match=r"broke off.*The SPARQL operation has been cancelled"):
        quick_store.select(RUNAWAY)
    assert isinstance(StoreAnswerBroken("x"), StoreUnavailable)  # pages answer 503, GraphQL STORE_UNAVAILABLE


# --- a query keeps its slot for as long as the store works on it ---------------------------

STORE_LIMIT = 8  # seconds: the store's own --timeout-s


@pytest.fixture(scope="module")
def slow_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    with oxigraph_server(tmp_path_factory.mktemp("slow"), "--timeout-s", str(STORE_LIMIT)) as url:
        store = open_store(url)
        assert isinstance(store, RemoteStore)
        store.replace_graph(EX + "rows", ROWS, "text/turtle")
        yield store
        store.close()


def one_slot(serve_app: Callable[[Starlette], str], store: RemoteStore, ceiling: float) -> str:
    settings = Settings(
        query_timeout=1.0,
        max_concurrent_queries=1,
        max_waiting_queries=4,
        query_wait_timeout=0.5,
        remote_query_ceiling=ceiling,
    )
    return serve_app(create_app(store, settings=settings)) + "/sparql"


def first_answer(endpoint: str) -> float:
    """Ask until a slot is free (503 with Retry-After meanwhile); when the answer came."""
    deadline = time.monotonic() + 3 * STORE_LIMIT
    while time.monotonic() < deadline:
        response = post_query(endpoint, "ASK {}")
        if response.status_code == 200:
            assert response.json()["boolean"] is True
            return time.monotonic()
        assert response.status_code == 503 and "too many queries" in response.text, response.text
        time.sleep(0.1)
    raise AssertionError("no slot became free")


def test_a_query_keeps_its_slot_until_the_store_has_finished_with_it(
    serve_app: Callable[[Starlette], str], slow_store: RemoteStore
) -> None:
    endpoint = one_slot(serve_app, slow_store, ceiling=60)
    started = time.monotonic()
    response = post_query(endpoint, RUNAWAY)
    assert response.status_code == 503 and "time" in response.text
    assert time.monotonic() - started < STORE_LIMIT - 3  # the client is answered at its own limit
    # The store still counts: its slot is taken (it was free again here, and a client could
    # pile up four runaway queries on the store every 12 s).
    busy = post_query(endpoint, "ASK {}")
    assert busy.status_code == 503 and "too many queries" in busy.text and busy.headers["retry-after"] == "1"
    assert first_answer(endpoint) - started >= STORE_LIMIT - 0.5  # when the store gave up


def test_a_query_the_store_does_not_finish_keeps_its_slot_up_to_the_ceiling(
    serve_app: Callable[[Starlette], str], slow_store: RemoteStore
) -> None:
    endpoint = one_slot(serve_app, slow_store, ceiling=2)
    started = time.monotonic()
    assert post_query(endpoint, RUNAWAY).status_code == 503
    freed = first_answer(endpoint) - started
    assert 2 <= freed < STORE_LIMIT - 0.5  # the connection closed at the ceiling, before the store gave up


def test_the_remote_ceiling_is_a_minute_as_documented() -> None:
    """Four queries the store never finishes close /sparql for everyone until the ceiling:
    a public endpoint can live with a minute (it was five)."""
    docs = (ROOT / "docs" / "security-sparql.md").read_text("utf-8")
    [row] = [line for line in docs.splitlines() if line.startswith("| `REMOTE_QUERY_CEILING` |")]
    assert Settings().remote_query_ceiling == 60.0
    assert "| 60 s a remote store's query keeps its slot |" in row
