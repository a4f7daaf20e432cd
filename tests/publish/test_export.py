"""One writer: ``beskgraph export -f X`` gives the bytes the server's ``/dump.X`` gives for the
same graph, in every format — exported from a built file, or built afresh (the build's
times are pinned by ``SOURCE_DATE_EPOCH``, see conftest), and the build's own output is
those bytes too."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.build import BuildResult
from beskgraph.config import SEEDS_DIR
from beskgraph.formats.table import GRAPH_FORMATS, TRIG, Format
from beskgraph.launch import fill_store
from beskgraph.store import EmbeddedStore
from tests.support import http

# integration: the command line in processes, and the server
pytestmark = pytest.mark.integration


def cli(*args: str) -> bytes:
    done = subprocess.run([sys.executable, "-m", "beskgraph.cli", *args], capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds built by the command line into a TriG file."""
    out = tmp_path_factory.mktemp("export") / "beskgraph.trig"
    cli("build", str(SEEDS_DIR), "-o", str(out))
    return out


@pytest.fixture
def served(built: Path, serve_app: Callable[[Starlette], str]) -> Iterator[str]:
    """The server, over a store loaded with the built file as ``serve --graph`` loads it."""
    store = EmbeddedStore()
    fill_store(store, graph=built)
    yield serve_app(create_app(store))
    store.close()


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_export_of_the_built_file_is_the_served_dump(fmt: Format, built: Path, served: str) -> None:
    dump = http.get(f"{served}/dump.{fmt.extension}", timeout=60)
    assert dump.status_code == 200 and dump.headers["content-type"].startswith(fmt.media_type)
    exported = cli("export", "--format", fmt.name, "--input", str(built))
    assert len(exported) > 100_000
    assert exported == dump.content


def test_a_fresh_build_exports_and_writes_the_dumped_bytes(
    built: Path, served: str, seed_build: BuildResult
) -> None:
    assert seed_build.serialise(TRIG) == built.read_bytes()
    for fmt in GRAPH_FORMATS:
        dump = http.get(f"{served}/dump.{fmt.extension}", timeout=60).content
        assert seed_build.serialise(fmt) == dump, fmt.name
    assert cli("export", "--format", "jsonld") == http.get(f"{served}/dump.jsonld", timeout=60).content


def test_a_file_without_named_graphs_exports_only_to_formats_without_them(
    built: Path, tmp_path: Path
) -> None:
    turtle = tmp_path / "union.ttl"
    turtle.write_bytes(cli("export", "--format", "turtle", "--input", str(built)))
    assert cli("export", "--format", "ntriples", "--input", str(turtle)) == cli(
        "export", "--format", "ntriples", "--input", str(built)
    )
    refused = subprocess.run(
        [sys.executable, "-m", "beskgraph.cli", "export", "-f", "trig", "-i", str(turtle)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert refused.returncode == 2 and "has no named graphs to write as trig" in refused.stderr
