"""Incremental builds: a rebuild parses and validates only the documents that changed (and
the cards whose shared criteria changed with them), drops removed files, reports what
changed, and gives exactly the bytes of a build from scratch; a store is brought in line
by writing only the graphs that changed."""

from __future__ import annotations

import gc
import re
import shutil
from pathlib import Path

import pytest

from bench.corpus import generate
from beskgraph.build import BuildFailed, BuildResult, build, documents, pipeline
from beskgraph.cache import BuildCache
from beskgraph.config import SEEDS_DIR
from beskgraph.launch import fill_store
from beskgraph.rdf import iris
from beskgraph.store import EmbeddedStore, open_store
from beskgraph.validate import shapes_graph

# integration: builds of a generated corpus, and oxigraph serve
pytestmark = pytest.mark.integration


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    generate(12, folder, SEEDS_DIR, seed=3)
    return folder


def graphs(result: BuildResult) -> dict[str, tuple[bytes, ...]]:
    return {chunk.name: chunk.nquads for chunk in result.chunks}


def parsed(result: BuildResult) -> set[str]:
    return {d.name for d in result.documents if d.parsed}


def validated(result: BuildResult) -> set[str]:
    return {d.name for d in result.documents if d.validated}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_rebuild_redoes_only_what_changed_and_equals_a_build_from_scratch(corpus: Path, tmp_path: Path):
    cache = BuildCache(tmp_path / "cache")
    names = {p.name for p in corpus.iterdir()}
    first = build([corpus], cache=cache)
    assert parsed(first) == validated(first) == names
    again = build([corpus], cache=cache, previous=first.hashes())
    assert parsed(again) == validated(again) == set()
    assert again.changes is not None and len(again.changes.unchanged) == 12 and not again.changes.changed
    assert again.serialise("trig") == first.serialise("trig")

    card = sorted(corpus.glob("*_card.txt"))[0]
    edit(card, "\nGode råd\n\n", "\nGode råd\n\nHold fast i det, der virker.\n")
    third = build([corpus], cache=cache, previous=again.hashes())
    assert parsed(third) == validated(third) == {card.name}
    assert third.changes.changed == (card.name,) and len(third.changes.unchanged) == 11
    assert third.serialise("trig") == build([corpus]).serialise("trig")

    (corpus / sorted(names)[-1]).unlink()
    fourth = build([corpus], cache=cache, previous=third.hashes())
    assert fourth.changes.removed == (sorted(names)[-1],) and parsed(fourth) == validated(fourth) == set()
    assert str(iris.named_graph(sorted(names)[-1])) not in graphs(fourth)
    assert fourth.serialise("nquads") == build([corpus]).serialise("nquads")


def test_the_shapes_are_read_only_for_a_build_that_validates(tmp_path: Path, monkeypatch) -> None:
    """A build the cache answers whole does not read the shapes; one that validates reads them
    (before its workers fork, so they share what was read)."""
    reads: list[str] = []
    monkeypatch.setattr(pipeline, "shapes_graph", lambda: reads.append("read") or shapes_graph())
    sources = tmp_path / "sources"
    sources.mkdir()
    cards = sorted(SEEDS_DIR.glob("00[01]_*.txt"))
    for card in cards:
        shutil.copy(card, sources)
    cache = BuildCache(tmp_path / "cache")
    assert validated(build([sources], cache=cache, workers=2)) == {card.name for card in cards}
    assert reads
    reads.clear()
    assert validated(build([sources], cache=cache, workers=2)) == set() and reads == []
    edit(sources / cards[0].name, "\nGode råd\n\n", "\nGode råd\n\nHold fast i det, der virker.\n")
    assert validated(build([sources], cache=cache, workers=2)) == {cards[0].name}
    assert reads


