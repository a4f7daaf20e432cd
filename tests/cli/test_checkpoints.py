"""The read-only checkpoints an on-disk store is served from: one per load, kept while its
workers serve it, removed when released; a killed server's swept at the next start, another
running server's left alone, also one whose process cannot be seen but holds its lock; a
failed load lets the store go; a store overlapping a source folder is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from beskgraph.api.dump_dirs import owner
from beskgraph.build import BuildFailed
from beskgraph.launch import Checkpoints, ServeOptions, graph_load
from beskgraph.store import EmbeddedStore, disk_folder, open_store
from tests.support.locks import held


def fill(store: EmbeddedStore, *, rebuild: bool) -> str:
    store.replace_graph("urn:g", b"<urn:s> <urn:p> 'x' .", "text/turtle")
    return "filled"


def test_each_load_leaves_a_checkpoint_kept_until_released(tmp_path: Path) -> None:
    checkpoints = Checkpoints(tmp_path / "db", fill, rebuild=False)
    first, second = checkpoints.load(False), checkpoints.load(True)
    assert len(list(tmp_path.glob(".db.generation-*"))) == 2  # the first still serves until released
    assert first.open().count() == 1
    first.release()
    [left] = tmp_path.glob(".db.generation-*")
    assert second.open().count() == 1 and owner(left, ".db.generation-") is not None


def test_a_start_sweeps_the_checkpoints_nobody_holds_whatever_their_pid(tmp_path: Path) -> None:
    # pid 1 always looks alive: it is a server that ran as init in a container and was killed
    stale, live = tmp_path / ".db.generation-1-abc", tmp_path / f".db.generation-{os.getpid()}-abc"
    for folder in (stale, live):
        folder.mkdir()
    with held(live):  # another server's, running
        Checkpoints(tmp_path / "db", fill, rebuild=False).load(False)
        assert not stale.exists() and live.exists()


def test_a_failed_load_lets_the_store_go(tmp_path: Path) -> None:
    def fail(store: EmbeddedStore, *, rebuild: bool) -> str:
        raise BuildFailed("source not found: nowhere")

    with pytest.raises(BuildFailed):
        Checkpoints(tmp_path / "db", fail, rebuild=False).load(False)
    EmbeddedStore(tmp_path / "db").close()  # not "in use by another process": the lock is free
    assert not list(tmp_path.glob(".db.generation-*"))


@pytest.mark.parametrize("url", ["oxigraph:", "oxigraph:  "])
def test_an_on_disk_store_without_a_folder_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="names no folder"):
        disk_folder(url)
    with pytest.raises(ValueError, match="names no folder"):
        open_store(url)


def test_a_checkpoint_locked_by_a_server_out_of_sight_is_kept(tmp_path: Path) -> None:
    """A server in another PID namespace (another container on a shared volume): its pid is
    not seen from here, but it holds its checkpoint's lock."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    theirs = tmp_path / f".db.generation-{ended.pid}-abc"  # a pid not seen here
    theirs.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(theirs)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        Checkpoints(tmp_path / "db", fill, rebuild=False).load(False)
        assert theirs.exists()
    finally:
        holder.kill()
        holder.wait()
    Checkpoints(tmp_path / "db", fill, rebuild=False).load(False)  # its holder gone: stale
    assert not theirs.exists()


HOLD = """
import fcntl, os, sys, time
handle = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(handle, fcntl.LOCK_SH)
print("held", flush=True)
time.sleep(600)
"""


def test_an_on_disk_store_overlapping_a_source_folder_is_refused(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for store, given in ((sources / "db", sources), (tmp_path, sources)):
        with pytest.raises(ValueError, match="overlap: the store's files would be read as documents"):
            graph_load(ServeOptions(sources=(given,), store=f"oxigraph:{store}"))
    graph_load(ServeOptions(sources=(sources,), store=f"oxigraph:{tmp_path / 'db'}"))  # beside it: fine
