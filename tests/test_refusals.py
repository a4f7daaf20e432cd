"""Refused requests are logged as one line each, with their reason and never their content."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from beskgraph.api.app import create_app
from beskgraph.store import EmbeddedStore


def test_a_refused_request_is_one_line_without_its_query(caplog: pytest.LogCaptureFixture):
    secret = "x" * 5000
    with TestClient(create_app(EmbeddedStore())) as client, caplog.at_level(logging.WARNING,
                                                                              "beskgraph.refused"):
        response = client.get("/sparql", params={"query": f"SELECT * WHERE {{ {secret}"})
        assert response.status_code == 400
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "beskgraph.refused"]
    assert len(lines) == 1
    assert lines[0].startswith("refused GET /sparql 400 from testclient: SPARQL syntax error")
    assert secret[:50] not in lines[0] and "\n" not in lines[0]
