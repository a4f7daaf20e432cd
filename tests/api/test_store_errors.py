"""A store that fails is answered the same way by every endpoint (one set of Starlette
exception handlers): 503 with the reason in plain text for a machine, the error page for a
browser, and the reason in the refusal log."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from bench.loopback import free_port
from beskgraph.api.app import create_app
from beskgraph.store import EmbeddedStore, RemoteStore
from tests.support import http

PATHS = [
    "/sparql?query=ASK%20%7B%7D",
    "/dump.nq",
    "/.well-known/void",
    "/municipality/410",
    "/",
    "/compare",
    "/timeline",
    "/search?q=Middelfart",
]


@pytest.fixture
def down(serve_app: Callable[[Starlette], str]) -> str:
    """The API over a SPARQL store nobody listens for."""
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", retries=0, backoff=0.01)
    return serve_app(create_app(store))


@pytest.mark.parametrize("path", PATHS)
def test_a_machine_gets_503_and_the_reason(down: str, path: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "beskgraph.refused"):
        response = http.get(down + path, headers={"Accept": "text/turtle, */*;q=0.1"}, timeout=20)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("store unavailable: ") and "unreachable" in response.text
    assert any("503" in r.getMessage() and ": store unavailable: " in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("path", ["/", "/municipality/410", "/compare"])
def test_a_browser_gets_the_error_page(down: str, path: str) -> None:
    response = http.get(down + path, headers={"Accept": "text/html,application/xhtml+xml"}, timeout=20)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "Lageret svarer ikke" in response.text and "unreachable" in response.text


def test_a_syntax_error_from_the_store_is_400(serve_app: Callable[[Starlette], str]) -> None:
    base = serve_app(create_app(EmbeddedStore()))
    response = http.get(base + "/sparql", params={"query": "SELECT * WHERE { ?s ?p"}, timeout=20)
    assert response.status_code == 400 and response.text.startswith("SPARQL syntax error: ")
    refused = http.get(
        base + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"}, timeout=20
    )
    assert refused.status_code == 406 and "holds a boolean" in refused.text
