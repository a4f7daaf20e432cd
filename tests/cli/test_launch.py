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
from beskgraph.build import BuildResult, serialise
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
