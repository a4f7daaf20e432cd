"""HTTP caching on a live server: validators, 304s, compression, the response cache, and a
load (a write to the store) that must never be answered from what was cached before it."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable

import brotli
import httpx
import pytest
import zstandard
from starlette.applications import Starlette

from bench.loopback import free_port
from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.api.settings import Settings
from beskgraph.build import BuildResult
from beskgraph.store import EmbeddedStore, open_store
from tests.support import http

MUNICIPALITIES = "{ municipalities(first: 100) { totalCount nodes { code name } } }"
ASK = "ASK { ?s ?p ?o }"
ROWS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"
IDENTITY = {"Accept-Encoding": "identity"}
TITLE = "https://schema.org/name"


@pytest.fixture
def store(seed_build: BuildResult) -> EmbeddedStore:
    loaded = EmbeddedStore()
    loaded.load_dataset(seed_build.serialise("nquads"), "application/n-quads")
    return loaded


@pytest.fixture
def served(store: EmbeddedStore, serve_app: Callable[[Starlette], str]) -> tuple[str, Starlette]:
    app = create_app(store, extra_routes=graphql_routes(), settings=Settings(cache_max_age=120))
    return serve_app(app), app


@pytest.mark.parametrize(
    "path, params",
    [
        ("/graphql", {"query": MUNICIPALITIES}),
        ("/sparql", {"query": ASK}),
        ("/municipality/410", {}),
        ("/", {}),
        ("/.well-known/void", {}),
    ],
)
def test_a_read_answer_has_validators_and_a_repeat_with_its_etag_gets_304(
    served: tuple[str, Starlette], path: str, params: dict[str, str]
) -> None:
    url, _app = served
    first = http.get(url + path, params=params, headers=IDENTITY)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and len(etag) == 3 + 32 + 1
    assert first.headers["cache-control"] == "public, max-age=120"
    assert first.headers["last-modified"].endswith(" GMT")
    assert {"accept", "accept-encoding"} <= {v.strip().lower() for v in first.headers["vary"].split(",")}
    again = http.get(url + path, params=params, headers={**IDENTITY, "If-None-Match": f'"x", {etag}'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    since = http.get(url + path, params=params, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    other = http.get(url + path, params=params, headers={"If-None-Match": 'W/"not-this-one"'})
    assert other.status_code == 200 and other.content == first.content


def test_head_has_the_headers_of_get_and_no_body(served: tuple[str, Starlette]) -> None:
    url, _app = served
    got = http.get(url + "/municipality/410", headers=IDENTITY)
    head = http.head(url + "/municipality/410", headers=IDENTITY)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert int(head.headers["content-length"]) == len(got.content)


def test_a_different_accept_is_a_different_representation(served: tuple[str, Starlette]) -> None:
    url, _app = served
    as_json = http.get(
        url + "/sparql", params={"query": ASK}, headers={"Accept": "application/sparql-results+json"}
    )
    as_xml = http.get(
        url + "/sparql", params={"query": ASK}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert as_json.headers["etag"] != as_xml.headers["etag"]
    assert json.loads(as_json.content) == {"head": {}, "boolean": True}
    assert as_xml.content.startswith(b"<?xml")
    crossed = http.get(
        url + "/sparql",
        params={"query": ASK},
        headers={"Accept": "application/sparql-results+xml", "If-None-Match": as_json.headers["etag"]},
    )
    assert crossed.status_code == 200 and crossed.content.startswith(b"<?xml")


@pytest.mark.parametrize(
    "coding, decode",
    [
        ("gzip", gzip.decompress),
        ("br", brotli.decompress),
        ("zstd", lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data)),
    ],
)
def test_answers_over_1_kb_are_compressed_when_the_client_accepts(
    served: tuple[str, Starlette], coding: str, decode: Callable[[bytes], bytes]
) -> None:
    url, _app = served
    plain = http.get(url + "/sparql", params={"query": ROWS}, headers={**IDENTITY, "Accept": "text/csv"})
    assert "content-encoding" not in plain.headers and len(plain.content) > 10_000
    with http.stream(
        "GET",
        url + "/sparql",
        params={"query": ROWS},
        headers={"Accept-Encoding": coding, "Accept": "text/csv"},
    ) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == coding
    assert int(response.headers["content-length"]) == len(raw) < len(plain.content) / 3
    assert decode(raw) == plain.content
    assert response.headers["etag"] == plain.headers["etag"]  # one representation, weakly equal


def test_small_answers_and_refused_codings_are_not_compressed(served: tuple[str, Starlette]) -> None:
    url, _app = served
    small = http.get(url + "/sparql", params={"query": ASK}, headers={"Accept-Encoding": "gzip"})
    assert len(small.content) < 1024 and "content-encoding" not in small.headers
    refused = http.get(
        url + "/sparql", params={"query": ROWS}, headers={"Accept-Encoding": "gzip;q=0, br;q=0"}
    )
    assert "content-encoding" not in refused.headers


def test_a_repeated_request_is_answered_from_the_cache(served: tuple[str, Starlette]) -> None:
    url, app = served
    body = {
        "query": "query ($n: Int) { municipalities(first: $n) { nodes { code } } }",
        "variables": {"n": 3},
    }
    first = http.post(url + "/graphql", json=body)
    assert first.headers["x-cache"] == "MISS"
    # the same request with its keys in another order and other spacing is the same request
    again = http.post(
        url + "/graphql",
        content=json.dumps(dict(reversed(body.items())), indent=2),
        headers={"Content-Type": "application/json"},
    )
    assert again.headers["x-cache"] == "HIT"
    assert again.content == first.content
    other = http.post(url + "/graphql", json={**body, "variables": {"n": 4}})
    assert other.headers["x-cache"] == "MISS"
    assert len(other.json()["data"]["municipalities"]["nodes"]) == 4
    for _ in range(2):
        got = http.get(url + "/sparql", params={"query": ASK})
    assert got.headers["x-cache"] == "HIT"
    assert app.state.response_cache.hits >= 2


def test_a_load_is_never_answered_from_before_it(served: tuple[str, Starlette], store: EmbeddedStore) -> None:
    url, _app = served
    query = f"SELECT ?o WHERE {{ <https://example.org/x> <{TITLE}> ?o }}"
    headers = {"Accept": "text/csv"}
    before = http.get(url + "/sparql", params={"query": query}, headers=headers)
    assert http.get(url + "/sparql", params={"query": query}, headers=headers).headers["x-cache"] == "HIT"
    store.replace_graph(
        "https://example.org/graph",
        f'<https://example.org/x> <{TITLE}> "new" .\n'.encode(),
        "application/n-triples",
    )
    after = http.get(url + "/sparql", params={"query": query}, headers=headers)
    assert after.headers["x-cache"] == "MISS"
    assert before.text.split() == ["o"] and after.text.split() == ["o", "new"]
    assert after.headers["etag"] != before.headers["etag"]
    stale = http.get(
        url + "/sparql", params={"query": query}, headers={**headers, "If-None-Match": before.headers["etag"]}
    )
    assert stale.status_code == 200 and stale.text.split() == ["o", "new"]


def test_errors_and_refusals_are_never_cached(served: tuple[str, Starlette]) -> None:
    url, _app = served
    for _ in range(2):
        bad = http.get(url + "/sparql", params={"query": "SELECT WHERE {"})
        assert bad.status_code == 400
        assert bad.headers["cache-control"] == "no-store" and "etag" not in bad.headers
        wrong = http.post(url + "/graphql", json={"query": "{ noSuchField }"})
        assert wrong.json()["errors"] and wrong.headers.get("x-cache") != "HIT"
    assert http.get(url + "/health").headers["cache-control"] == "no-store"


def test_a_store_that_is_down_gets_503_that_no_cache_keeps(serve_app: Callable[[Starlette], str]) -> None:
    down = open_store(f"http://127.0.0.1:{free_port()}", connect_timeout=0.5, read_timeout=0.5, retries=0)
    url = serve_app(create_app(down))
    for _ in range(2):
        answer = http.get(url + "/sparql", params={"query": ASK}, timeout=30)
        assert answer.status_code == 503
        assert answer.headers["cache-control"] == "no-store"
        assert "etag" not in answer.headers and "x-cache" not in answer.headers


def test_dumps_keep_their_own_validator(served: tuple[str, Starlette]) -> None:
    url, _app = served
    dump = http.get(url + "/dump.nt", headers=IDENTITY)
    assert dump.headers["etag"].startswith('"') and len(dump.headers["etag"]) == 66  # SHA-256 of the file
    assert dump.headers["cache-control"] == "public, max-age=120"
    assert http.get(url + "/dump.nt", headers={"If-None-Match": dump.headers["etag"]}).status_code == 304
    part = http.get(url + "/dump.nt", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == dump.content[:100]


def test_the_cache_stays_within_its_bytes(
    store: EmbeddedStore, serve_app: Callable[[Starlette], str]
) -> None:
    app = create_app(store, settings=Settings(response_cache_bytes=30_000))
    url = serve_app(app)
    with httpx.Client(base_url=url, headers=IDENTITY) as client:
        for limit in range(1, 60):
            query = f"SELECT ?s WHERE {{ ?s ?p ?o }} ORDER BY ?s LIMIT {limit}"
            assert client.get("/sparql", params={"query": query}).status_code == 200
    cache = app.state.response_cache
    assert 0 < cache.size <= 30_000
    assert 1 < len(cache) < 59


def test_a_crowd_asking_the_same_costs_one_answer(served: tuple[str, Starlette]) -> None:
    url, _app = served
    # a query that takes a while (a cross product of 7 000 x 300 triples, counted)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d <http://www.w3.org/2000/01/rdf-schema#label> ?f }"

    async def crowd() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            return await asyncio.gather(*(client.get("/sparql", params={"query": slow}) for _ in range(8)))

    answers = asyncio.run(crowd())
    assert [a.status_code for a in answers] == [200] * 8
    assert len({a.content for a in answers}) == 1
    assert sorted(a.headers["x-cache"] for a in answers) == ["HIT"] * 7 + ["MISS"]
