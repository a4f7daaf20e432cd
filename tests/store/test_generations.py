"""Store generations (embedded and remote) and the work done once per generation."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable

import anyio
import pytest

from beskgraph.api import generations
from beskgraph.api.generations import LoadTimes, PerGeneration
from beskgraph.store import EmbeddedStore, RemoteStore, Store, StoreError, open_store
from tests.support.stores import SAMPLE_TRIG

EX = "http://example.org/"
TRIPLE = f'<{EX}x> <{EX}says> "new" .'.encode()


def test_every_write_moves_the_generation_and_reads_do_not(
    store_factory: Callable[[bytes], Store],
) -> None:
    store = store_factory(SAMPLE_TRIG)
    seen = [store.generation]
    store.select("SELECT * WHERE { ?s ?p ?o }")
    b"".join(store.dump("trig"))
    assert store.generation == seen[-1]
    for write in (
        lambda: store.replace_graph(EX + "graph3", TRIPLE, "application/n-triples"),
        lambda: store.drop_graph(EX + "graph3"),
        lambda: store.load_dataset(SAMPLE_TRIG, "application/trig"),
    ):
        write()
        seen.append(store.generation)
    assert seen == sorted(set(seen))  # strictly growing


@pytest.mark.integration  # a write of 200 000 triples
def test_a_read_overlapping_a_write_sees_the_generation_change() -> None:
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    big = b"".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n'.encode() for i in range(200_000))
    before = store.generation
    during: set[int] = set()
    writer = threading.Thread(target=store.replace_graph, args=(EX + "big", big, "application/n-triples"))
    writer.start()
    while writer.is_alive():
        during.add(store.generation)
        time.sleep(0.001)
    writer.join()
    after = store.generation
    # a read that began while the write was under way saw a generation outdated once it is done
    assert during - {before, after} and all(before < g < after for g in during - {before, after})


def test_a_remote_store_sees_changes_made_by_others(oxigraph_url: str) -> None:
    ours = open_store(oxigraph_url)
    theirs = open_store(oxigraph_url)
    assert isinstance(ours, RemoteStore)
    for graph in ours.graphs():
        ours.drop_graph(graph)
    ours.load_dataset(SAMPLE_TRIG, "application/trig")
    first = ours.generation
    theirs.replace_graph(EX + "graph3", TRIPLE, "application/n-triples")
    assert ours.generation == first  # trusted for generation_ttl seconds
    ours.generation_ttl = 0
    second = ours.generation
    assert second > first
    assert ours.generation == second  # nothing changed since
    theirs.drop_graph(EX + "graph3")
    assert ours.generation > second
    ours.close()
    theirs.close()


def test_per_generation_computes_once_and_shares_the_result() -> None:
    calls: list[int] = []
    replaced: list[str] = []

    def compute(value: str) -> Callable[[], str]:
        def run() -> str:
            calls.append(1)
            time.sleep(0.2)
            return value

        return run

    async def main() -> None:
        cache: PerGeneration[str] = PerGeneration(anyio.CapacityLimiter(1), replaced.append)
        values = await asyncio.gather(*(cache.get("k", 1, compute("one")) for _ in range(5)))
        assert values == ["one"] * 5 and len(calls) == 1
        assert await cache.get("k", 1, compute("other")) == "one" and len(calls) == 1
        assert await cache.get("k", 2, compute("two")) == "two"
        assert replaced == ["one"]

    asyncio.run(main())


def test_per_generation_failures_reach_every_waiter_and_are_not_kept() -> None:
    attempts: list[int] = []

    def failing() -> str:
        attempts.append(1)
        time.sleep(0.1)
        raise StoreError("no store today")

    async def main() -> None:
        cache: PerGeneration[str] = PerGeneration(anyio.CapacityLimiter(1))
        results = await asyncio.gather(
            *(cache.get("k", 1, failing) for _ in range(3)), return_exceptions=True
        )
        assert [str(r) for r in results] == ["no store today"] * 3 and len(attempts) == 1
        assert await cache.get("k", 1, lambda: "fine") == "fine"

    asyncio.run(main())


def test_per_generation_keeps_computing_for_others_when_a_caller_gives_up() -> None:
    async def main() -> None:
        cache: PerGeneration[str] = PerGeneration(anyio.CapacityLimiter(1))
        slow = lambda: time.sleep(0.3) or "done"  # noqa: E731
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.05):
                await cache.get("k", 1, slow)
        assert await cache.get("k", 1, lambda: "second computation") == "done"

    asyncio.run(main())


def test_load_times(monkeypatch: pytest.MonkeyPatch) -> None:
    made = dt.datetime(2026, 12, 1, 8, 0, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(generations, "_now", lambda: made)
    times = LoadTimes()
    monkeypatch.setattr(generations, "_now", lambda: made + dt.timedelta(seconds=2))  # two seconds on
    first = times.of(7)
    assert first == made  # dated when made: the load preceded it
    assert times.of(7) == first
    later = times.of(9)
    assert later == made + dt.timedelta(seconds=2)  # a later generation: when first seen
    assert times.of(9) == later
