"""Aggregates and sort keys: the figures the corpus gives, the derived graph SPARQL sees, and
both kept in step with writes, on the embedded store, `oxigraph serve` and Virtuoso."""

from __future__ import annotations

from beskgraph.aggregates import (
    ASSESSMENT_COUNT,
    CORRESPONDENCE_COUNT,
    EVIDENCE_SCORE,
    GOOD_PRACTICE_SCORE,
    GRAPH,
    INTERVENTION_COUNT,
    LETTER_COUNT,
    MEASURES,
    MENTIONED_IN_COUNT,
    NO_COUNT,
    PARTIAL_COUNT,
    YES_COUNT,
    Aggregates,
    materialise,
)
from beskgraph.store import Store, record_queries
from tests.support.derived import BASE, BG, MIDDELFART_CARD, rewrite

MIDDELFART, TAARNBY, AARHUS = BASE + "municipality/410", BASE + "municipality/185", BASE + "municipality/751"
INTERVENTION = BASE + "intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"


def number(store: Store, query: str) -> int:
    return int(store.select(f"PREFIX bg: <{BG}> PREFIX schema: <https://schema.org/> " + query)[0]["n"])


def test_the_figures_are_what_the_graph_says(store: Store) -> None:
    figures = Aggregates(store)
    assert figures.get(INTERVENTION_COUNT, MIDDELFART) == 1
    assert figures.get(INTERVENTION_COUNT, AARHUS) == 0  # every municipality has a count, zero too
    assert len(figures.table(INTERVENTION_COUNT)) == 98 + 9  # municipalities and target groups
    for measure, query in [
        (
            LETTER_COUNT,
            "SELECT (COUNT(DISTINCT ?l) AS ?n) { ?l a bg:Letter ; bg:municipality ?m ; "
            "bg:municipality/bg:kommunekode '259' }",
        ),
        (
            MENTIONED_IN_COUNT,
            "SELECT (COUNT(DISTINCT ?l) AS ?n) { ?l a bg:Letter ; schema:mentions/bg:kommunekode '259' }",
        ),
        (
            CORRESPONDENCE_COUNT,
            "SELECT (COUNT(DISTINCT ?l) AS ?n) { ?l a bg:Letter ; "
            "bg:municipality/bg:kommunekode|schema:mentions/bg:kommunekode '259' }",
        ),
    ]:
        assert figures.get(measure, BASE + "municipality/259") == number(store, query) > 0, measure
    criteria = figures.table(ASSESSMENT_COUNT)
    assert len(criteria) == 53 and sum(criteria.values()) == 94
    for criterion, total in criteria.items():
        answers = [figures.get(m, criterion) for m in (YES_COUNT, PARTIAL_COUNT, NO_COUNT)]
        assert sum(answers) == total  # type: ignore[arg-type]
    assert sum(figures.table(YES_COUNT).values()) == 48
    assert figures.get(EVIDENCE_SCORE, INTERVENTION) == 4.3
    assert figures.get(GOOD_PRACTICE_SCORE, INTERVENTION) == 3.1
    assert figures.get(EVIDENCE_SCORE, MIDDELFART) is None


def test_sparql_sees_the_derived_graph_and_a_reader_uses_it(store: Store) -> None:
    materialise(store)
    rows = store.select(f"PREFIX bg: <{BG}> SELECT ?n WHERE {{ <{MIDDELFART}> bg:interventionCount ?n }}")
    assert [r["n"] for r in rows] == [1]
    listing = store.select(f"""PREFIX bg: <{BG}> SELECT ?i ?k WHERE {{ GRAPH <{GRAPH}> {{ ?i bg:evidenceScore ?k }}
        FILTER(?k >= 3.0) }} ORDER BY DESC(?k) ?i""")
    assert [(r["i"], r["k"]) for r in listing] == [
        (INTERVENTION, 4.3),
        (BASE + "intervention/185-projekt-flere-skal-med-2", 3.6),
    ]
    with record_queries() as queries:  # another process: reads the graph, computes nothing
        other = Aggregates(store)
        assert other.get(INTERVENTION_COUNT, MIDDELFART) == 1
    computing = {m.query() for m in MEASURES}
    assert queries and not computing & set(queries)


def test_a_write_brings_figures_and_derived_graph_in_line(store: Store) -> None:
    figures = materialise(store)
    assert figures.get(INTERVENTION_COUNT, TAARNBY) == 1
    rewrite(store, MIDDELFART_CARD, "municipality/410", "municipality/185")  # the card moves to Tårnby
    assert figures.get(INTERVENTION_COUNT, TAARNBY) == 2
    assert figures.get(INTERVENTION_COUNT, MIDDELFART) == 0
    assert number(store, f"SELECT ?n {{ <{TAARNBY}> bg:interventionCount ?n }}") == 2
    store.drop_graph(MIDDELFART_CARD)
    assert figures.get(INTERVENTION_COUNT, TAARNBY) == 1
    assert figures.get(EVIDENCE_SCORE, INTERVENTION) is None
    assert number(store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{GRAPH}> {{ <{INTERVENTION}> ?p ?o }} }}") == 0


def test_the_derived_graph_is_the_same_triples_for_the_same_graphs(store: Store, seed_trig: bytes) -> None:
    materialise(store)
    first = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert store.graphs().count(GRAPH) == 1
    store.drop_graph(GRAPH)
    store.load_dataset(seed_trig, "application/trig")  # the same graphs again
    assert Aggregates(store, writes=True).refresh()  # computed afresh, and written
    again = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    assert sorted(first.splitlines()) == sorted(again.splitlines()) and len(first) > 10_000
