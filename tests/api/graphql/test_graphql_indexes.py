"""GraphQL through the search index and the aggregates, on a real server (uvicorn on loopback,
httpx as the client) over the embedded store and `oxigraph serve`: search and text filters
stem Danish and rank, hits carry marked snippets, counts and orders by score equal what
SPARQL computes (seeds, and seeds with tests/data/corpus), and both follow an incremental
reload of the sources."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from beskgraph.build import build, serialise
from beskgraph.cache import BuildCache
from beskgraph.config import SEEDS_DIR
from beskgraph.launch import fill_store
from beskgraph.store import Store
from tests.support.graphql import BASE, BG, graphql_app
from tests.support.paths import CORPUS
from tests.support.stores import kinds

MIDDELFART_CARD = "000_2ad044e4a048410a.txt"


class Served:
    """A live server over one store: GraphQL and SPARQL over HTTP."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=60)

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The response body of a query that must succeed (with the SPARQL it ran)."""
        response = self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}, "extensions": {"explain": True}}
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, str(body)[:800]
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.graphql(query, variables)["data"]

    def sparql(self, query: str) -> list[dict[str, str]]:
        response = self.client.get(
            "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        assert response.status_code == 200, response.text[:500]
        return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


@pytest.fixture
def serve(serve_app: Callable[[Any], str]) -> Iterator[Callable[[Store], Served]]:
    opened: list[Served] = []

    def start(store: Store) -> Served:
        opened.append(Served(serve_app(graphql_app(store))))
        return opened[-1]

    yield start
    for served in opened:
        served.client.close()


@pytest.fixture
def seeds(
    store_factory: Callable[[bytes], Store], seed_trig: bytes, serve: Callable[[Store], Served]
) -> Served:
    return serve(store_factory(seed_trig))


@pytest.fixture(scope="module")
def corpus_trig(build_cache: BuildCache | None) -> bytes:
    trig = serialise(build([SEEDS_DIR, CORPUS], cache=build_cache).dataset, "trig")
    return trig.encode() if isinstance(trig, str) else trig


def _texts(served: Served, iri: str) -> str:
    rows = served.sparql(f"SELECT ?o WHERE {{ <{iri}> ?p ?o FILTER(isLiteral(?o)) }}")
    return " ".join(row["o"] for row in rows).lower()


def _queries(body: dict[str, Any]) -> list[str]:
    return body["extensions"]["explain"]["sparql"]


# ---------------------------------------------------------------------------
# Search and text filters


SEARCH = """query ($text: String!, $types: [NodeType!], $first: Int, $after: String, $last: Int,
    $before: String) {
  search(text: $text, types: $types, first: $first, after: $after, last: $last, before: $before) {
    totalCount everyWord pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
    edges { cursor score node { __typename iri }
      snippet { text highlights { start end } parts { text highlighted } } } } }"""


def test_samtaler_finds_samtale_in_search_and_in_text_filters(seeds: Served) -> None:
    found = seeds.data(SEARCH, {"text": "samtaler", "types": ["INTERVENTION"], "first": 100})["search"]
    hits = [edge["node"]["iri"] for edge in found["edges"]]
    assert found["everyWord"] and found["totalCount"] == len(hits) == 4
    assert {edge["node"]["__typename"] for edge in found["edges"]} == {"Intervention"}
    singular_only = [iri for iri in hits if "samtaler" not in _texts(seeds, iri)]
    assert singular_only and all("samtale" in _texts(seeds, iri) for iri in singular_only)
    for edge in found["edges"]:
        marked = [part["text"].lower() for part in edge["snippet"]["parts"] if part["highlighted"]]
        assert marked and all(word.startswith("samtal") for word in marked), edge["snippet"]
    # the list's text filter is the same index: the same interventions, in the list's order
    body = seeds.graphql('{ interventions(filter: {text: "samtaler"}) { totalCount nodes { iri title } } }')
    listed = body["data"]["interventions"]
    assert listed["totalCount"] == 4 and {n["iri"] for n in listed["nodes"]} == set(hits)
    titles = [n["title"] for n in listed["nodes"]]
    assert titles == sorted(titles)
    assert not any("CONTAINS" in q for q in _queries(body))
    # other filters still hold beside it, and a word no node has leaves none
    both = seeds.data('{ interventions(filter: {text: "samtaler", municipality: "746"}) { nodes { iri } } }')
    assert [n["iri"] for n in both["interventions"]["nodes"]] == [i for i in hits if "/746-" in i]
    none = seeds.graphql('{ interventions(filter: {text: "kompasfokus"}) { totalCount nodes { iri } } }')
    assert none["data"]["interventions"] == {"totalCount": 0, "nodes": []} and _queries(none) == []


def test_a_nested_list_and_letters_filter_by_the_index_too(seeds: Served) -> None:
    query = """{ municipality(code: "746") { interventions(filter: {text: "samtalerne"}) { totalCount } }
      letters(first: 100, filter: {text: "samtalen"}) { totalCount nodes { iri } } }"""
    result = seeds.data(query)
    assert result["municipality"]["interventions"]["totalCount"] == 1
    letters = result["letters"]
    assert letters["totalCount"] == len(letters["nodes"]) == 6
    # the letters the search index finds for another form of the word
    found = seeds.data(SEARCH, {"text": "samtale", "types": ["LETTER"], "first": 100})["search"]
    assert {n["iri"] for n in letters["nodes"]} == {e["node"]["iri"] for e in found["edges"]}
    # a mention's text is its surface form, matched as a part of it
    mentions = seeds.data(
        """query ($id: ID!) { letter(id: $id) { all: mentionsInText { totalCount }
        joblog: mentionsInText(filter: {text: "jobLOG"}) { nodes { surfaceForm } } } }""",
        {"id": BASE + "letter/2018-07-05-broendby-til-beskaeftigelsesministeriet"},
    )["letter"]
    assert mentions["all"]["totalCount"] > 1 and mentions["joblog"]["nodes"] == [{"surfaceForm": "Joblog"}]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Middelfart", ("Municipality", "municipality/410")),
        ("410", ("Municipality", "municipality/410")),
        ("målrettet forberedelsestid", ("Criterion", "criterion/evidence/ab3dc2f5629d")),
    ],
)
def test_the_best_hit_comes_first_with_its_words_marked(
    seeds: Served, text: str, first: tuple[str, str]
) -> None:
    found = seeds.data(SEARCH, {"text": text, "first": 10})["search"]
    best, *rest = found["edges"]
    assert (best["node"]["__typename"], best["node"]["iri"]) == (first[0], BASE + first[1])
    scores = [edge["score"] for edge in found["edges"]]
    assert scores == sorted(scores, reverse=True) and (not rest or scores[0] > scores[1])
    for edge in found["edges"]:
        snippet = edge["snippet"]
        assert "".join(part["text"] for part in snippet["parts"]) == snippet["text"]
        marked = [part["text"] for part in snippet["parts"] if part["highlighted"]]
        assert [snippet["text"][r["start"] : r["end"]] for r in snippet["highlights"]] == marked
    words = set(text.lower().split())
    assert {part["text"].lower() for part in best["snippet"]["parts"] if part["highlighted"]} <= words


def test_search_pages_forwards_and_backwards_through_one_ranking(seeds: Served) -> None:
    every = seeds.data(SEARCH, {"text": "borger", "first": 100})["search"]
    ranking = [edge["node"]["iri"] for edge in every["edges"]]
    assert every["totalCount"] == len(ranking) > 10
    seen, after = [], None
    while True:
        page = seeds.data(SEARCH, {"text": "borger", "first": 4, "after": after})["search"]
        seen += [edge["node"]["iri"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ranking
    back, before = [], None
    while True:
        page = seeds.data(SEARCH, {"text": "borger", "last": 3, "before": before})["search"]
        back = [edge["node"]["iri"] for edge in page["edges"]] + back
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert back == ranking
    # a cursor of one search means nothing in another
    other = seeds.client.post(
        "/graphql",
        json={"query": SEARCH, "variables": {"text": "ledige", "after": every["pageInfo"]["endCursor"]}},
    ).json()
    assert other["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


def test_no_node_with_every_word_gives_those_with_some(seeds: Served) -> None:
    found = seeds.data(SEARCH, {"text": "Middelfart kompasfokus", "first": 100})["search"]
    assert not found["everyWord"] and found["totalCount"] == len(found["edges"]) > 0
    assert found["edges"][0]["node"]["iri"] == BASE + "municipality/410"


# ---------------------------------------------------------------------------
# Counts and sort keys from the aggregates


COUNTS = """{ municipalities(first: 100) { nodes { iri interventions { totalCount } letters { totalCount }
    mentionedIn { totalCount } } }
  targetGroups(first: 100) { nodes { iri interventions { totalCount } } }
  criteria(first: 100) { totalCount nodes { iri assessments { totalCount } } } }"""


def _sparql_counts(served: Served, parent: str, child: str, path: str) -> dict[str, int]:
    """Each parent's number of children along ``path`` (child to parent), zero included."""
    rows = served.sparql(f"""SELECT ?n (COUNT(DISTINCT ?c) AS ?v) WHERE {{ ?n a <{parent}> .
        OPTIONAL {{ ?c a <{child}> ; {path} ?n }} }} GROUP BY ?n""")
    return {row["n"]: int(row["v"]) for row in rows}


