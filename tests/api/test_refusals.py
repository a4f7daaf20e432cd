"""Refused requests are logged as one line each, with their reason and never their content."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.store import EmbeddedStore


def test_a_refused_request_is_one_line_without_its_query(caplog: pytest.LogCaptureFixture):
    secret = "x" * 5000
    with (
        TestClient(create_app(EmbeddedStore())) as client,
        caplog.at_level(logging.WARNING, "beskgraph.refused"),
    ):
        response = client.get("/sparql", params={"query": f"SELECT * WHERE {{ {secret}"})
        assert response.status_code == 400
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "beskgraph.refused"]
    assert len(lines) == 1
    assert lines[0].startswith("refused GET /sparql 400 from testclient: SPARQL syntax error")
    assert secret[:50] not in lines[0] and "\n" not in lines[0]


CUT_BODIES = {  # framing -> headers and the part of the body sent before the client goes
    "length": "Content-Length: 1000\r\n\r\n{",
    "chunked": "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n",
}


@pytest.mark.parametrize("framing", sorted(CUT_BODIES))
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/sparql", "application/sparql-query"),
        ("/sparql", "application/x-www-form-urlencoded"),
        ("/graphql", "application/json"),
    ],
)
def test_a_client_gone_mid_body_is_one_line_and_no_traceback(
    serve_app: Callable[[Starlette], str],
    caplog: pytest.LogCaptureFixture,
    path: str,
    content_type: str,
    framing: str,
) -> None:
    base = serve_app(create_app(EmbeddedStore(), extra_routes=graphql_routes()))
    host, port = base.removeprefix("http://").split(":")
    server_log = logging.getLogger("uvicorn.error")  # uvicorn's loggers do not reach the root
    server_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING):
            with socket.create_connection((host, int(port))) as client:
                client.sendall(
                    f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                    f"{CUT_BODIES[framing]}".encode()
                )
            deadline = time.monotonic() + 5
            while not caplog.records and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)  # a traceback would follow the refusal at once
    finally:
        server_log.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records]
    code = "CLIENT_DISCONNECTED: " if path == "/graphql" else ""
    assert lines == [
        f"refused POST {path} 499 from 127.0.0.1: {code}the client disconnected while "
        "sending its request body"
    ]
