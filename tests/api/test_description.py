"""VoID/DCAT and the SPARQL service description: fixed IRIs, links never from the Host header,
every dump described, named graphs, W3C format IRIs; ``server.py`` links to where it listens."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF
from starlette.applications import Starlette

from bench.loopback import free_port
from beskgraph.api.app import create_app
from beskgraph.api.links import dataset_iri, listen_url
from beskgraph.api.settings import CC_BY_4, Settings
from beskgraph.store import EmbeddedStore, Store
from beskgraph.vocabulary import DCAT, SCHEMA, SD, VOID
from tests.support import http
from tests.support.paths import ROOT
from tests.support.stores import SAMPLE_TRIG

pytestmark = pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")

EX = "http://example.org/"

FORMATS = "http://www.w3.org/ns/formats/"
FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil-forwarded.example",
    "Forwarded": "host=evil-forwarded.example;proto=https",
    "X-Forwarded-Proto": "https",
}
DUMPS = {  # extension: (media type, W3C format name)
    "ttl": ("text/turtle", "Turtle"),
    "trig": ("application/trig", "TriG"),
    "nq": ("application/n-quads", "N-Quads"),
    "nt": ("application/n-triples", "N-Triples"),
    "jsonld": ("application/ld+json", "JSON-LD"),
}


@pytest.fixture
def base(serve_app: Callable[[Starlette], str], any_store: Store) -> str:
    return serve_app(create_app(any_store))  # no public_url: links from the listening socket


def void(base: str, **headers: str) -> Graph:
    response = http.get(base + "/.well-known/void", headers=headers)
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format="turtle")


def test_a_forged_host_header_never_comes_back(base: str, any_store: Store) -> None:
    # the forged request comes first: a cached description must not keep what it said
    sparql = {"query": "SELECT ?x WHERE { BIND(<relative> AS ?x) }"}
    requests = [
        ("/.well-known/void", {}, "text/turtle"),
        ("/description", {}, "application/ld+json"),
        ("/description", {}, "application/n-triples"),
        ("/description", {}, "application/rdf+xml"),
        ("/sparql", {}, "text/turtle"),  # the service description
        ("/sparql", sparql, "application/sparql-results+json"),  # relative IRIs resolve against the base
        ("/dump.jsonld", {}, "application/ld+json"),  # its Link header names the context
    ]
    for path, params, accept in requests:
        forged = http.get(base + path, params=params, headers={**FORGED, "Accept": accept})
        assert forged.status_code == 200, (path, forged.text)
        seen = forged.text + " ".join(forged.headers.values())
        assert "evil" not in seen, path
        plain = http.get(base + path, params=params, headers={"Accept": accept})
        assert plain.content == forged.content, path
    port = int(base.rsplit(":", 1)[1])
    assert (URIRef(dataset_iri()), VOID.sparqlEndpoint, URIRef(f"http://127.0.0.1:{port}/sparql")) in void(
        base
    )
    if isinstance(any_store, EmbeddedStore):  # a remote store resolves against its own address
        result = http.get(
            base + "/sparql", params=sparql, headers={"Accept": "application/sparql-results+json"}
        )
        assert result.json()["results"]["bindings"][0]["x"]["value"] == f"http://127.0.0.1:{port}/relative"


def test_void_has_a_fixed_iri_publisher_licence_modified_and_vocabularies(
    serve_app: Callable[[Starlette], str], any_store: Store
) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    base = serve_app(create_app(any_store, settings=Settings(publisher="Example Publisher")))
    g = void(base)
    dataset = URIRef("https://w3id.org/beskgraph/dataset")
    assert dataset_iri() == str(dataset) or "BESKGRAPH_BASE" in os.environ
    dataset = URIRef(dataset_iri())
    assert {VOID.Dataset, DCAT.Dataset, SD.Dataset} <= set(g.objects(dataset, RDF.type))
    assert (dataset, DCTERMS.license, URIRef(CC_BY_4)) in g
    publisher = g.value(dataset, DCTERMS.publisher)
    assert g.value(publisher, FOAF.name) == Literal("Example Publisher")
    modified = g.value(dataset, DCTERMS.modified)
    assert modified.datatype == URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
    assert before <= modified.toPython() <= dt.datetime.now(dt.UTC)
    assert set(g.objects(dataset, VOID.vocabulary)) == {URIRef(str(RDF)), URIRef(str(SCHEMA)), URIRef(EX)}
    properties = {
        g.value(p, VOID.property): g.value(p, VOID.triples).toPython()
        for p in g.objects(dataset, VOID.propertyPartition)
    }
    assert properties[SCHEMA.name] == 4 and properties[RDF.type] == 3


def test_every_dump_is_described_with_its_media_type_and_format(base: str) -> None:
    g = void(base)
    dataset = URIRef(dataset_iri())
    assert set(g.objects(dataset, VOID.dataDump)) == {URIRef(f"{base}/dump.{ext}") for ext in DUMPS}
    distributions = list(g.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(DUMPS)
    for dist in distributions:
        url = str(g.value(dist, DCAT.downloadURL))
        media, name = DUMPS[url.rsplit(".", 1)[1]]
        assert g.value(dist, DCAT.mediaType) == URIRef(
            "https://www.iana.org/assignments/media-types/" + media
        )
        assert g.value(dist, DCTERMS["format"]) == URIRef(FORMATS + name)
        assert g.value(dist, DCTERMS.license) == URIRef(CC_BY_4)
        served = http.head(url)
        assert served.status_code == 200 and served.headers["content-type"].split(";")[0] == media


def test_service_description_lists_w3c_formats_and_the_named_graphs(base: str) -> None:
    response = http.get(base + "/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=response.text, format="turtle")
    service = g.value(predicate=RDF.type, object=SD.Service)
    assert g.value(service, SD.endpoint) == URIRef(base + "/sparql")
    assert set(g.objects(service, SD.resultFormat)) == {
        URIRef(FORMATS + name)
        for name in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        )
    }
    dataset = g.value(service, SD.defaultDataset)
    assert dataset == URIRef(dataset_iri())
    names = {g.value(named, SD.name) for named in g.objects(dataset, SD.namedGraph)}
    assert names == {URIRef(EX + "graph1"), URIRef(EX + "graph2")}


def test_public_url_setting_starts_every_link(
    serve_app: Callable[[Starlette], str], any_store: Store
) -> None:
    public = "https://data.example.org/beskgraph"
    base = serve_app(create_app(any_store, settings=Settings(public_url=public)))
    g = void(base, Host="evil.example")
    links = {str(o) for o in g.objects() if isinstance(o, URIRef) and str(o).startswith("http")}
    assert f"{public}/sparql" in links and f"{public}/dump.trig" in links
    assert not {link for link in links if "127.0.0.1" in link or "evil" in link}
    described = http.get(base + "/sparql", headers={"Accept": "text/turtle"}).text
    assert f"<{public}/sparql>" in described
    assert http.get(base + "/dump.jsonld").headers["link"].startswith(f"<{public}/context.jsonld>")


def test_descriptions_follow_a_new_generation(serve_app: Callable[[Starlette], str]) -> None:
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    base = serve_app(create_app(store))
    dataset = URIRef(dataset_iri())
    assert void(base).value(dataset, VOID.triples).toPython() == 14
    store.replace_graph(EX + "graph3", f'<{EX}x> <{EX}says> "new" .'.encode(), "application/n-triples")
    g = void(base)
    assert g.value(dataset, VOID.triples).toPython() == 15
    assert URIRef(EX + "graph3") in {g.value(n, SD.name) for n in g.objects(dataset, SD.namedGraph)}
    described = http.get(base + "/sparql", headers={"Accept": "text/turtle"}).text
    assert f"<{EX}graph3>" in described


def test_listen_url() -> None:
    assert listen_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert listen_url("::1", 8000) == "http://[::1]:8000"
    assert listen_url("localhost", 80) == "http://localhost:80"
    assert listen_url("0.0.0.0", 8000) == f"http://{socket.getfqdn()}:8000"


@pytest.mark.integration  # a ``python server.py`` process
def test_server_py_links_to_the_address_it_was_started_on(tmp_path: Path) -> None:
    graph = tmp_path / "sample.trig"
    graph.write_bytes(SAMPLE_TRIG)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BESKGRAPH_PUBLIC_URL"}
    # "localhost" is not the socket's address (127.0.0.1): the links show which one was used
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "server.py"),
            "--graph",
            str(graph),
            "--host",
            "localhost",
            "--port",
            str(port),
        ],
        env={**env, "BESKGRAPH_STORE": "memory"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if http.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None, "server exited"
                subprocess.run(["sleep", "0.1"], check=True)
        g = void(url, Host="evil.example")
        assert (URIRef(dataset_iri()), VOID.sparqlEndpoint, URIRef(f"http://localhost:{port}/sparql")) in g
    finally:
        process.terminate()
        process.wait(timeout=10)