def _assert_counts_are_sparql_counts(served: Served) -> dict[str, Any]:
    body = served.graphql(COUNTS)
    result = body["data"]
    municipalities = result["municipalities"]["nodes"]
    for field, path in (
        ("interventions", f"<{BG}municipality>"),
        ("letters", f"<{BG}municipality>"),
        ("mentionedIn", "<https://schema.org/mentions>"),
    ):
        child = BG + ("Intervention" if field == "interventions" else "Letter")
        assert {m["iri"]: m[field]["totalCount"] for m in municipalities} == _sparql_counts(
            served, BG + "Municipality", child, path
        ), field
    groups = {g["iri"]: g["interventions"]["totalCount"] for g in result["targetGroups"]["nodes"]}
    assert groups == _sparql_counts(served, BG + "TargetGroup", BG + "Intervention", f"<{BG}targetGroup>")
    criteria = {c["iri"]: c["assessments"]["totalCount"] for c in result["criteria"]["nodes"]}
    assert result["criteria"]["totalCount"] == len(criteria)
    assert criteria == _sparql_counts(served, BG + "Criterion", BG + "Assessment", f"<{BG}criterion>")
    # the aggregates answered every count: no query counted children of parents
    assert not any("GROUP BY ?parent" in q for q in _queries(body))
    return result


