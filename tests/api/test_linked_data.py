"""Every minted IRI dereferences at its own path (HTML, Turtle, JSON-LD, N-Triples); spans as text; CORS."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import rdflib
import rdflib.compare
from starlette.applications import Starlette

from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore
from tests.support import http
from tests.support.pages import BASE, BG, BROWSER_ACCEPT, seed_app

STRUCTURAL = {
    "test",
    "answer",
    "mention",
    "identifier",
    "page",
    "commitment",
    "initiative",
    "observation",
    "recipient",
    "signatory",
}  # fixed words inside minted paths
FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}


def kind_of(iri: str) -> str:
    """``intervention/*/test/*/answer/*`` → ``intervention/test/answer``: the kind a path names."""
    segments = iri[len(BASE) :].split("/")
    return "/".join([segments[0], *(s for s in segments[1:] if s in STRUCTURAL)])


def minted_by_kind(store: EmbeddedStore) -> dict[str, str]:
    """One IRI (the first, sorted) of every kind the seed graph mints; named graphs included."""
    rows = store.select(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}")) }}')
    iris = sorted({str(r["s"]) for r in rows if "#" not in str(r["s"])} | set(store.graphs()))
    found: dict[str, str] = {}
    for iri in iris:
        found.setdefault(kind_of(iri), iri)
    return found


def node_triples(store: EmbeddedStore, iri: str) -> rdflib.Graph:
    """The triples the store holds with ``iri`` as subject (a named graph: its content)."""
    where = f"GRAPH <{iri}> {{ ?s ?p ?o }}" if iri in store.graphs() else f"<{iri}> ?p ?o BIND(<{iri}> AS ?s)"
    graph = rdflib.Graph()
    graph.parse(data=store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}").decode(), format="nt")
    return graph


def test_every_minted_kind_dereferences_in_four_formats(site: str, seed_store: EmbeddedStore) -> None:
    kinds = minted_by_kind(seed_store)
    assert len(kinds) >= 25, sorted(kinds)
    for kind in (
        "municipality",
        "intervention/test/answer",
        "criterion",
        "letter",
        "letter/mention",
        "provision",
        "source",
        "target-group",
        "graph",
        "person",
        "letter/commitment",
    ):
        assert kind in kinds, kind
    with httpx.Client(base_url=site, timeout=30) as client:
        for kind, iri in sorted(kinds.items()):
            path = "/" + iri[len(BASE) :]
            page = client.get(path, headers={"accept": BROWSER_ACCEPT})
            assert page.status_code == 200, (kind, path, page.text[:300])
            assert page.headers["content-type"].startswith("text/html"), kind
            assert "accept" in page.headers["vary"].lower()
            assert "<h1" in page.text and 'lang="da"' in page.text
            expected = node_triples(seed_store, iri)
            assert len(expected) > 0, kind
            for media, parser in FORMATS.items():
                response = client.get(path, headers={"accept": media})
                assert response.status_code == 200, (kind, media)
                assert response.headers["content-type"].split(";")[0] == media
                assert "Accept" in response.headers["vary"]
                got = rdflib.Graph()
                got.parse(data=response.text, format=parser)
                missing = [t for t in expected if t not in got]
                assert not missing, (kind, media, missing[:3])


def test_turtle_and_json_ld_agree_and_describe_inbound_links(site: str) -> None:
    path = "/criterion/evidence/096ff85d5495"
    turtle = rdflib.Graph().parse(
        data=http.get(site + path, headers={"accept": "text/turtle"}).text, format="turtle"
    )
    jsonld = rdflib.Graph().parse(
        data=http.get(site + path, headers={"accept": "application/ld+json"}).text, format="json-ld"
    )
    assert rdflib.compare.isomorphic(turtle, jsonld)
    criterion = rdflib.URIRef(BASE + path[1:])
    answers = set(turtle.subjects(rdflib.URIRef(BG + "criterion"), criterion))
    assert len(answers) == 2  # two cards answer this criterion


def test_format_parameter_and_link_header(site: str) -> None:
    response = http.get(site + "/municipality/410", params={"format": "ttl"}, headers={"accept": "text/html"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert '"Middelfart"@da' in response.text
    assert (
        '</municipality/410?format=jsonld>; rel="alternate"; type="application/ld+json"'
        in response.headers["link"]
    )
    # curl's */* gets Turtle; a browser gets HTML
    assert http.get(site + "/municipality/410").headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle;q=0, */*", "text/html"),  # q=0: anything but Turtle
        ("text/turtle;q=0, text/html;q=0, */*", "application/ld+json"),
        ("application/x-turtle;q=0, text/*", "text/html"),  # an alias's q=0 refuses what it names
        ("*/*;q=abc", "text/turtle"),  # a malformed q is ignored, not read as 0
        ("text/turtle;q=1.5, application/ld+json;q=0.5", "text/turtle"),
    ],
)
def test_accept_weights_are_honoured(site: str, accept: str, media: str) -> None:
    response = http.get(site + "/municipality/410", headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)


