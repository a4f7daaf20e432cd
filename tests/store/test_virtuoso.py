"""RemoteStore on Virtuoso: its quirks absorbed, its credentials asked for, dumps in batches."""

from __future__ import annotations

import pytest

from beskgraph.store import EmbeddedStore, Store, StoreError, open_store
from tests.support.derived import BASE, KINDS, empty_store
from tests.support.stores import run_query

# integration: Virtuoso
pytestmark = pytest.mark.integration

REMOTE = [kind for kind in KINDS if kind != "embedded"]


@pytest.fixture
def virtuoso_store(request: pytest.FixtureRequest, seed_trig: bytes) -> Store:
    store = empty_store("virtuoso", request)
    store.load_dataset(seed_trig, "application/trig")
    return store


def test_the_store_shows_beskgraphs_graphs_and_answers_ask_as_a_boolean(
    virtuoso_store: Store, seed_trig: bytes
) -> None:
    local = EmbeddedStore()
    local.load_dataset(seed_trig, "application/trig")
    assert virtuoso_store.graphs() == local.graphs()  # Virtuoso's system graphs are private
    assert virtuoso_store.count() == local.count()
    assert virtuoso_store.ask(f"ASK {{ <{BASE}municipality/410> ?p ?o }}") is True
    assert virtuoso_store.ask(f"ASK {{ <{BASE}municipality/999> ?p ?o }}") is False
    ask = "ASK { ?s ?p ?o }"
    assert run_query(virtuoso_store, ask, "application/sparql-results+json") == run_query(
        local, ask, "application/sparql-results+json"
    )
    rows = virtuoso_store.select(
        f"SELECT ?r WHERE {{ <{BASE}intervention/410-skaerpet-fokus-paa-langtidsledighed-"
        "ved-24-ugers-ledighed/test/good-practice> "
        "<https://w3id.org/beskgraph/ontology#scoreReproduces> ?r }"
    )
    assert rows == [{"r": False}]  # a boolean, not Virtuoso's 0
    # Virtuoso's extension of a bare expression in the projection: a column it calls callret-1,
    # which no SPARQL parser reads; it is read as callret_1
    bare = f"SELECT ?s <{BASE}x> WHERE {{ VALUES ?s {{ <{BASE}municipality/410> }} }}"
    assert virtuoso_store.select(bare) == [{"s": BASE + "municipality/410", "callret_1": BASE + "x"}]


def test_graphs_come_back_in_utf8_not_escaped(virtuoso_store: Store) -> None:
    triples = virtuoso_store.construct(
        f"CONSTRUCT {{ ?m ?p ?o }} WHERE {{ <{BASE}municipality/185> ?p ?o . "
        "BIND(<" + BASE + "municipality/185> AS ?m) }"
    )
    assert "Tårnby".encode() in triples and b"\\u" not in triples


def test_writes_need_the_password_the_server_asks_for(request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue("virtuoso")
    wrong = open_store(server.query_url, gsp_url=server.gsp_url, user=server.user, password="not-it")
    with pytest.raises(StoreError, match="401"):
        wrong.replace_graph(BASE + "graph/x", b'<http://ex/a> <http://ex/b> "c" .\n', "application/n-triples")
    anonymous = open_store(server.query_url, gsp_url=server.gsp_url)
    with pytest.raises(StoreError, match="401"):
        anonymous.drop_graph(BASE + "graph/x")
    assert anonymous.select("SELECT (1 AS ?one) WHERE {}") == [{"one": 1}]  # queries need none


@pytest.mark.parametrize("kind", REMOTE)
def test_a_dump_read_in_batches_of_graphs_is_the_same_dump(
    request: pytest.FixtureRequest, kind: str, seed_trig: bytes
) -> None:
    store = empty_store(kind, request)
    store.load_dataset(seed_trig, "application/trig")
    whole = b"".join(store.dump("nquads"))  # the seven graphs (400 to 4 000 quads) in one query
    store.dump_batch = 1000  # type: ignore[attr-defined]  # five queries
    assert b"".join(store.dump("nquads")) == whole and whole.count(b"\n") == store.count()


def test_virtuoso_keeps_the_datatypes_oxigraph_folds_into_integer(
    virtuoso_store: Store, seed_trig: bytes
) -> None:
    # pyoxigraph stores xsd:positiveInteger as xsd:integer and Virtuoso keeps it; so the build
    # writes only the store-canonical datatype, and both stores give the same line numbers back
    xsd = "http://www.w3.org/2001/XMLSchema#"
    line = "SELECT (DATATYPE(?n) AS ?t) WHERE { ?s <https://w3id.org/beskgraph/ontology#line> ?n } LIMIT 1"
    folded = "SELECT (DATATYPE(?n) AS ?t) WHERE { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> ?n } }"
    positive = f'<urn:x:g> {{ <urn:x:s> <urn:x:p> "5"^^<{xsd}positiveInteger> }}'.encode()
    local = EmbeddedStore()
    local.load_dataset(seed_trig, "application/trig")
    for store in (local, virtuoso_store):
        store.load_dataset(positive, "application/trig")
        assert store.select(line) == [{"t": xsd + "integer"}]
    assert virtuoso_store.select(folded) == [{"t": xsd + "positiveInteger"}]
    assert local.select(folded) == [{"t": xsd + "integer"}]
