"""The store interface: the same assertions on the embedded store and a real Oxigraph server."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from bench.loopback import free_port
from beskgraph.store import (
    EmbeddedStore,
    NotAcceptable,
    QuerySyntaxError,
    QueryTimeout,
    RemoteStore,
    ResultTooLarge,
    Store,
    StoreError,
    StoreUnavailable,
    open_store,
    record_queries,
)
from tests.support.stores import SAMPLE_TRIG, run_query

# rdflib's own parsers still use APIs it has deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")

EX = "http://example.org/"
PERSON_QUERY = f"""
PREFIX schema: <https://schema.org/>
PREFIX ex: <{EX}>
SELECT ?p ?name ?age ?score ?active ?born ?friend WHERE {{
  ?p a schema:Person ; schema:name ?name ; ex:age ?age .
  OPTIONAL {{ ?p ex:score ?score ; ex:active ?active ; ex:born ?born }}
  OPTIONAL {{ ?p schema:knows ?friend }}
}} ORDER BY ?name
"""


def test_select_converts_terms_and_omits_unbound(any_store: Store) -> None:
    rows = any_store.select(PERSON_QUERY)
    assert rows == [
        {
            "p": EX + "alice",
            "name": "Alice",
            "age": 42,
            "score": 2.5,
            "active": True,
            "born": dt.date(1980, 5, 17),
            "friend": EX + "bob",
        },
        {"p": EX + "bob", "name": "Bob", "age": 7},
    ]
    assert type(rows[0]["age"]) is int
    assert type(rows[0]["score"]) is float


def test_default_graph_is_the_union_of_named_graphs(any_store: Store) -> None:
    # alice (graph1) knows bob, whose name is only in graph2: a cross-graph join.
    rows = any_store.select(
        f"SELECT ?n WHERE {{ <{EX}alice> <https://schema.org/knows> ?f . ?f <https://schema.org/name> ?n }}"
    )
    assert rows == [{"n": "Bob"}]
    assert any_store.ask(f"ASK {{ GRAPH <{EX}graph2> {{ <{EX}bob> ?p ?o }} }}")
    assert not any_store.ask(f"ASK {{ GRAPH <{EX}graph1> {{ <{EX}bob> ?p ?o }} }}")


def test_graphs_and_count(any_store: Store) -> None:
    assert any_store.graphs() == [EX + "graph1", EX + "graph2"]
    assert any_store.count() == 14


def test_construct_returns_ntriples(any_store: Store) -> None:
    data = any_store.construct("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }")
    g = Graph().parse(data=data, format="nt")
    assert len(g) == 3


def test_replace_graph_touches_only_that_graph(any_store: Store) -> None:
    any_store.replace_graph(
        EX + "graph2",
        f'<{EX}carol> <https://schema.org/name> "Carol" .\n'.encode(),
        "application/n-triples",
    )
    names = {r["n"] for r in any_store.select("SELECT ?n { ?s <https://schema.org/name> ?n }")}
    assert names == {"Alice", "Kort 1", "anonymous note", "Carol"}
    any_store.replace_graph(EX + "graph3", f"<{EX}x> <{EX}y> <{EX}z> .".encode(), "text/turtle")
    assert any_store.graphs() == [EX + "graph1", EX + "graph2", EX + "graph3"]
    assert any_store.count() == 14 - 3 + 1 + 1


def test_load_dataset_replaces_graphs_it_contains(any_store: Store) -> None:
    any_store.load_dataset(
        f'<{EX}dave> <https://schema.org/name> "Dave" <{EX}graph1> .\n'.encode(),
        "application/n-quads",
    )
    assert any_store.count() == 1 + 3
    assert any_store.select(f"SELECT ?n {{ GRAPH <{EX}graph1> {{ ?s ?p ?n }} }}") == [{"n": "Dave"}]


def test_drop_graph(any_store: Store) -> None:
    any_store.drop_graph(EX + "graph1")
    any_store.drop_graph(EX + "never-existed")
    assert any_store.graphs() == [EX + "graph2"]
    assert any_store.count() == 3


def test_bad_input_raises_store_error(any_store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        any_store.select("SELECT ?s WHERE { ?s ")
    with pytest.raises(StoreError, match="named graph"):
        any_store.load_dataset(b"<http://a/s> <http://a/p> <http://a/o> .", "application/n-quads")
    with pytest.raises(StoreError):
        any_store.replace_graph(EX + "g", b"this is not turtle", "text/turtle")
    assert any_store.count() == 14  # nothing was written


@pytest.mark.parametrize(
    ("query", "accept", "media"),
    [
        ("SELECT * { ?s ?p ?o }", "application/sparql-results+json", "application/sparql-results+json"),
        ("SELECT * { ?s ?p ?o }", "text/csv", "text/csv"),
        ("SELECT * { ?s ?p ?o }", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("ASK { ?s ?p ?o }", "application/sparql-results+json", "application/sparql-results+json"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", "text/turtle"),
        ("DESCRIBE <http://example.org/alice>", "application/n-triples", "application/n-triples"),
    ],
)
def test_answer_formats(any_store: Store, query: str, accept: str, media: str) -> None:
    body, got = run_query(any_store, query, accept)
    assert got == media
    if media == "application/sparql-results+json":
        data = json.loads(body)
        assert data.get("boolean") is True or len(data["results"]["bindings"]) == 14
    elif media in ("text/turtle", "application/n-triples"):
        assert len(Graph().parse(data=body, format="turtle")) >= 7


def test_answer_protocol_dataset(any_store: Store) -> None:
    body, _ = run_query(
        any_store, "SELECT ?s { ?s ?p ?o }", "application/sparql-results+json", default_graphs=[EX + "graph2"]
    )
    subjects = {b["s"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert subjects == {EX + "bob"}


def test_dump_is_deterministic_and_complete(any_store: Store) -> None:
    first = b"".join(any_store.dump("nquads"))
    assert first == b"".join(any_store.dump("nquads"))
    expected = Dataset()
    expected.parse(data=SAMPLE_TRIG, format="trig")
    got = Dataset()
    got.parse(data=first, format="nquads")
    assert len(got) == len(expected) == 14
    for graph in (EX + "graph1", EX + "graph2"):
        assert isomorphic(got.graph(graph), expected.graph(graph))


def test_same_answers_on_both_stores(store_factory: Callable[[bytes], Store], oxigraph_url: str) -> None:
    embedded = EmbeddedStore()
    embedded.load_dataset(SAMPLE_TRIG, "application/trig")
    remote = store_factory(SAMPLE_TRIG)
    for query in (PERSON_QUERY, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"):
        assert remote.select(query) == embedded.select(query)
    for fmt in ("nquads", "trig", "turtle", "jsonld"):
        assert b"".join(remote.dump(fmt)) == b"".join(embedded.dump(fmt)), fmt


def test_record_queries_follows_tasks_and_threads(any_store: Store) -> None:
    async def scenario() -> None:
        with record_queries() as outer:
            any_store.ask("ASK { ?s ?p ?o }")
            with record_queries() as inner:
                await asyncio.gather(
                    asyncio.to_thread(any_store.select, "SELECT ?s { ?s a ?c }"),
                    anyio.to_thread.run_sync(run_query, any_store, "ASK {}"),
                )
        assert sorted(inner) == ["ASK {}", "SELECT ?s { ?s a ?c }"]
        assert outer[0] == "ASK { ?s ?p ?o }" and len(outer) == 3

    asyncio.run(scenario())
    with record_queries() as log:
        pass
    any_store.ask("ASK {}")
    assert log == []


# --- embedded only: limits, persistence --------------------------------------------

BIG = "\n".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(300)).encode()
RUNAWAY = "SELECT * { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?b ?d ?f"


@pytest.fixture
def big_store() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore()
    store.replace_graph(EX + "big", BIG, "text/turtle")
    yield store
    store.close()


def test_embedded_result_size_limit(big_store: EmbeddedStore) -> None:
    with pytest.raises(ResultTooLarge):
        run_query(big_store, "SELECT * { ?a ?p ?b . ?c ?q ?d }", "text/csv", timeout=30, max_bytes=100_000)


def test_embedded_timeout_stops_a_blocking_query(big_store: EmbeddedStore) -> None:
    # ORDER BY over a 300^3 cross product blocks inside Rust; the forked child is killed.
    start = time.monotonic()
    with pytest.raises(QueryTimeout):
        run_query(big_store, RUNAWAY, "text/csv", timeout=0.5)
    assert time.monotonic() - start < 5
    assert run_query(big_store, "ASK { ?s ?p ?o }", timeout=5)[0].endswith(b"true}")


def test_embedded_thread_mode_takes_no_queries(big_store: EmbeddedStore) -> None:
    big_store.isolation = "thread"  # as inside a query process
    with pytest.raises(StoreUnavailable, match="runs no query processes"):
        run_query(big_store, "ASK { ?s ?p ?o }")


def test_embedded_errors_from_the_child_process(big_store: EmbeddedStore) -> None:
    with pytest.raises(QuerySyntaxError):
        run_query(big_store, "SELECT * {", timeout=5)
    with pytest.raises(NotAcceptable):
        run_query(big_store, "ASK {}", "text/csv", timeout=5)


SHARED = f'<{EX}c> <{EX}p> "shared" '


def _union(store: EmbeddedStore) -> list[dict[str, object]]:
    """The store's own default graph (the materialised union), read without the API."""
    return [
        {"s": s.subject.value, "o": s.object.value}
        for s in store._store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    ]


