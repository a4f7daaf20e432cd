"""Dumps, JSON-LD context, VoID/DCAT description and /health over a live server."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.links import dataset_iri
from beskgraph.api.settings import CC_BY_4, Settings
from beskgraph.store import EmbeddedStore, Store
from beskgraph.vocabulary import PREFIXES
from tests.support import http
from tests.support.stores import SAMPLE_TRIG

# rdflib's own parsers still use APIs it has deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")

EX = "http://example.org/"
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SCHEMA = Namespace("https://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def expected_dataset() -> Dataset:
    ds = Dataset()
    ds.parse(data=SAMPLE_TRIG, format="trig")
    return ds


def assert_same_graphs(got: Dataset) -> None:
    expected = expected_dataset()
    for name in (EX + "graph1", EX + "graph2"):
        assert isomorphic(got.graph(URIRef(name)), expected.graph(URIRef(name))), name
    assert len(got) == len(expected) == 14


@pytest.fixture
def base(serve_app: Callable[[Starlette], str], any_store: Store) -> str:
    return serve_app(create_app(any_store, settings=Settings(graphql_path="/graphql")))


@pytest.mark.parametrize(
    ("path", "media", "fmt"),
    [
        ("/dump.nq", "application/n-quads", "nquads"),
        ("/dump.trig", "application/trig", "trig"),
        ("/dump.jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_dataset_dumps_round_trip(base: str, path: str, media: str, fmt: str) -> None:
    response = http.get(base + path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    got = Dataset()
    got.parse(data=response.content, format=fmt)
    assert_same_graphs(got)


def test_turtle_dump_is_the_union(base: str) -> None:
    response = http.get(base + "/dump.ttl")
    assert response.headers["content-type"].startswith("text/turtle")
    got = Graph().parse(data=response.text, format="turtle")
    union = Graph()
    for s, p, o, _graph in expected_dataset().quads((None, None, None, None)):
        union.add((s, p, o))
    assert len(union) == 14
    assert isomorphic(got, union)
    assert response.text.startswith("@prefix bg: <https://w3id.org/beskgraph/ontology#> .")


def test_dumps_are_deterministic(serve_app: Callable[[Starlette], str]) -> None:
    # Same data, loaded graph by graph in a different order into a different store.
    one = EmbeddedStore()
    one.load_dataset(SAMPLE_TRIG, "application/trig")
    other = EmbeddedStore()
    for graph in reversed(one.graphs()):
        nt = one.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        other.replace_graph(graph, nt, "application/n-triples")
    urls = [serve_app(create_app(s)) for s in (one, other)]
    for path in ("/dump.nq", "/dump.trig", "/dump.ttl", "/dump.jsonld", "/dump.nt"):
        bodies = {http.get(url + path).content for url in urls for _ in range(2)}
        assert len(bodies) == 1, path


def test_large_dump_is_streamed_in_chunks_with_its_length(serve_app: Callable[[Starlette], str]) -> None:
    # Served from the dump file: streamed in chunks, and its Content-Length is known.
    store = EmbeddedStore()
    data = "".join(f'<{EX}s{i}> <{EX}p> "value number {i}" .\n' for i in range(5000))
    store.replace_graph(EX + "big", data.encode(), "application/n-triples")
    url = serve_app(create_app(store)) + "/dump.nq"
    with http.stream("GET", url) as response:
        chunks = list(response.iter_raw())
    assert len(chunks) > 1
    body = b"".join(chunks)
    assert body.count(b"\n") == 5000
    assert int(response.headers["content-length"]) == len(body)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/trig"),
        ("application/n-quads", "application/n-quads"),
        ("application/ld+json", "application/ld+json"),
        ("text/turtle", "text/turtle"),
    ],
)
def test_dump_content_negotiation(base: str, accept: str | None, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get(base + "/dump", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


def test_dump_errors(base: str) -> None:
    assert http.get(base + "/dump", headers={"Accept": "image/png"}).status_code == 406
    assert http.get(base + "/dump.xlsx").status_code == 404


def test_jsonld_context(base: str) -> None:
    response = http.get(base + "/context.jsonld")
    assert response.headers["content-type"].startswith("application/ld+json")
    context = response.json()["@context"]
    assert context == {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    dump = http.get(base + "/dump.jsonld")
    assert dump.json()["@context"] == context
    assert base + "/context.jsonld" in dump.headers["link"]
    assert '"schema:name"' in dump.text  # compacted with the project prefixes


def test_void_description(base: str, any_store: Store) -> None:
    response = http.get(base + "/.well-known/void")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef(dataset_iri())  # fixed, not under the server's address
    assert (dataset, RDF.type, VOID.Dataset) in g
    assert (dataset, DCTERMS.license, URIRef(CC_BY_4)) in g
    assert g.value(dataset, DCTERMS.title) is not None
    assert (dataset, VOID.triples, Literal(14)) in g
    assert (dataset, VOID.sparqlEndpoint, URIRef(base + "/sparql")) in g
    classes = {
        g.value(p, VOID["class"]): g.value(p, VOID.entities).toPython()
        for p in g.objects(dataset, VOID.classPartition)
    }
    assert classes == {SCHEMA.Person: 2, URIRef(EX + "Card"): 1}
    endpoints = {g.value(s, DCAT.endpointURL) for s in g.objects(dataset, DCAT.accessService)}
    assert endpoints == {URIRef(base + "/sparql"), URIRef(base + "/graphql")}
    # each named graph: dataset sd:namedGraph [ sd:name G ; sd:graph S ], S a void:subset with its count
    per_graph = {
        g.value(named, SD.name): g.value(g.value(named, SD.graph), VOID.triples).toPython()
        for named in g.objects(dataset, SD.namedGraph)
    }
    assert per_graph == {URIRef(EX + "graph1"): 11, URIRef(EX + "graph2"): 3}
    subsets = {g.value(named, SD.graph) for named in g.objects(dataset, SD.namedGraph)}
    assert subsets == set(g.objects(dataset, VOID.subset))
    same = http.get(base + "/description", headers={"Accept": "application/ld+json"})
    assert same.headers["content-type"] == "application/ld+json"
    assert isomorphic(Graph().parse(data=same.text, format="json-ld"), g)


def test_health(base: str, any_store: Store) -> None:
    response = http.get(base + "/health")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "triples": 14,
        "graphs": 2,
        "store": any_store.description,
        "documents": {"ok": 0, "withWarnings": 0, "leftOut": 0, "leftOutDocuments": []},  # none in this data
    }
    assert json.dumps(body)