def test_shapes_that_cannot_be_read_fail_the_build_even_in_a_worker(tmp_path: Path, monkeypatch) -> None:
    """A cache entry that is there but cannot be read is rebuilt where the document is built,
    without the shapes read before: if they cannot be read, the build fails (as it would have
    before parsing), no document is left out for it."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SEEDS_DIR / "000_2ad044e4a048410a.txt", sources)
    cache = BuildCache(tmp_path / "cache")
    build([sources], cache=cache)
    [entry] = (tmp_path / "cache" / "graph").glob("*/*")
    entry.write_bytes(b"not an entry")

    def unreadable() -> None:
        raise OSError("the shapes are gone")

    monkeypatch.setattr(documents, "shapes_graph", unreadable)
    with pytest.raises(BuildFailed, match="the shapes or the ontology cannot be read: the shapes are gone"):
        build([sources], cache=cache)


def test_a_changed_answer_revalidates_exactly_the_cards_whose_shared_criteria_changed(
    corpus: Path, tmp_path: Path
):
    cache = BuildCache(tmp_path / "cache")
    before = build([corpus], cache=cache)
    # the most positive wording of a criterion is its statement, restated in every card answering it
    card = sorted(corpus.glob("*_card.txt"))[1]
    wording = re.search(r"• Ja: (.+)", card.read_text(encoding="utf-8"))
    assert wording is not None
    # "Altid" is no content word (same criterion), and sorts first: the criterion's new statement
    edit(card, wording.group(0), f"• Ja: Altid {wording.group(1)}")
    after = build([corpus], cache=cache)
    changed_graphs = {name for name, lines in graphs(after).items() if graphs(before).get(name) != lines}
    by_graph = {str(iris.named_graph(d.name)): d.name for d in after.documents}
    changed_graphs.discard(str(iris.build_graph()))  # the build's record names the inputs' hashes
    assert parsed(after) == {card.name}
    assert validated(after) == {by_graph[g] for g in changed_graphs}  # no more, no less
    assert len(validated(after)) > 1  # the change reached other cards through their criteria
    assert after.serialise("trig") == build([corpus]).serialise("trig")


def test_serve_rebuild_writes_only_the_changed_graphs_of_an_on_disk_store(corpus: Path, tmp_path: Path):
    cache = BuildCache(tmp_path / "cache")
    store = EmbeddedStore(str(tmp_path / "store"))
    assert fill_store(store, sources=[corpus], cache=cache).startswith("built 12 documents (")
    assert fill_store(store, sources=[corpus], cache=cache).startswith("serving the ")
    cards = sorted(corpus.glob("*_card.txt"))
    edit(cards[0], "\nGode råd\n\n", "\nGode råd\n\nHold fast i det, der virker.\n")
    cards[1].unlink()
    shutil.copy(SEEDS_DIR / "000_2ad044e4a048410a.txt", corpus / "ny.txt")
    message = fill_store(store, sources=[corpus], rebuild=True, cache=cache)
    assert "1 added, 1 changed, 1 removed, 10 unchanged" in message
    # written: the changed and the added document, and the build's record; unchanged: 10 documents,
    # reference, ontology
    assert message.endswith("3 graph(s) written, 1 dropped, 12 unchanged")
    fresh = EmbeddedStore()
    fill_store(fresh, sources=[corpus], cache=cache)
    assert b"".join(store.dump("nquads")) == b"".join(fresh.dump("nquads"))
    assert fill_store(store, sources=[corpus], rebuild=True, cache=cache).endswith(
        "0 graph(s) written, 0 dropped, 15 unchanged"
    )
    store.close()
    del store
    gc.collect()


def test_a_remote_store_is_brought_in_line_graph_by_graph(tmp_path: Path, oxigraph_url: str):
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS_DIR, sources)
    cache = BuildCache(tmp_path / "cache")
    store = open_store(oxigraph_url)
    for graph in store.graphs():
        store.drop_graph(graph)
    try:
        fill_store(store, sources=[sources], cache=cache)
        edit(sources / "000_2ad044e4a048410a.txt", "\nGode råd\n\n", "\nGode råd\n\nHold fast i det.\n")
        (sources / "001_0790efc861254765.txt").unlink()
        message = fill_store(store, sources=[sources], rebuild=True, cache=cache)
        assert "0 added, 1 changed, 1 removed, 3 unchanged" in message
        assert message.endswith("2 graph(s) written, 1 dropped, 5 unchanged")  # and the build's record
        local = EmbeddedStore()
        fill_store(local, sources=[sources], cache=cache)
        assert b"".join(store.dump("nquads")) == b"".join(local.dump("nquads"))
    finally:
        store.close()


def test_the_settings_a_build_reads_are_part_of_the_cache_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an entry made under another base IRI or size limit is not taken: the build's graphs
    # minted under the old base, or a card left out under a limit since lifted, would be stale
    cache = BuildCache(tmp_path / "cache")
    card = SEEDS_DIR / "000_2ad044e4a048410a.txt"
    build([card], cache=cache)
    monkeypatch.setenv("BESKGRAPH_BASE", "http://example.org/bg/")
    rebased = build([card], cache=cache)
    assert validated(rebased) == {card.name}
    document = graphs(rebased)[str(iris.named_graph(card.name))]
    assert document and all(line.startswith(b"<http://example.org/bg/") for line in document)
    monkeypatch.setenv("BESKGRAPH_MAX_DOCUMENT_BYTES", "1000")
    (outcome,) = build([card], cache=cache).documents
    assert not outcome.ok and "BESKGRAPH_MAX_DOCUMENT_BYTES" in (outcome.error or "")
    monkeypatch.delenv("BESKGRAPH_MAX_DOCUMENT_BYTES")
    assert [d.ok for d in build([card], cache=cache).documents] == [True]