def test_embedded_union_follows_every_write() -> None:
    store = EmbeddedStore()
    store.load_dataset(f"{SHARED}<{EX}g1> .\n{SHARED}<{EX}g2> .\n".encode(), "application/n-quads")
    assert _union(store) == [{"s": EX + "c", "o": "shared"}]  # stated twice, kept once
    assert store.count() == 2
    store.drop_graph(EX + "g1")
    assert len(_union(store)) == 1  # g2 still states it
    store.replace_graph(EX + "g2", f'<{EX}d> <{EX}p> "new" .'.encode(), "application/n-triples")
    assert _union(store) == [{"s": EX + "d", "o": "new"}]
    store.load_dataset(f"{SHARED}<{EX}g3> .\n".encode(), "application/n-quads")
    assert sorted(r["o"] for r in _union(store)) == ["new", "shared"]
    assert store.count() == 2
    store.drop_graph(EX + "g3")
    store.drop_graph(EX + "g2")
    assert _union(store) == [] and store.count() == 0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<http://a/s> <http://a/p> <http://a/o> .", "named graph"),
        (f"{SHARED}<{EX}g1> .\nthis is not N-Quads\n".encode(), "invalid"),
    ],
)
def test_embedded_failed_first_load_leaves_it_empty(data: bytes, reason: str) -> None:
    store = EmbeddedStore()
    with pytest.raises(StoreError, match=reason):
        store.load_dataset(data, "application/n-quads")
    assert len(store._store) == 0 and store.graphs() == []


