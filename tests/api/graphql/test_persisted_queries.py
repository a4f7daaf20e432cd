"""Automatic Persisted Queries as Apollo clients send them, on a live server."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.api.settings import Settings
from beskgraph.build import BuildResult
from beskgraph.store import EmbeddedStore
from tests.support import http

QUERY = "query Codes($n: Int) { municipalities(first: $n) { nodes { code name } } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
def url(seed_build: BuildResult, serve_app: Callable[[Starlette], str]) -> str:
    store = EmbeddedStore()
    store.load_dataset(seed_build.serialise("nquads"), "application/n-quads")
    return serve_app(
        create_app(store, extra_routes=graphql_routes(), settings=Settings(persisted_queries_bytes=200))
    )


def _get(url: str, extensions: object, **params: str) -> httpx.Response:
    return http.get(url + "/graphql", params={"extensions": json.dumps(extensions), **params})


def test_an_unknown_hash_asks_for_the_query_then_the_hash_alone_runs_it(url: str) -> None:
    variables = json.dumps({"n": 2})
    missing = _get(url, PERSISTED, variables=variables)
    assert missing.status_code == 200  # under application/json, as Apollo's servers answer
    assert missing.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }
    assert missing.headers["cache-control"] == "private, no-cache, must-revalidate"
    strict = http.get(
        url + "/graphql", params={"extensions": json.dumps(PERSISTED)}, headers={"Accept": GRAPHQL_RESPONSE}
    )
    assert strict.status_code == 400 and strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    registered = http.post(
        url + "/graphql", json={"query": QUERY, "variables": {"n": 2}, "extensions": PERSISTED}
    )
    expected = {
        "municipalities": {
            "nodes": [{"code": "101", "name": "København"}, {"code": "147", "name": "Frederiksberg"}]
        }
    }
    assert registered.json()["data"] == expected
    found = _get(url, PERSISTED, variables=variables)
    assert found.status_code == 200 and found.json()["data"] == expected
    assert found.headers["cache-control"].startswith("public, max-age=")  # a CDN may keep it
    assert _get(url, PERSISTED, variables=variables).headers["etag"] == found.headers["etag"]
    posted = http.post(url + "/graphql", json={"variables": {"n": 2}, "extensions": PERSISTED})
    assert posted.json()["data"] == expected


def test_a_get_registers_too(url: str) -> None:
    first = _get(url, PERSISTED, query=QUERY, variables='{"n": 1}')
    assert first.json()["data"]["municipalities"]["nodes"] == [{"code": "101", "name": "København"}]
    assert _get(url, PERSISTED, variables='{"n": 1}').json() == first.json()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_hash_that_is_not_the_query_s_is_refused(url: str, method: str) -> None:
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    if method == "GET":
        answer = _get(url, wrong, query=QUERY)
    else:
        answer = http.post(url + "/graphql", json={"query": QUERY, "extensions": wrong})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert answer.json()["errors"][0]["message"] == "provided sha does not match query"
    # nothing was kept under the wrong hash
    assert _get(url, wrong).json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_other_versions_and_malformed_hashes_are_refused(url: str) -> None:
    version = _get(url, {"persistedQuery": {"version": 2, "sha256Hash": DIGEST}})
    assert version.status_code == 400
    assert version.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"
    short = http.post(
        url + "/graphql", json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}
    )
    assert short.status_code == 400


def test_the_kept_texts_are_bounded(url: str) -> None:
    """200 bytes of texts are kept (the fixture's setting): registering two more queries of
    about 100 characters each pushes the first one out."""
    http.post(url + "/graphql", json={"query": QUERY, "variables": {"n": 1}, "extensions": PERSISTED})
    for n in range(2):
        other = QUERY + " " * (n + 1)
        digest = hashlib.sha256(other.encode()).hexdigest()
        http.post(
            url + "/graphql",
            json={
                "query": other,
                "variables": {"n": 1},
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
            },
        )
    assert _get(url, PERSISTED).json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
