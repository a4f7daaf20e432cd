"""The build as a whole: determinism, round-trips, bad input, atomic output, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import beskgraph.build as build_module
from beskgraph import workers
from beskgraph.build import serialise
from beskgraph.config import SEEDS_DIR


def run_cli(*args: str, seed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "beskgraph.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.integration  # the command line in a process
def test_two_builds_give_byte_identical_turtle_and_trig(tmp_path: Path):
    # three builds in other hash seeds; no cache: a build must not just reuse another's graphs
    for name, seed in (("a.trig", "1"), ("b.trig", "2"), ("b.ttl", "3")):
        assert run_cli("build", "-o", str(tmp_path / name), "--no-cache", seed=seed).returncode == 0
    assert (tmp_path / "a.trig").read_bytes() == (tmp_path / "b.trig").read_bytes()
    # the first build's graph as Turtle is the third build's Turtle
    exported = run_cli(
        "export", "--input", str(tmp_path / "a.trig"), "-f", "turtle", "-o", str(tmp_path / "a.ttl")
    )
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()


def test_turtle_round_trips_to_an_isomorphic_graph(seed_build):
    union = Graph()
    for graph in seed_build.dataset.graphs():
        union += graph
    parsed = Graph().parse(data=serialise(seed_build.dataset, "turtle"), format="turtle")
    assert len(parsed) == len(union) > 3000
    assert isomorphic(parsed, union)


def test_trig_and_nquads_keep_the_named_graphs(seed_build):
    for fmt in ("trig", "nquads"):
        parsed = Dataset()
        parsed.parse(data=serialise(seed_build.dataset, fmt), format=fmt)
        for graph in seed_build.dataset.graphs():
            if len(graph):
                assert isomorphic(parsed.graph(graph.identifier), graph), (fmt, graph.identifier)


@pytest.mark.integration  # the command line in a process
def test_summary_reports_kinds_triples_warnings_and_the_left_out_document(tmp_path: Path):
    result = run_cli("build", "-o", str(tmp_path / "g.trig"))
    assert result.returncode == 0, result.stderr
    assert "documents: 4 catalogue-card" in result.stderr
    assert "warnings: 1" in result.stderr
    assert "002_d90a65f16f5ed762.txt:77: answer printed without its label" in result.stderr


@pytest.mark.integration  # the command line in a process
def test_bad_documents_are_reported_and_the_rest_is_built(tmp_path: Path):
    # binary junk is left out with its reason; a text of no known kind is taken in as "other"
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "good.txt").write_bytes((SEEDS_DIR / "000_2ad044e4a048410a.txt").read_bytes())
    (sources / "binary.txt").write_bytes(b"Middelfart\n\x00\x01\x02\xff\xfe" + bytes(range(256)))
    (sources / "shopping.txt").write_text("Mælk\nBrød\n", encoding="utf-8")
    out = tmp_path / "g.ttl"
    result = run_cli("build", str(sources), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "left out binary.txt:2: binary data, not text" in result.stderr
    assert "documents: 1 catalogue-card, 1 other; left out: 1" in result.stderr
    assert "Skærpet fokus" in out.read_text(encoding="utf-8")
    strict = run_cli("build", str(sources), "-o", str(tmp_path / "strict.ttl"), "--strict")
    assert strict.returncode == 1
    assert not (tmp_path / "strict.ttl").exists()


@pytest.mark.integration  # the command line in a process
def test_a_failed_build_leaves_the_previous_output_untouched(tmp_path: Path):
    out = tmp_path / "g.ttl"
    assert run_cli("build", "-o", str(out)).returncode == 0
    before = out.read_bytes()
    broken = tmp_path / "broken"
    broken.mkdir()
    text = (SEEDS_DIR / "000_2ad044e4a048410a.txt").read_text(encoding="utf-8")
    (broken / "card.txt").write_text(
        text.replace("\n4,3\nEvidenstest\n\nEvidenstest vedr.", "\n9,9\nEvidenstest\n\nEvidenstest vedr."),
        encoding="utf-8",
    )
    result = run_cli("build", str(broken), "-o", str(out))
    assert result.returncode == 1
    assert "previous output left untouched" in result.stderr
    assert "card.txt:" in result.stderr and "[0, 5]" in result.stderr
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.integration  # the command line in a process
def test_validate_and_export_commands(tmp_path: Path):
    out = tmp_path / "g.trig"
    assert run_cli("build", "-o", str(out)).returncode == 0
    valid = run_cli("validate", str(out))
    assert valid.returncode == 0 and "conforms" in valid.stderr
    broken = tmp_path / "broken.trig"
    broken.write_text(
        out.read_text(encoding="utf-8").replace('bg:kommunekode "410"', 'bg:kommunekode "4100"'),
        encoding="utf-8",
    )
    invalid = run_cli("validate", str(broken))
    assert invalid.returncode == 1
    assert "three-digit kommunekode" in invalid.stderr
    exported = run_cli("export", "--format", "nquads", "--input", str(out))
    assert exported.returncode == 0
    assert "<https://w3id.org/beskgraph/graph/reference> ." in exported.stdout


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
@pytest.mark.integration  # the command line in a process
def test_export_formats_parse(fmt, tmp_path: Path):
    target = tmp_path / "export"
    assert run_cli("export", "--format", fmt, "-o", str(target)).returncode == 0
    if fmt == "jsonld":  # the dump's JSON-LD: one object per named graph
        dataset = Dataset().parse(target, format="json-ld")
        assert sum(len(graph) for graph in dataset.graphs()) > 3000
    else:
        assert len(Graph().parse(target, format="turtle")) > 3000


@pytest.mark.integration  # the command line in a process
def test_export_builds_through_the_build_cache_as_build_does(tmp_path: Path):
    cached, uncached = tmp_path / "cache", tmp_path / "none"
    assert (
        run_cli("export", "-f", "nquads", "-o", str(tmp_path / "a.nq"), "--cache", str(cached)).returncode
        == 0
    )
    assert any(path.is_file() for path in cached.rglob("*"))
    off = run_cli(
        "export", "-f", "nquads", "-o", str(tmp_path / "b.nq"), "--cache", str(uncached), "--no-cache"
    )
    assert off.returncode == 0 and not uncached.exists()
    assert (tmp_path / "a.nq").read_bytes() == (tmp_path / "b.nq").read_bytes()


@pytest.mark.integration  # build worker processes
def test_parallel_build_gives_the_same_bytes_as_one_process(seed_build, monkeypatch):
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_WORKER", 1)  # fork even for five documents
    parallel = build_module.build([SEEDS_DIR], workers=2)
    for fmt in ("trig", "nquads"):
        assert parallel.serialise(fmt) == seed_build.serialise(fmt)
    assert parallel.serialise("trig") == serialise(seed_build.dataset, "trig")
    assert [d.name for d in parallel.documents] == [d.name for d in seed_build.documents]
    assert parallel.triples == seed_build.triples == len(seed_build.serialise("nquads").splitlines())


@pytest.mark.integration  # build worker processes
def test_parallel_build_reports_a_violation_with_file_and_line(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(workers, "MIN_ITEMS_PER_WORKER", 1)
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        (tmp_path / seed.name).write_text(
            text.replace("\n3,1\nGod praksis test", "\n7,5\nGod praksis test"), encoding="utf-8"
        )
    with pytest.raises(build_module.BuildFailed) as error:
        build_module.build([tmp_path], workers=2, strict=True)
    assert "000_2ad044e4a048410a.txt:55" in str(error.value)
    assert "published score in [0, 5]" in str(error.value)
    # not strict: only the broken card is left out, the rest is built
    result = build_module.build([tmp_path], workers=2)
    assert [d.name for d in result.failed] == ["000_2ad044e4a048410a.txt"]
    assert "000_2ad044e4a048410a.txt:55: <" in result.failed[0].error
    assert len(result.documents) == 5
