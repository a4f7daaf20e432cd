"""/sparql against a live uvicorn server: protocol, formats, refusals, limits, real clients."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from starlette.applications import Starlette

from bench.loopback import free_port
from beskgraph.api.app import create_app
from beskgraph.api.settings import Settings
from beskgraph.store import EmbeddedStore, RemoteStore, Store
from tests.support import http
from tests.support.stores import SAMPLE_TRIG

# rdflib's own parsers still use APIs it has deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")

EX = "http://example.org/"
NAMES = "SELECT ?n WHERE { ?s <https://schema.org/name> ?n } ORDER BY ?n"
ALL_NAMES = ["Alice", "Bob", "Kort 1", "anonymous note"]


@pytest.fixture
def sample_store() -> Store:
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    return store


@pytest.fixture
def endpoint(serve_app: Callable[[Starlette], str], sample_store: Store) -> str:
    return serve_app(create_app(sample_store, settings=Settings(query_timeout=10))) + "/sparql"


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [b["n"]["value"] for b in response.json()["results"]["bindings"]]


# --- protocol operations ------------------------------------------------------------


def test_get_post_form_and_post_direct_agree(endpoint: str) -> None:
    assert names(http.get(endpoint, params={"query": NAMES})) == ALL_NAMES
    assert names(http.post(endpoint, data={"query": NAMES})) == ALL_NAMES
    direct = http.post(endpoint, content=NAMES, headers={"Content-Type": "application/sparql-query"})
    assert names(direct) == ALL_NAMES


def test_works_on_any_store(serve_app: Callable[[Starlette], str], any_store: Store) -> None:
    url = serve_app(create_app(any_store)) + "/sparql"
    assert names(http.get(url, params={"query": NAMES})) == ALL_NAMES


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
        ("application/json;q=0, */*", "application/sparql-results+xml"),  # q=0 refuses, through an alias
        ("*/*;q=abc", "application/sparql-results+json"),  # a malformed q is ignored
    ],
)
def test_select_content_negotiation(endpoint: str, accept: str, media: str) -> None:
    response = http.get(endpoint, params={"query": NAMES}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows == [["n"], *[[n] for n in ALL_NAMES]]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_and_describe_formats(endpoint: str, accept: str, fmt: str) -> None:
    for query in ("CONSTRUCT WHERE { ?s a ?c }", f"DESCRIBE <{EX}bob>"):
        response = http.get(endpoint, params={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == accept
        assert len(Graph().parse(data=response.content, format=fmt)) == 3


def test_unacceptable_format_is_406(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_syntax_error_is_400_plain_text(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": "SELECT ?s WHERE { ?s "})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "syntax error" in response.text


def test_methods_and_media_types(endpoint: str) -> None:
    assert http.put(endpoint, content=b"ASK {}").status_code == 405
    assert http.post(endpoint, content=b"ASK {}").status_code == 415
    too_big = "ASK {} #" + "x" * 1_100_000
    response = http.post(endpoint, content=too_big, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


# --- refusals: updates, SERVICE, unknown graphs --------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        lambda url: http.get(url, params={"update": "CLEAR ALL"}),
        lambda url: http.post(url, data={"update": "CLEAR ALL"}),
        lambda url: http.post(url, content="DROP ALL", headers={"Content-Type": "application/sparql-update"}),
    ],
    ids=["get", "form", "direct"],
)
def test_updates_are_refused(endpoint: str, send: Callable[[str], httpx.Response]) -> None:
    response = send(endpoint)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert names(http.get(endpoint, params={"query": NAMES})) == ALL_NAMES


def test_load_in_a_query_is_a_syntax_error(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": "LOAD <http://127.0.0.1:1/data.ttl>"})
    assert response.status_code == 400


@pytest.fixture
def listener() -> Iterator[tuple[str, list[socket.socket]]]:
    """A local TCP listener that records any connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.1)
    seen: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                seen.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", seen
    stop.set()
    thread.join()
    for conn in seen:
        conn.close()
    sock.close()


def test_service_is_refused_without_any_outbound_request(
    endpoint: str, listener: tuple[str, list[socket.socket]]
) -> None:
    target, seen = listener
    queries = [
        f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{target}> {{ ?s ?q ?r }} }} }}",
        f"ASK {{ {{ SELECT ?s {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
    ]
    for query in queries:
        response = http.get(endpoint, params={"query": query})
        assert response.status_code == 400, query
        assert "SERVICE" in response.text
    time.sleep(0.2)
    assert seen == []
    # A comment mentioning SERVICE is just a comment.
    ok = http.get(endpoint, params={"query": f"# SERVICE <{target}>\nASK {{ ?s ?p ?o }}"})
    assert ok.status_code == 200 and ok.json()["boolean"] is True


def test_from_clauses_select_graphs_of_the_store(endpoint: str) -> None:
    query = f"SELECT ?n FROM <{EX}graph2> WHERE {{ ?s <https://schema.org/name> ?n }}"
    assert names(http.get(endpoint, params={"query": query})) == ["Bob"]
    named = (
        f"SELECT ?g ?n FROM NAMED <{EX}graph1> WHERE {{ GRAPH ?g {{ "
        f"<{EX}alice> <https://schema.org/name> ?n }} }}"
    )
    rows = http.get(endpoint, params={"query": named}).json()["results"]["bindings"]
    assert [(r["g"]["value"], r["n"]["value"]) for r in rows] == [(EX + "graph1", "Alice")]