def test_counts_are_the_sparql_counts_on_the_seeds(seeds: Served) -> None:
    result = _assert_counts_are_sparql_counts(seeds)
    by_code = {m["iri"].rsplit("/", 1)[1]: m for m in result["municipalities"]["nodes"]}
    assert by_code["410"]["interventions"]["totalCount"] == 1 and by_code["101"]["letters"]["totalCount"] == 0


def test_counts_are_the_sparql_counts_with_the_test_corpus(
    store_factory: Callable[[bytes], Store], corpus_trig: bytes, serve: Callable[[Store], Served]
) -> None:
    served = serve(store_factory(corpus_trig))
    result = _assert_counts_are_sparql_counts(served)
    assert sum(m["interventions"]["totalCount"] for m in result["municipalities"]["nodes"]) > 4


BY_SCORE = """query ($kind: TestKind!, $direction: Direction!, $first: Int, $after: String, $min: Float!) {
  interventions(first: $first, after: $after, orderBy: {field: SCORE, testKind: $kind, direction: $direction},
                filter: {minScore: [{testKind: $kind, score: $min}]}) {
    totalCount pageInfo { hasNextPage endCursor } nodes { iri } } }"""


def _sparql_by_score(served: Served, kind: str, descending: bool, minimum: float) -> list[str]:
    order = "DESC" if descending else "ASC"
    rows = served.sparql(f"""SELECT ?i ?k WHERE {{ ?i a <{BG}Intervention> ; <{BG}testResult> ?t .
        ?t <{BG}testKind> <{BG}{kind}> ; <{BG}publishedScore> ?k . FILTER(?k >= {minimum}) }}
        ORDER BY {order}(?k) {order}(STR(?i))""")
    return [row["i"] for row in rows]


