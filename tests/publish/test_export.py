"""One writer: ``beskgraph export -f X`` gives the bytes the server's ``/dump.X`` gives for the
same graph, in every format — exported from a built file, or built afresh (the build's
times are pinned by ``SOURCE_DATE_EPOCH``, see conftest), and the build's own output is
those bytes too."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


def refused(*args: str) -> str:
    """What ``beskgraph`` prints when it refuses ``args`` (exit code 2)."""
    done = subprocess.run(
        [sys.executable, "-m", "beskgraph.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert done.returncode == 2, done.stderr[-2000:]
    return done.stderr


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
    assert "has no named graphs to write as trig" in refused("export", "-f", "trig", "-i", str(turtle))


@pytest.mark.parametrize("unbuffered", ["1", ""], ids=["PYTHONUNBUFFERED", "buffered"])
def test_export_to_a_pipe_that_takes_little_at_a_time_gives_every_byte(
    built: Path, tmp_path: Path, unbuffered: str
) -> None:
    """Standard output a non-blocking pipe (as a parent such as Node may leave it) that a slow
    reader drains: the pipe takes 64 KiB, then refuses more until read. Every byte still
    arrives. Before, under ``PYTHONUNBUFFERED`` (common in containers) one unchecked write of
    the raw file sent the first 64 KiB, dropped the rest and exited 0; buffered, the export
    failed with BlockingIOError. (Profiling a run with py-spy, whose pauses cut blocking
    writes short, truncated exports to stdout at a multiple of 64 KiB the same way.)"""
    expected = tmp_path / "expected.ttl"
    cli("export", "--format", "turtle", "--input", str(built), "-o", str(expected))
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # the write end's open file, shared with the child
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update({"PYTHONUNBUFFERED": unbuffered} if unbuffered else {})
    export = subprocess.Popen(
        [sys.executable, "-m", "beskgraph.cli", "export", "--format", "turtle", "--input", str(built)],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(write_end)
    received = bytearray()
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while chunk := pipe.read(16384):
            received += chunk
            time.sleep(0.002)  # slower than the writer: the pipe fills
    stderr = export.stderr.read().decode() if export.stderr else ""
    assert export.wait(timeout=120) == 0, stderr[-2000:]
    assert bytes(received) == expected.read_bytes(), (len(received), expected.stat().st_size)


def test_a_format_is_not_written_under_another_formats_extension(built: Path, tmp_path: Path) -> None:
    mislabelled = tmp_path / "graph.trig"
    message = refused("export", "-f", "nquads", "-i", str(built), "-o", str(mislabelled))
    assert f"cannot export: {mislabelled} names a trig file; write nquads as *.nq" in message
    assert not mislabelled.exists()
    unnamed = tmp_path / "graph.data"  # an extension of no graph format: the user's choice
    cli("export", "-f", "nquads", "-i", str(built), "-o", str(unnamed))
    assert unnamed.read_bytes() == cli("export", "-f", "nquads", "-i", str(built))


def test_a_file_in_the_way_of_the_output_folder_is_named(built: Path, tmp_path: Path) -> None:
    in_the_way = tmp_path / "graph.trig"
    in_the_way.write_bytes(b"kept\n")
    for output in (in_the_way / "copy.trig", in_the_way / "sub" / "copy.trig"):
        message = refused("export", "-f", "trig", "-i", str(built), "-o", str(output))
        assert f"cannot export: {in_the_way}: a file, not a folder" in message, message
    assert in_the_way.read_bytes() == b"kept\n"