def test_unknown_graphs_are_refused(endpoint: str) -> None:
    unknown = "http://127.0.0.1:1/remote-graph"
    for response in (
        http.get(endpoint, params={"query": f"ASK FROM <{unknown}> {{ }}"}),
        http.get(endpoint, params={"query": f"ASK FROM NAMED <{unknown}> {{ }}"}),
        http.get(endpoint, params={"query": "ASK {}", "default-graph-uri": unknown}),
        http.get(endpoint, params={"query": "ASK {}", "named-graph-uri": unknown}),
    ):
        assert response.status_code == 400
        assert unknown in response.text


def test_protocol_dataset_overrides_from(endpoint: str) -> None:
    query = f"SELECT ?n FROM <{EX}graph1> WHERE {{ ?s <https://schema.org/name> ?n }}"
    url = f"{endpoint}?query={quote(query)}&default-graph-uri={quote(EX + 'graph2')}"
    assert names(http.get(url)) == ["Bob"]


def test_relative_iris_resolve_against_the_endpoint(endpoint: str) -> None:
    response = http.get(endpoint, params={"query": "SELECT (<x> AS ?x) {}"})
    assert response.json()["results"]["bindings"][0]["x"]["value"] == endpoint.rsplit("/", 1)[0] + "/x"


def test_relative_iris_resolve_against_the_public_url_on_any_store(
    serve_app: Callable[[Starlette], str], any_store: Store
) -> None:
    """A remote store is sent the public base: not its own address, which is none of this service's."""
    base = serve_app(create_app(any_store))
    query = 'SELECT (IRI("x") AS ?i) (<y> AS ?r) {}'
    row = http.get(base + "/sparql", params={"query": query}).json()["results"]["bindings"][0]
    assert (row["i"]["value"], row["r"]["value"]) == (base + "/x", base + "/y")
    own = http.get(base + "/sparql", params={"query": "BASE <http://example.org/a/>\n" + query}).json()
    row = own["results"]["bindings"][0]
    assert (row["i"]["value"], row["r"]["value"]) == ("http://example.org/a/x", "http://example.org/a/y")
    error = http.get(base + "/sparql", params={"query": "\n\nSELECT ?x {"})
    assert error.status_code == 400 and "(line:3, col:12)" in error.text


# --- limits: a runaway query does not stop the server --------------------------------


@pytest.fixture
def limited_endpoint(serve_app: Callable[[Starlette], str]) -> str:
    store = EmbeddedStore()
    data = "\n".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(300))
    store.replace_graph(EX + "big", data.encode(), "text/turtle")
    # The runaway below takes about 1 GB a second: it is meant to meet the time limit first.
    settings = Settings(query_timeout=1.0, max_result_bytes=200_000, max_query_memory=8_000_000_000)
    return serve_app(create_app(store, settings=settings))


def test_runaway_query_times_out_while_health_answers(limited_endpoint: str) -> None:
    runaway = "SELECT * { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?b ?d ?f"
    result: dict[str, object] = {}

    def run() -> None:
        start = time.monotonic()
        result["response"] = http.get(limited_endpoint + "/sparql", params={"query": runaway}, timeout=30)
        result["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.2)  # the runaway query is now running
    health = http.get(limited_endpoint + "/health", timeout=5)
    assert health.status_code == 200 and health.json()["triples"] == 300
    assert thread.is_alive()  # health answered while the runaway query was still running
    thread.join(timeout=20)
    response = result["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert "time limit" in response.text
    assert result["seconds"] < 5  # type: ignore[operator]
    after = http.get(limited_endpoint + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert after.json()["boolean"] is True


def test_result_size_limit(limited_endpoint: str) -> None:
    response = http.get(limited_endpoint + "/sparql", params={"query": "SELECT * { ?a ?p ?b . ?c ?q ?d }"})
    assert response.status_code == 503
    assert "200000 bytes" in response.text


# --- store unavailable ------------------------------------------------------------


def test_unavailable_store_gives_503(serve_app: Callable[[Starlette], str]) -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", retries=1, backoff=0.05)
    base = serve_app(create_app(store))
    response = http.get(base + "/sparql", params={"query": "ASK {}"}, timeout=10)
    assert response.status_code == 503
    assert "unreachable" in response.text
    health = http.get(base + "/health", timeout=10)
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable"
    assert http.get(base + "/dump.nq", timeout=10).status_code == 503


# --- service description and real clients ---------------------------------------------


def test_service_description(endpoint: str) -> None:
    response = http.get(endpoint)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef(endpoint)) in g
    assert (None, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    jsonld = http.get(endpoint, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert json.loads(jsonld.text)


def test_sparqlwrapper_client(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(NAMES)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [r["n"]["value"] for r in rows] == ALL_NAMES
    client.setQuery(f"ASK {{ <{EX}alice> <https://schema.org/knows> <{EX}bob> }}")
    assert client.query().convert()["boolean"] is True  # type: ignore[index]
    client.setMethod("POST")
    client.setQuery("CONSTRUCT WHERE { ?s a ?c }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 3


def test_rdflib_sparqlstore_client(endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(graph.query(NAMES))
    assert [str(r[0]) for r in rows] == ALL_NAMES
    ages = {str(s): o.toPython() for s, o in graph.subject_objects(URIRef(EX + "age"))}
    assert ages == {EX + "alice": 42, EX + "bob": 7}


@pytest.mark.integration  # a server process
def test_serve_honours_port_env() -> None:
    port = free_port()
    code = (
        "from beskgraph.api.serve import serve; from beskgraph.store import EmbeddedStore; "
        "serve(EmbeddedStore(), log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PORT": str(port)})
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = http.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert response.json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
