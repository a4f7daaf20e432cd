"""The server targets' machinery: new documents really are new and valid, and a short wrk run
against ``server.py`` measures and reports."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from graphql import parse, validate

from bench import wrk
from bench.report import targets
from bench.requests import typical_requests
from beskgraph.api.graphql import schema
from beskgraph.build import BuildResult
from beskgraph.store import EmbeddedStore

# integration: wrk against ``server.py``
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def store(seed_build: BuildResult) -> EmbeddedStore:
    loaded = EmbeddedStore()
    loaded.load_dataset(seed_build.serialise("nquads"), "application/n-quads")
    return loaded


def test_each_new_document_is_another_valid_document(store: EmbeddedStore) -> None:
    bodies = wrk.new_document_bodies(typical_requests(store))
    assert len(bodies) == 6
    for body in bodies:
        payload = json.loads(body)
        assert wrk.ALIAS in payload["query"]
        first, second = (payload["query"].replace(wrk.ALIAS, tag) for tag in ("t0_1", "t1_7"))
        assert first != second
        for query in (first, second):
            assert validate(schema._schema, parse(query)) == []


def test_a_short_run_measures_and_reports(
    store: EmbeddedStore, seed_build: BuildResult, tmp_path: Path
) -> None:
    if wrk.WRK is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the wrk scenarios: apt-get install wrk")
        pytest.skip("wrk is not installed (Debian: apt-get install wrk)")
    graph = tmp_path / "graph.nq"
    graph.write_bytes(seed_build.serialise("nquads"))
    result = wrk.measure(graph, typical_requests(store), clients=4, seconds=3, workers=(2,))
    runs = result["runs"]
    assert set(runs) == {"new documents, 2 workers", "repeated, 2 workers"}
    for run in runs.values():
        assert run["errors"] == 0, run["error_kinds"]
        assert run["requests"] > 0 and 0 < run["latency_ms"]["p50"] <= run["latency_ms"]["p99"]
        assert 0 < run["client_cpu_cores"] < 1.5 and run["server_cpu_cores"] > 0
        assert run["memory_mib"]["start"] > 0
    # the repeated request is answered from the response cache: many times the new documents
    assert (
        runs["repeated, 2 workers"]["requests_per_s"] > 3 * runs["new documents, 2 workers"]["requests_per_s"]
    )
    report = "\n".join(targets([{"size": 10, "targets": result}]))
    assert "| 10 | new documents, 2 workers |" in report
    assert "10 documents, a repeated request: " in report and "errors: met (0)" in report
