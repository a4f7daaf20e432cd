"""``python server.py``: builds from seeds/, honours --port and PORT, reuses a persistent store."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bench.loopback import free_port
from beskgraph.build import BuildFailed, BuildResult, serialise
from beskgraph.launch import fill_store
from beskgraph.store import EmbeddedStore
from tests.support import http
from tests.support.paths import ROOT

# integration: ``python server.py`` processes
pytestmark = pytest.mark.integration


def wait_for_health(port: int, process: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else "server exited"
        try:
            return http.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("server did not come up")


def test_server_py_builds_the_seeds_and_serves_on_the_port_from_env():
    port = free_port()
    env = {**os.environ, "PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = wait_for_health(port, process)
        assert health["status"] == "ok"
        assert health["triples"] > 3000
        answer = http.get(
            f"http://127.0.0.1:{port}/sparql",
            params={"query": 'ASK { ?m <https://w3id.org/beskgraph/ontology#kommunekode> "410" }'},
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        )
        assert answer.json()["boolean"] is True
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_persistent_store_is_served_without_rebuilding(tmp_path: Path):
    store = EmbeddedStore(str(tmp_path / "store"))
    assert fill_store(store).startswith("built 5 documents")
    count = store.count()
    store.close()
    del store
    gc.collect()  # pyoxigraph releases the directory lock when the store is freed
    reopened = EmbeddedStore(str(tmp_path / "store"))
    assert fill_store(reopened) == f"serving the {count} quads already in the store"
    reopened.close()


def test_a_built_graph_file_is_loaded_as_it_is(tmp_path: Path, seed_build: BuildResult):
    graph = tmp_path / "g.trig"
    graph.write_bytes(serialise(seed_build.dataset, "trig"))
    store = EmbeddedStore()
    assert fill_store(store, graph=graph) == f"loaded {graph}"
    assert len([g for g in store.graphs() if g.endswith("/graph/reference")]) == 1


def test_a_graph_file_loaded_again_drops_the_graphs_no_longer_in_it(tmp_path: Path, seed_build: BuildResult):
    graph, store = tmp_path / "g.nq", EmbeddedStore()
    quads = seed_build.serialise("nquads")
    graph.write_bytes(quads)
    fill_store(store, graph=graph)
    card = "https://w3id.org/beskgraph/graph/001-0790efc861254765"
    assert card in store.graphs()
    graph.write_bytes(b"".join(q for q in quads.splitlines(True) if not q.endswith(f"<{card}> .\n".encode())))
    assert fill_store(store, graph=graph) == f"loaded {graph}; 1 graph(s) not in it dropped"
    assert card not in store.graphs() and any(g.endswith("/graph/reference") for g in store.graphs())


def test_a_graph_file_must_be_a_regular_file(tmp_path: Path):
    fifo = tmp_path / "graph.trig"
    os.mkfifo(fifo)  # read, it would block until a writer came and went
    with pytest.raises(ValueError, match=f"--graph {fifo}: not a regular file"):
        fill_store(EmbeddedStore(), graph=fifo)


def test_sources_of_which_none_can_be_used_leave_the_graph_held(tmp_path: Path):
    store = EmbeddedStore()
    fill_store(store)
    held = store.count()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "letter.txt").write_bytes(b"\xff\xfe not a document \x00")
    with pytest.raises(BuildFailed, match=f"no document could be used; the {held} quads"):
        fill_store(store, sources=[bad], rebuild=True, cache=None)
    assert store.count() == held