def test_embedded_store_written_without_a_union_gets_one(tmp_path: Path) -> None:
    old = ox.Store(str(tmp_path / "db"))
    old.add(
        ox.Quad(ox.NamedNode(EX + "c"), ox.NamedNode(EX + "p"), ox.Literal("shared"), ox.NamedNode(EX + "g"))
    )
    old.flush()
    del old
    store = EmbeddedStore(tmp_path / "db")
    assert _union(store) == [{"s": EX + "c", "o": "shared"}]
    assert store.count() == 1


def test_embedded_on_disk_persists(tmp_path: Path) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'db'}")
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    store.close()
    del store
    reopened = open_store(f"oxigraph:{tmp_path / 'db'}")
    # RocksDB does not survive fork: queries run in fork-server children that open it read-only
    assert reopened.isolation == "worker"
    assert EmbeddedStore().isolation == "fork"
    assert reopened.count() == 14
    assert run_query(reopened, "ASK { ?s ?p ?o }", timeout=5)[0].endswith(b"true}")


# --- configuration ---------------------------------------------------------------


def test_open_store_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BESKGRAPH_STORE", raising=False)
    assert isinstance(open_store(), EmbeddedStore)
    monkeypatch.setenv("BESKGRAPH_STORE", "http://127.0.0.1:7878")
    store = open_store()
    assert isinstance(store, RemoteStore)
    assert (store.query_url, store.update_url, store.gsp_url) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    )
    monkeypatch.setenv("BESKGRAPH_STORE", "https://db.example/ds/sparql")
    monkeypatch.setenv("BESKGRAPH_STORE_GSP", "https://db.example/ds/data")
    store = open_store()
    assert (store.query_url, store.update_url, store.gsp_url) == (  # type: ignore[union-attr]
        "https://db.example/ds/sparql",
        None,
        "https://db.example/ds/data",
    )
    with pytest.raises(ValueError, match="not understood"):
        open_store("ftp://nope")