@pytest.mark.parametrize(
    ("kind", "test_kind"), [("EVIDENCE", "EvidenceTest"), ("GOOD_PRACTICE", "GoodPracticeTest")]
)
@pytest.mark.parametrize("direction", ["DESC", "ASC"])
def test_the_order_by_score_is_the_sparql_order(
    seeds: Served, kind: str, test_kind: str, direction: str
) -> None:
    for minimum in (0.0, 3.0):
        expected = _sparql_by_score(seeds, test_kind, direction == "DESC", minimum)
        variables = {"kind": kind, "direction": direction, "min": minimum}
        body = seeds.graphql(BY_SCORE, {**variables, "first": 100})
        whole = body["data"]["interventions"]
        assert [n["iri"] for n in whole["nodes"]] == expected and whole["totalCount"] == len(expected)
        assert not any("ORDER BY" in q for q in _queries(body))  # ranked by the aggregate
        seen, after = [], None
        while True:  # keyset pages of one
            page = seeds.data(BY_SCORE, {**variables, "first": 1, "after": after})["interventions"]
            seen += [n["iri"] for n in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == expected
    assert len(_sparql_by_score(seeds, test_kind, True, 3.0)) < len(
        _sparql_by_score(seeds, test_kind, True, 0.0)
    )


# ---------------------------------------------------------------------------
# After an incremental reload


@pytest.fixture(params=kinds("embedded", "remote"))
def reloadable(
    request: pytest.FixtureRequest, tmp_path: Path, store_factory: Callable[[bytes], Store]
) -> tuple[Store, Path]:
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS_DIR, sources)
    return store_factory(b""), sources


def test_search_counts_and_orders_follow_an_incremental_reload(
    reloadable: tuple[Store, Path], serve: Callable[[Store], Served]
) -> None:
    store, sources = reloadable
    # the session's build cache (tests/conftest.py): the seeds are not validated again here
    fill_store(store, sources=[sources])
    served = serve(store)
    counts = "query ($code: String!) { municipality(code: $code) { interventions { totalCount } } }"
    assert served.data(counts, {"code": "410"})["municipality"]["interventions"]["totalCount"] == 1
    assert served.data(counts, {"code": "621"})["municipality"]["interventions"]["totalCount"] == 0
    assert served.data(SEARCH, {"text": "kompasfokus"})["search"]["totalCount"] == 0
    before = served.data(BY_SCORE, {"kind": "EVIDENCE", "direction": "DESC", "min": 0.0, "first": 100})

    # the Middelfart card moves to Kolding (621) under a new title; one graph is rewritten
    card = sources / MIDDELFART_CARD
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace("Middelfart\n", "Kolding\n", 1).replace("Skærpet fokus", "Skærpet kompasfokus", 1),
        encoding="utf-8",
    )
    done = fill_store(store, sources=[sources], rebuild=True)
    assert "1 changed" in done, done

    found = served.data(SEARCH, {"text": "kompasfokus", "types": ["INTERVENTION"]})["search"]
    [hit] = found["edges"]
    assert hit["node"]["iri"].startswith(BASE + "intervention/621-skaerpet-kompasfokus")
    assert [p["text"] for p in hit["snippet"]["parts"] if p["highlighted"]] == ["kompasfokus"]
    listed = served.data(
        '{ interventions(filter: {text: "kompasfokus"}) { nodes { iri municipality { code } } } }'
    )
    assert [(n["iri"], n["municipality"]["code"]) for n in listed["interventions"]["nodes"]] == [
        (hit["node"]["iri"], "621")
    ]
    old = BASE + "intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"
    assert old not in [
        e["node"]["iri"] for e in served.data(SEARCH, {"text": "Skærpet", "first": 100})["search"]["edges"]
    ]
    assert served.data(counts, {"code": "410"})["municipality"]["interventions"]["totalCount"] == 0
    assert served.data(counts, {"code": "621"})["municipality"]["interventions"]["totalCount"] == 1
    _assert_counts_are_sparql_counts(served)
    after = served.data(BY_SCORE, {"kind": "EVIDENCE", "direction": "DESC", "min": 0.0, "first": 100})
    renamed = [n["iri"] for n in after["interventions"]["nodes"]]
    assert renamed == _sparql_by_score(served, "EvidenceTest", True, 0.0)
    assert old in [n["iri"] for n in before["interventions"]["nodes"]] and old not in renamed
