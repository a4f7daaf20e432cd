"""Dump files: one build per format and generation, a cap on builds, no partial file, HEAD/Range."""

from __future__ import annotations

import asyncio
import hashlib
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.dump_cache import DumpCache
from beskgraph.api.file_response import Unsatisfiable, byte_range
from beskgraph.api.settings import Settings
from beskgraph.store import EmbeddedStore, StoreError
from tests.support import http
from tests.support.stores import SAMPLE_TRIG

EX = "http://example.org/"


class WatchedStore(EmbeddedStore):
    """The embedded store, its dumps counted and slowed down (so that requests overlap),
    and made to fail half-way on demand."""

    def __init__(self) -> None:
        super().__init__()
        self.builds: list[str] = []
        self.running = 0
        self.most_running = 0
        self.fail = False
        self._lock = threading.Lock()

    def dump(self, format: str) -> Iterator[bytes]:
        with self._lock:
            self.builds.append(format)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            time.sleep(0.3)
            chunks = list(super().dump(format))
        finally:
            with self._lock:
                self.running -= 1
        yield chunks[0]
        if self.fail:
            raise StoreError("the store went away in the middle of the dump")
        yield from chunks[1:]


@pytest.fixture
def watched() -> WatchedStore:
    store = WatchedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    return store


async def _get_all(base: str, paths: list[str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        return list(await asyncio.gather(*(client.get(path) for path in paths)))


def test_concurrent_requests_share_one_build_per_format(
    serve_app: Callable[[Starlette], str], watched: WatchedStore
) -> None:
    base = serve_app(create_app(watched))
    paths = ["/dump.trig"] * 8 + ["/dump.nq"] * 4 + ["/dump.ttl"] * 4
    responses = asyncio.run(_get_all(base, paths))
    assert [r.status_code for r in responses] == [200] * len(paths)
    assert watched.builds == ["nquads"] * 3  # one build per format, each from the store's N-Quads
    assert watched.most_running == 1  # max_dump_builds defaults to 1
    assert len({r.content for r in responses[:8]}) == 1
    again = http.get(base + "/dump.trig")
    assert again.content == responses[0].content
    assert watched.builds == ["nquads"] * 3  # served from the file


def test_the_build_limit_is_a_setting(serve_app: Callable[[Starlette], str], watched: WatchedStore) -> None:
    base = serve_app(create_app(watched, settings=Settings(max_dump_builds=2)))
    paths = ["/dump.trig", "/dump.nq", "/dump.ttl", "/dump.nt", "/dump.jsonld"] * 2
    assert {r.status_code for r in asyncio.run(_get_all(base, paths))} == {200}
    assert watched.builds == ["nquads"] * 5
    assert watched.most_running == 2


def test_a_write_gives_new_dumps_and_old_files_are_removed(serve_app: Callable[[Starlette], str]) -> None:
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    app = create_app(store)
    base = serve_app(app)
    directory: Path = app.state.dumps.directory
    first = http.get(base + "/dump.nq").content
    store.replace_graph(EX + "graph3", f'<{EX}x> <{EX}says> "new" .'.encode(), "application/n-triples")
    second = http.get(base + "/dump.nq").content
    assert b'"new"' in second and b'"new"' not in first
    assert len(list(directory.iterdir())) == 2  # the file just replaced is kept a while
    store.drop_graph(EX + "graph3")
    third = http.get(base + "/dump.nq")
    assert third.content == first  # deterministic: same data, same bytes
    files = sorted(directory.iterdir(), key=lambda p: int(p.name.split(".")[0]))
    assert len(files) == 2 and files[-1].read_bytes() == first  # the first file is gone
    assert files[0].read_bytes() == second


def test_a_failed_build_leaves_no_file_and_is_tried_again(
    serve_app: Callable[[Starlette], str], watched: WatchedStore
) -> None:
    app = create_app(watched)
    base = serve_app(app)
    watched.fail = True
    response = http.get(base + "/dump.trig")
    assert response.status_code == 500
    assert "the store went away" in response.text
    assert list(app.state.dumps.directory.iterdir()) == []  # no partial file, nothing to serve
    watched.fail = False
    response = http.get(base + "/dump.trig")
    assert response.status_code == 200
    assert response.content == b"".join(EmbeddedStore.dump(watched, "trig"))
    assert [p.suffix for p in app.state.dumps.directory.iterdir()] == [".trig"]


def test_head_and_range_requests(serve_app: Callable[[Starlette], str]) -> None:
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    url = serve_app(create_app(store)) + "/dump.trig"
    full = http.get(url)
    size = len(full.content)
    assert int(full.headers["content-length"]) == size and full.headers["accept-ranges"] == "bytes"
    head = http.head(url)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == size
    assert head.headers["content-type"].startswith("application/trig")
    part = http.get(url, headers={"Range": "bytes=10-49"})
    assert part.status_code == 206
    assert part.content == full.content[10:50]
    assert part.headers["content-range"] == f"bytes 10-49/{size}"
    tail = http.get(url, headers={"Range": "bytes=-20"})
    assert tail.content == full.content[-20:]
    assert http.get(url, headers={"Range": f"bytes=20-{size + 99}"}).content == full.content[20:]
    unsatisfiable = http.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert unsatisfiable.status_code == 416 and unsatisfiable.headers["content-range"] == f"bytes */{size}"
    # several ranges, a malformed one or a stale If-Range: the whole file, as RFC 9110 allows
    for headers in (
        {"Range": "bytes=0-1,5-6"},
        {"Range": "bytes=x-y"},
        {"Range": "lines=1-2"},
        {"Range": "bytes=0-9", "If-Range": '"stale"'},
    ):
        whole = http.get(url, headers=headers)
        assert (whole.status_code, whole.content) == (200, full.content), headers
    assert http.get(url, headers={"Range": "bytes=0-9", "If-Range": full.headers["etag"]}).status_code == 206


def test_etag_is_the_content_hash_and_if_none_match_gives_304(serve_app: Callable[[Starlette], str]) -> None:
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    url = serve_app(create_app(store)) + "/dump.nq"
    full = http.get(url)
    assert full.headers["etag"] == f'"{hashlib.sha256(full.content).hexdigest()}"'
    cached = http.get(url, headers={"If-None-Match": f'"other", W/{full.headers["etag"]}'})
    assert cached.status_code == 304 and cached.content == b""
    assert http.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_files_live_in_a_private_directory_removed_with_the_cache(tmp_path: Path) -> None:
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    cache = DumpCache(store, tmp_path / "dumps", max_builds=1)
    file, generation = asyncio.run(cache.file("nquads"))
    path = file.path
    assert generation == store.generation and file.size == path.stat().st_size
    assert path.parent.parent == tmp_path / "dumps"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes() == b"".join(store.dump("nquads"))
    cache.close()
    assert not path.parent.exists() and (tmp_path / "dumps").is_dir()


def test_dump_dir_and_build_limit_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BESKGRAPH_DUMP_DIR", str(tmp_path))
    monkeypatch.setenv("BESKGRAPH_MAX_DUMP_BUILDS", "3")
    settings = Settings.from_env()
    assert (settings.dump_dir, settings.max_dump_builds) == (str(tmp_path), 3)
    app = create_app(EmbeddedStore(), settings=settings)
    assert app.state.dumps.directory.parent == tmp_path


def test_byte_range() -> None:
    assert byte_range("bytes=0-9", 100) == (0, 10)
    assert byte_range("bytes=90-", 100) == (90, 100)
    assert byte_range("bytes=-30", 100) == (70, 100)
    assert byte_range("bytes=-300", 100) == (0, 100)
    assert byte_range("bytes=95-200", 100) == (95, 100)
    for whole in (None, "", "bytes=5-2", "bytes=1-2,4-5", "bytes=a-b", "bytes=-", "items=0-1", "bytes=0"):
        assert byte_range(whole, 100) is None, whole
    for beyond in ("bytes=100-", "bytes=-0"):
        with pytest.raises(Unsatisfiable):
            byte_range(beyond, 100)


def test_a_client_leaving_mid_download_does_not_disturb_the_server(
    serve_app: Callable[[Starlette], str],
) -> None:
    store = EmbeddedStore()
    data = "".join(f'<{EX}s{i}> <{EX}p> "value number {i}" .\n' for i in range(20000))
    store.replace_graph(EX + "big", data.encode(), "application/n-triples")
    url = serve_app(create_app(store)) + "/dump.nq"
    size = len(http.get(url).content)
    for _ in range(20):
        with http.stream("GET", url) as response:
            next(response.iter_raw(1024))  # then hang up
    assert len(http.get(url).content) == size
