"""The read-only checkpoints an on-disk store is served from: one per load, kept while its
workers serve it, removed when released; a killed server's swept at the next start, another
running server's left alone; a failed load lets the store go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from beskgraph.api.dump_dirs import owner
from beskgraph.build import BuildFailed
from beskgraph.launch import Checkpoints
from beskgraph.store import EmbeddedStore, disk_folder, open_store


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


def test_a_start_sweeps_the_checkpoints_of_ended_servers_and_no_others(tmp_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale, live = tmp_path / f".db.generation-{ended.pid}-abc", tmp_path / ".db.generation-1-abc"
    for folder in (stale, live):  # pid 1 is alive: another server's
        folder.mkdir()
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
