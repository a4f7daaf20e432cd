"""The search index: Danish stemming, ranking, classes, pages, snippets, and keeping in step
with writes on the embedded store, `oxigraph serve` and Virtuoso."""

from __future__ import annotations

import pytest

from beskgraph.search import SearchIndex, search_index
from beskgraph.store import EmbeddedStore, Store
from tests.support.derived import (
    BASE,
    BG,
    MIDDELFART_CARD,
    graph_ntriples,
    put_as_another_program,
    rewrite,
)


@pytest.fixture(scope="module")
def seeds(seed_trig: bytes) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    return store


def texts(store: Store, iri: str) -> str:
    rows = store.select(f"SELECT ?o WHERE {{ <{iri}> ?p ?o FILTER(isLiteral(?o)) }}")
    return " ".join(str(r["o"]) for r in rows).lower()


def test_the_plural_finds_nodes_that_only_have_the_singular(seeds: EmbeddedStore) -> None:
    page = search_index(seeds).search("samtaler", first=1000)
    singular_only = [h.iri for h in page.hits if "samtaler" not in texts(seeds, h.iri)]
    assert singular_only and all("samtale" in texts(seeds, iri) for iri in singular_only)
    assert page.total == len(page.hits) == search_index(seeds).search("samtalen", first=1000).total
    assert "langtidsledighed" in texts(seeds, search_index(seeds).search("langtidsledige").hits[0].iri)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Middelfart", "municipality/410"),
        ("tårnby", "municipality/185"),
        ("410", "municipality/410"),
        ("målrettet forberedelsestid", "criterion/evidence/ab3dc2f5629d"),
    ],
)
def test_the_right_node_ranks_first(seeds: EmbeddedStore, query: str, first: str) -> None:
    hits = search_index(seeds).search(query).hits
    assert hits[0].iri == BASE + first
    assert hits[0].score > hits[1].score if len(hits) > 1 else True


def test_classes_filter_and_hits_carry_type_and_label(seeds: EmbeddedStore) -> None:
    page = search_index(seeds).search("borger", types=[BG + "Criterion"], first=100)
    assert page.total == len(page.hits) > 3
    assert all(BG + "Criterion" in h.types and "borger" in h.label.lower() for h in page.hits)
    everything = search_index(seeds).search("borger", first=100)
    assert everything.total > page.total
    assert any(BG + "Intervention" in h.types for h in everything.hits)
    assert search_index(seeds).search("borger", types=[BG + "Region"]).total == 0


def test_pages_follow_each_other_without_gaps_or_repeats(seeds: EmbeddedStore) -> None:
    index = search_index(seeds)
    whole = index.search("borger", first=1000)
    assert whole.total == len(whole.hits) > 15 and not whole.has_next
    seen, after = [], None
    while True:
        page = index.search("borger", first=4, after=after)
        seen += [h.iri for h in page.hits]
        if not page.has_next:
            break
        after = page.end_cursor
    assert seen == [h.iri for h in whole.hits]
    scores = [h.score for h in whole.hits]
    assert scores == sorted(scores, reverse=True)


def test_snippet_highlights_are_the_matched_words_after_non_ascii_text(seeds: EmbeddedStore) -> None:
    hit = search_index(seeds).search("forberedelsestid").hits[0]
    marked = [text for text, on in hit.snippet.parts() if on]
    assert marked == ["forberedelsestid"]
    assert "målrettet forberedelsestid" in hit.snippet.text  # the å before it did not shift the range
    assert "".join(text for text, _ in hit.snippet.parts()) == hit.snippet.text


@pytest.mark.parametrize("query", ['title:"x" AND -(', "*", "\\", "x" * 100_000, "   ", "og i", "ø" * 70])
def test_any_text_is_a_query_not_a_syntax(seeds: EmbeddedStore, query: str) -> None:
    page = search_index(seeds).search(query)
    assert page.total >= 0 and len(page.hits) <= 20


def test_a_changed_graph_is_read_again_alone(store: Store) -> None:
    index = SearchIndex(store)
    first = index.refresh()
    assert first is not None and first.first and first.nodes > 200
    assert index.refresh() is None  # same generation: nothing asked
    assert index.search("kompasfokus").total == 0
    rewrite(store, MIDDELFART_CARD, "Skærpet fokus", "Skærpet kompasfokus")
    again = index.refresh()
    assert again is not None and not again.first and again.graphs == 1
    assert 0 < again.nodes < first.nodes / 5  # only the card's nodes
    hits = index.search("kompasfokus", types=[BG + "Intervention"]).hits
    assert [h.label for h in hits] == ["Skærpet kompasfokus på langtidsledighed ved 24 ugers ledighed"]


def test_a_dropped_graph_takes_only_its_own_nodes(store: Store) -> None:
    index = SearchIndex(store)
    index.refresh()
    criterion = index.search("målrettet forberedelsestid").hits[0]
    assert index.search("Middelfart", types=[BG + "Intervention"]).total == 1
    store.drop_graph(MIDDELFART_CARD)
    assert index.search("Middelfart", types=[BG + "Intervention"]).total == 0
    # a criterion the dropped card shared with another card is still found
    still = index.search("målrettet forberedelsestid").hits
    assert [h.iri for h in still] == [criterion.iri]


def test_graphs_written_by_others_are_read_again_at_each_new_generation(
    request: pytest.FixtureRequest, store: Store
) -> None:
    kind = request.node.callspec.params["store"]
    if kind == "embedded":
        pytest.skip("only a server is written by other programs")
    store.generation_ttl = 0  # type: ignore[attr-defined]  # ask the server every time
    index = SearchIndex(store)
    index.refresh()
    card = graph_ntriples(store, MIDDELFART_CARD).decode()
    foreign = "\n".join(line for line in card.splitlines() if "graphDigest" not in line)
    foreign = foreign.replace("Skærpet fokus", "Skærpet kompasindsats")
    put_as_another_program(kind, request, BASE + "graph/foreign", foreign.encode())
    done = index.refresh()
    assert done is not None and done.graphs == 1  # the graph without a digest
    assert index.search("kompasindsats").total == 1
