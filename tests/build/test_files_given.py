"""What a build takes from the file system and leaves in it: each source once however it is
spelt, never its own output, entries that cannot be read reported rather than dropped, a
file name of another encoding left out with its reason; a cache folder the user named keeps
the user's files, and an entry that fails to be written leaves nothing behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from beskgraph import cache as cache_module
from beskgraph.build import build, find_sources
from beskgraph.cache import BuildCache, default_location
from beskgraph.config import SEEDS_DIR
from beskgraph.model.common import Status
from beskgraph.output import write_atomically

CARD = SEEDS_DIR / "000_2ad044e4a048410a.txt"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / CARD.name).write_bytes(CARD.read_bytes())
    return sources


def test_a_file_given_under_two_spellings_is_one_source(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(folder)
    spellings = [folder, folder / CARD.name, folder / ".." / "sources" / CARD.name, tmp_path / "link"]
    assert find_sources(spellings) == [folder / CARD.name]


def test_the_output_is_never_a_source(folder: Path) -> None:
    output = folder / "out.trig"
    output.write_text("# an earlier build\n")
    assert find_sources([folder], exclude=[output]) == [folder / CARD.name]
    assert find_sources([folder]) == [folder / CARD.name, output]


def test_entries_that_are_not_readable_files_are_kept_to_be_reported(folder: Path) -> None:
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "sub").mkdir()
    (folder / ".hidden.txt").write_text("x")
    assert [p.name for p in find_sources([folder])] == [CARD.name, "gone.txt", "pipe.txt"]
    result = build([folder], cache=None)
    reasons = {d.name: d.violations for d in result.documents if d.status is Status.LEFT_OUT}
    assert set(reasons) == {"gone.txt", "pipe.txt"}
    assert "No such file or directory" in reasons["gone.txt"][0]
    assert "not a regular file" in reasons["pipe.txt"][0]


def test_a_file_name_of_another_encoding_is_left_out_and_the_rest_built(folder: Path) -> None:
    latin1 = folder / os.fsdecode(b"caf\xe9.txt")  # "café" in Latin-1, as an old archive has it
    latin1.write_bytes(CARD.read_bytes().replace(b"Middelfart", b"Odense"))
    result = build([folder], cache=None)
    left_out = [d for d in result.documents if d.status is Status.LEFT_OUT]
    assert [d.name for d in left_out] == ["caf\ufffd.txt"]
    assert "the file name is not UTF-8" in left_out[0].violations[0]
    assert [d.kind for d in result.documents if d.status is not Status.LEFT_OUT] == ["catalogue-card"]


def test_pruning_a_cache_folder_touches_only_its_own_entries(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    key = "ab" + "0" * 62
    cache.put("parse", key, {"kept": False})
    mine = tmp_path / "notes" / "2024" / "plan.txt"  # the user's, three folders deep
    mine.parent.mkdir(parents=True)
    mine.write_text("mine")
    stray = tmp_path / "parse" / "ab" / ".tmp-x1y2"
    stray.write_bytes(b"half")
    long_ago = time.time() - 90 * 86400
    for path in (tmp_path / "parse" / "ab" / key, mine, stray):
        os.utime(path, (long_ago, long_ago))
    assert cache.prune() == 2
    assert mine.read_text() == "mine"
    assert sorted(p.name for p in (tmp_path / "parse" / "ab").iterdir()) == []


def test_an_entry_that_fails_to_be_written_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_module.os, "replace", full)
    BuildCache(tmp_path).put("parse", "cd" + "1" * 62, {"a": 1})  # only a slower build
    assert [p.name for p in (tmp_path / "parse" / "cd").iterdir()] == []


def test_no_home_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BESKGRAPH_CACHE", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)

    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", homeless)
    assert default_location() is None


def test_an_output_name_as_long_as_the_system_allows_is_written(tmp_path: Path) -> None:
    output = tmp_path / ("g" * 250 + ".trig")  # 255 characters
    write_atomically(output, b"# a build\n")
    write_atomically(output, b"# the next build\n")
    assert output.read_bytes() == b"# the next build\n"
    assert [p.name for p in tmp_path.iterdir()] == [output.name]
