"""The W3C SPARQL 1.1 Protocol tests, replayed against a live uvicorn server.

Each manifest entry is its own test id. Query tests must pass as written. The endpoint
is read-only, so the update tests (``update_*``) are expected to be refused with 403
on their update request (the follow-up ASK checking the update's effect cannot hold
and is not sent); the ``bad_update_*`` tests expect a 4xx anyway and run as written.

Several query tests name ``http://kasei.us/2009/09/sparql/data/data0.rdf`` as
``default-graph-uri`` without any ut:graphData for it: in the original suite that URL
was a web document the endpoint could fetch. This endpoint never fetches and refuses
graphs it does not hold, so the fixture declares data0.rdf as an (empty) graph of the
store - the queries (``ASK {}``, ``SELECT (1 AS ?value) {}`` ...) do not depend on its
content.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.settings import Settings
from beskgraph.store import EmbeddedStore
from tests.api.sparql.sparql_protocol import Expected, ProtocolTest, check_format, load_manifest, run_test
from tests.support import http

TESTS = load_manifest()
DATA0 = "http://kasei.us/2009/09/sparql/data/data0.rdf"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def test_manifest_has_all_entries() -> None:
    assert len(TESTS) == 34
    assert sum(not t.is_update for t in TESTS) == 20


def _endpoint(serve_app: Callable[[Starlette], str], test: ProtocolTest | None) -> str:
    store = EmbeddedStore()
    store.replace_graph(DATA0, b"", "application/n-triples")
    for path, graph in test.graph_data if test else []:
        store.replace_graph(graph, path.read_bytes(), "application/n-triples")
    return serve_app(create_app(store, settings=Settings(query_timeout=10))) + "/sparql"


@pytest.mark.parametrize("test", TESTS, ids=[t.id for t in TESTS])
def test_protocol(test: ProtocolTest, serve_app: Callable[[Starlette], str]) -> None:
    endpoint = _endpoint(serve_app, test)
    with httpx.Client(timeout=30) as client:
        if test.is_update and not test.id.startswith("bad_"):
            update = test.requests[0]
            response = client.request(
                update.method, endpoint + update.path, headers=update.headers, content=update.body
            )
            assert response.status_code == 403, response.text
            assert "read-only" in response.text
            return
        assert run_test(test, endpoint, client) == []


# --- service-description-manifest.ttl (has-endpoint-triple, returns-rdf, conforms-to-schema)


@pytest.fixture
def description(serve_app: Callable[[Starlette], str]) -> tuple[str, httpx.Response]:
    endpoint = _endpoint(serve_app, None)
    return endpoint, http.get(endpoint, headers={"Accept": "text/turtle"})


def test_sd_returns_rdf(description: tuple[str, httpx.Response]) -> None:
    _, response = description
    assert response.status_code == 200
    assert check_format(response, Expected(statuses={2}, format="RDF")) == []


def test_sd_has_endpoint_triple(description: tuple[str, httpx.Response]) -> None:
    endpoint, response = description
    g = Graph().parse(data=response.text, format="turtle")
    assert (None, SD.endpoint, URIRef(endpoint)) in g


def test_sd_conforms_to_schema(description: tuple[str, httpx.Response]) -> None:
    _, response = description
    g = Graph().parse(data=response.text, format="turtle")
    services = list(g.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert g.value(service, SD.supportedLanguage) == SD.SPARQL11Query
    formats = set(g.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    dataset = g.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in g
    assert g.value(dataset, SD.defaultGraph) is not None
