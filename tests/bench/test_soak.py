"""The soak machinery runs: a real server, a few clients for two seconds, hostile requests mixed in."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.calls import DEFAULT_HOSTILE, hostile
from bench.soak import canary, markdown, run
from bench.stats import slope
from beskgraph.build import BuildResult
from tests.support import http

# integration: a soak run against a real server
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory: pytest.TempPathFactory, seed_build: BuildResult) -> Path:
    graph = tmp_path_factory.mktemp("soak") / "graph.nq"
    graph.write_bytes(seed_build.serialise("nquads"))
    return graph


def test_a_short_soak_reports_every_kind(seed_graph: Path) -> None:
    result = run(seed_graph, clients=6, seconds=2, hostile_kinds=DEFAULT_HOSTILE, hostile_clients=2)
    assert set(result["polite"]) == {"graphql", "sparql", "dump", "description"}
    for kind, row in result["polite"].items():
        assert row["latency_ms"]["n"] > 0, kind
        assert row["errors"] == 0, row["first_errors"]
        assert 0 < row["latency_ms"]["p50"] <= row["latency_ms"]["p99"]
    assert result["hostile"]  # at least the first hostile requests were answered
    for key, row in result["hostile"].items():
        assert key.split(":")[0] in DEFAULT_HOSTILE
        assert sum(row["statuses"].values()) == row["latency_ms"]["n"] > 0
    assert result["server_alive"] and result["health_after"] == 200
    memory = result["memory"]
    assert len(memory["samples"]) >= 2 and 0 < memory["start_mib"] <= memory["max_mib"]
    assert not math.isnan(memory["slope_mib_per_min"])
    assert 0 < memory["open_files"]["start"] <= memory["open_files"]["max"]
    assert result["server_errors"] == []
    assert result["graph"]["triples"] > 3000
    report = markdown(result)
    assert "| graphql |" in report and "MiB/min" in report and "canary" in report


def test_the_canary_counts_every_request_it_gets() -> None:
    with canary() as (url, seen):
        assert http.get(url + "/sparql?query=x").json()["results"]["bindings"] == []
        http.post(url + "/other", content=b"body")
    assert seen == ["GET /sparql?query=x HTTP/1.1", "POST /other HTTP/1.1"]


def test_hostile_requests_name_the_canary_and_have_a_kind_each() -> None:
    catalogue = hostile("http://127.0.0.1:9")
    assert set(DEFAULT_HOSTILE) < set(catalogue)
    assert all("http://127.0.0.1:9/sparql" in str(call.options) for call in catalogue["SERVICE"])
    assert all(call.kind == kind for kind, calls in catalogue.items() for call in calls)
    huge = catalogue["huge body"][0].options["content"]
    assert len(huge) > 16 * 2**20


def test_slope() -> None:
    assert slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    assert math.isnan(slope([(1, 1)]))