# --- remote failures: never a hang --------------------------------------------------


def test_remote_store_down_is_unavailable_quickly() -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/query", retries=2, backoff=0.05)
    start = time.monotonic()
    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.count()
    assert time.monotonic() - start < 5


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


@pytest.mark.integration  # a loopback server that never answers, and waits for time-outs
def test_slow_remote_store_times_out(silent_server: str) -> None:
    store = open_store(silent_server, read_timeout=0.5)
    start = time.monotonic()
    with pytest.raises(StoreUnavailable, match="did not answer in time"):
        store.select("SELECT * { ?s ?p ?o }")
    # With a time limit, the limit and the connection's read time-out end at the same moment
    # (both are the limit plus a margin): either error may be the one reported, and both say
    # that no answer came in time; what must hold is that the query ends, and soon.
    with pytest.raises((StoreUnavailable, QueryTimeout)):
        run_query(store, "ASK {}", timeout=0.3)
    assert time.monotonic() - start < 5


def test_remote_store_refusal_is_store_error(oxigraph_url: str) -> None:
    store = RemoteStore(oxigraph_url + "/no-such-endpoint")
    with pytest.raises(StoreError) as info:
        store.select("SELECT * { ?s ?p ?o }")
    assert not isinstance(info.value, StoreUnavailable)


def test_embedded_on_disk_queries_see_every_write_at_once(tmp_path: Path) -> None:
    # Query processes open a snapshot per write generation: never a half-compacted store.
    store = EmbeddedStore(tmp_path / "db")
    count = "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    for i in range(1, 8):
        store.replace_graph(f"{EX}g{i}", BIG, "text/turtle")
        body, _ = run_query(store, count, "text/csv")
        assert body.split() == [b"n", str(i).encode()]
    store.close()
    assert [p.name for p in tmp_path.iterdir()] == ["db"]  # the last snapshot is gone with the store


@pytest.mark.integration  # a second process on the store
def test_a_store_directory_in_use_is_named_in_one_line(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "store")
    try:
        with pytest.raises(StoreError, match=r"oxigraph:.*/store is in use by another process"):
            EmbeddedStore(tmp_path / "store")
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from beskgraph.store import EmbeddedStore\nEmbeddedStore(sys.argv[1])",
                str(tmp_path / "store"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode == 1
        last = other.stderr.strip().splitlines()[-1]
        assert (
            last.startswith("beskgraph.store.errors.StoreError: oxigraph:")
            and "in use by another process" in last
        )
        assert "During handling" not in other.stderr  # no pyoxigraph traceback chained to it
    finally:
        first.close()


@pytest.mark.integration  # a second process on the store
def test_a_killed_bulk_load_leaves_no_batch_files_once_the_store_is_opened_again(tmp_path: Path) -> None:
    store = tmp_path / "store"
    quads = "".join(f'<http://e/s{i}> <http://e/p> "{i}" <http://e/g{i % 3}> .\n' for i in range(1_100_000))
    (tmp_path / "data.nq").write_text(quads, encoding="utf-8")
    loader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom pathlib import Path\n"
            "from beskgraph.store import EmbeddedStore\n"
            "EmbeddedStore(sys.argv[1]).load_dataset(Path(sys.argv[2]).read_bytes(), 'nquads')",
            str(store),
            str(tmp_path / "data.nq"),
        ]
    )
    try:
        deadline = time.monotonic() + 120
        while not list(store.glob("bulk-*.sst")) and loader.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(store.glob("bulk-*.sst")), "the load wrote no batch file before it ended"
    finally:
        loader.terminate()
        loader.wait(timeout=60)
    assert list(store.glob("bulk-*.sst"))  # left by the killed load
    EmbeddedStore(store).close()
    assert not list(store.glob("bulk-*.sst"))