def test_source_text_is_what_its_fragments_address(site: str, seed_store: EmbeddedStore) -> None:
    doc = BASE + "source/003-aec37f0f2b66ca76"
    response = http.get(site + "/source/003-aec37f0f2b66ca76", headers={"accept": "text/plain"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    spans = seed_store.select(
        "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        f"SELECT ?s ?start ?end ?exact WHERE {{ ?s dcterms:isPartOf <{doc}> ; oa:start ?start ; oa:end ?end ; oa:exact ?exact }}"
    )
    assert len(spans) > 100
    for span in spans:
        start, end = str(span["s"]).rsplit("#char=", 1)[1].split(",")
        assert text[int(start) : int(end)] == span["exact"], span["s"]
    # a node that is not a source document has no text/plain form
    assert http.get(site + "/municipality/410", headers={"accept": "text/plain"}).status_code == 406


def test_source_text_must_match_the_graph(
    serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore, tmp_path: Path
) -> None:
    """A text that is not the one the graph quotes is never served; the page says so."""
    changed = tmp_path / "changed"
    changed.mkdir()
    for source in SEEDS_DIR.iterdir():
        shutil.copy(source, changed / source.name)
    card = changed / "000_2ad044e4a048410a.txt"
    card.write_text(card.read_text(encoding="utf-8").replace("Middelfart", "Midtfart"), encoding="utf-8")
    site = serve_app(seed_app(seed_store, sources=(str(changed),)))
    refused = http.get(site + "/source/000-2ad044e4a048410a", headers={"accept": "text/plain"})
    assert refused.status_code == 404 and "not the text the graph was built from" in refused.text
    assert (
        http.get(site + "/source/001-0790efc861254765", headers={"accept": "text/plain"}).status_code == 200
    )
    page = http.get(site + "/source/000-2ad044e4a048410a", headers={"accept": "text/html"})
    assert page.status_code == 200 and "findes ikke på denne server" in page.text
    empty = serve_app(seed_app(seed_store, sources=(str(tmp_path / "nowhere"),)))
    assert http.get(empty + "/source/000-2ad044e4a048410a?format=txt").status_code == 404


def test_ontology_and_shapes_are_served_at_their_namespace(site: str) -> None:
    turtle = rdflib.Graph().parse(
        data=http.get(site + "/ontology", headers={"accept": "text/turtle"}).text, format="turtle"
    )
    municipality = rdflib.URIRef(BG + "Municipality")
    assert (municipality, rdflib.RDFS.label, rdflib.Literal("Kommune", lang="da")) in turtle
    assert (municipality, rdflib.RDFS.label, rdflib.Literal("Municipality", lang="en")) in turtle
    jsonld = http.get(site + "/ontology", headers={"accept": "application/ld+json"})
    assert rdflib.compare.isomorphic(turtle, rdflib.Graph().parse(data=jsonld.text, format="json-ld"))
    module = http.get(site + "/ontology/correspondence", headers={"accept": "text/turtle"})
    assert module.status_code == 200 and "bg:Letter" in module.text
    assert http.get(site + "/ontology/nothing", headers={"accept": "text/turtle"}).status_code == 404
    html = http.get(site + "/ontology", headers={"accept": BROWSER_ACCEPT}).text
    for term in ("Municipality", "Letter", "sourceSpan", "Yes"):  # bg:X resolves to /ontology#X
        assert f'id="{term}"' in html, term
    shapes = rdflib.Graph().parse(
        data=http.get(site + "/shapes", headers={"accept": "text/turtle"}).text, format="turtle"
    )
    node_shape = rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")
    assert (rdflib.URIRef(BG + "MunicipalityShape"), rdflib.RDF.type, node_shape) in shapes
    shapes_page = http.get(site + "/shapes", headers={"accept": BROWSER_ACCEPT}).text
    assert 'id="MunicipalityShape"' in shapes_page and "three-digit kommunekode" in shapes_page


def test_unknown_iris_and_formats(site: str) -> None:
    assert http.get(site + "/municipality/999", headers={"accept": "text/turtle"}).status_code == 404
    missing = http.get(site + "/letter/nothing/here", headers={"accept": BROWSER_ACCEPT})
    assert missing.status_code == 404 and "Ikke fundet" in missing.text
    assert http.get(site + "/municipality/410", headers={"accept": "image/png"}).status_code == 406
    assert http.get(site + "/municipality/410?format=xml").status_code == 406
    assert http.get(site + "/municipality/<script>", headers={"accept": "text/turtle"}).status_code == 404


def test_sparql_editor_only_for_browsers_without_a_query(site: str) -> None:
    editor = http.get(site + "/sparql", headers={"accept": BROWSER_ACCEPT})
    assert editor.status_code == 200 and 'id="yasgui"' in editor.text
    for accept in ("*/*", "text/turtle", "application/ld+json"):
        description = http.get(site + "/sparql", headers={"accept": accept})
        assert "sparql-service-description" in description.text, accept
        assert "yasgui" not in description.text
    answer = http.get(
        site + "/sparql",
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert answer.json()["boolean"] is True
    posted = http.post(
        site + "/sparql",
        data={"query": "ASK { ?s ?p ?o }"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert posted.json()["boolean"] is True


def test_cors_on_read_endpoints_and_preflight(site: str) -> None:
    origin = {"origin": "http://127.0.0.2:9999"}
    for path in (
        "/municipality/410",
        "/sparql?query=ASK%7B%7D",
        "/dump.ttl",
        "/.well-known/void",
        "/ontology",
    ):
        response = http.get(site + path, headers=origin)
        assert response.headers.get("access-control-allow-origin") == "*", path
    preflight = http.options(
        site + "/graphql",
        headers={
            **origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


def test_cors_origins_are_configurable(
    serve_app: Callable[[Starlette], str], seed_store: EmbeddedStore
) -> None:
    site = serve_app(seed_app(seed_store, cors_origins=("http://allowed.example",)))
    allowed = http.get(site + "/municipality/410", headers={"origin": "http://allowed.example"})
    assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
    other = http.get(site + "/municipality/410", headers={"origin": "http://other.example"})
    assert "access-control-allow-origin" not in other.headers
