"""The data side of the six typical requests with beskgraph's search index and aggregates.

For each request, the queries the GraphQL layer runs (recorded on one run) are run raw,
and again with the index calls the GraphQL layer makes instead of SPARQL (the search
index for text search; the aggregates' counts for totals; the in-memory sort keys,
ranking the nodes one plain SPARQL pattern gives, for a listing by score), so the
"indexed" figure is all a request asks of the store and the indexes. A recorded query
the plan says an index replaces (the nodes of a listing by score, which the ranking
reads itself) is matched on its text, and the number matched is checked, so a change in
the GraphQL layer's queries stops this bench rather than skewing it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.requests import BG, Request
from bench.stats import summary
from beskgraph.aggregates import (
    ASSESSMENT_COUNT,
    CORRESPONDENCE_COUNT,
    EVIDENCE_SCORE,
    INTERVENTION_COUNT,
    aggregates,
)
from beskgraph.api.graphql.ids import decode_id
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.schema import Context, schema
from beskgraph.rdf import iris
from beskgraph.search import search_index
from beskgraph.store import Store, StoreError

SEARCHED = [BG + name for name in ("Intervention", "Criterion", "Municipality", "Letter")]  # GraphQL's


@dataclass(frozen=True)
class Plan:
    """Which of a request's queries an index answers, how many, and the index call instead."""

    replaced: Callable[[str], bool]
    count: int
    instead: Callable[[Store, Request], object]


def _members(kind: str) -> Callable[[str], bool]:
    return lambda q: q.startswith("SELECT DISTINCT ?s WHERE") and f"ontology#{kind}>" in q


def _none(store: Store, request: Request) -> object:
    return None


def _counts(store: Store, request: Request) -> object:
    table = aggregates(store).table(INTERVENTION_COUNT)
    return [table.get(m) for m in table]


def _ranked(store: Store, request: Request) -> object:
    group = decode_id(request.variables["group"])[1]
    members = (str(r["s"]) for r in store.select(f"SELECT ?s WHERE {{ ?s <{BG}targetGroup> <{group}> }}"))
    ranked = aggregates(store).ranked(members, EVIDENCE_SCORE, minimum=3.0)
    return ranked[:21], len(ranked)


def _assessments(store: Store, request: Request) -> object:
    return aggregates(store).get(ASSESSMENT_COUNT, decode_id(request.variables["id"])[1])


def _letters(store: Store, request: Request) -> object:
    return aggregates(store).get(CORRESPONDENCE_COUNT, str(iris.municipality(request.variables["code"])))


def _search(store: Store, request: Request) -> object:
    return search_index(store).search(request.variables["text"], types=SEARCHED, first=21)


PLANS = {
    "municipalities with intervention counts": Plan(lambda q: False, 0, _counts),
    "one intervention, all answers and criteria": Plan(lambda q: False, 0, _none),
    "by target group and min score, by score, first 20": Plan(_members("Intervention"), 1, _ranked),
    # every assessment of the criterion is fetched for its page (and counted from those rows):
    # the count has nothing to replace until that relation is paged
    "a criterion with every municipality's answer": Plan(lambda q: False, 0, _assessments),
    "letters of one municipality with commitments": Plan(
        lambda q: "COUNT(DISTINCT ?s)" in q and "ontology#Letter>" in q and "?parent" not in q, 1, _letters
    ),
    "text search": Plan(lambda q: False, 0, _search),
}


def recorded(store: Store, request: Request) -> list[str]:
    """The SPARQL the GraphQL layer runs for ``request`` (one run in process)."""
    loader = Loader(store)
    result = asyncio.run(
        schema.execute(request.query, variable_values=request.variables, context_value=Context(loader))
    )
    if result.errors:
        raise RuntimeError(f"{request.name}: {result.errors[0]}")
    return list(loader.queries)


def _timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(
    store: Store, requests: list[Request], repeat: int, queries: dict[str, list[str]] | None = None
) -> list[dict[str, Any]]:
    """p50 of each request's SPARQL run raw, and with the indexes answering what they can.

    ``queries``: the recorded queries per request (recorded on ``store`` when not given).
    """
    search_index(store).refresh()
    aggregates(store).refresh()
    out = []
    for request in requests:
        plan = PLANS[request.name]
        sparql = queries[request.name] if queries else recorded(store, request)
        kept = [q for q in sparql if not plan.replaced(q)]
        if len(sparql) - len(kept) != plan.count:
            raise RuntimeError(
                f"{request.name}: {len(sparql) - len(kept)} queries matched, not "
                f"{plan.count}; the GraphQL layer's queries changed: update bench/indexed.py"
            )

        def raw(run: list[str] = sparql) -> None:
            for q in run:
                store.select(q)

        def indexed(run: list[str] = kept, request: Request = request, plan: Plan = plan) -> None:
            raw(run)
            plan.instead(store, request)

        row: dict[str, Any] = {"request": request.name, "queries": len(sparql), "replaced": plan.count}
        try:
            raw(), indexed()  # warm-up
        except StoreError as exc:  # a store that cannot run one of the queries
            out.append({**row, "error": str(exc).split("\n", 1)[0][:300]})
            continue
        out.append(
            {
                **row,
                "raw_ms": summary([_timed(raw) for _ in range(repeat)]),
                "indexed_ms": summary([_timed(indexed) for _ in range(repeat)]),
            }
        )
    return out


def target_ms(size: int) -> float:
    """The p50 target of a typical request: 25 ms up to 1 000 documents, 50 ms above."""
    return 25.0 if size <= 1000 else 50.0


def markdown(sizes: list[dict[str, Any]]) -> list[str]:
    """The report's section: each request's SPARQL side, raw and with the indexes, against the target."""
    measured = [s for s in sizes if s.get("indexed")]
    if not measured:
        return []
    out = [
        "",
        "## The SPARQL side with beskgraph's indexes (search index, aggregates, sort keys)",
        "",
        "Each request's queries (those the GraphQL layer sends) run raw one after another, and "
        "again with the index calls it makes instead of SPARQL (bench/indexed.py). The derived "
        "data was made in "
        + ", ".join(f"{s['derived_s']:.1f} s at {s['size']:,}" for s in measured)
        + " (aggregates graph written, search index filled).",
        "",
        "| documents | request | queries (replaced) | raw p50 ms | indexed p50 ms | indexed p95 ms "
        "| target |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in measured:
        for row in s["indexed"]:
            if "error" in row:
                out.append(
                    f"| {s['size']:,} | {row['request']} | {row['queries']} | the store failed: "
                    f"{row['error'][:120]} | | | |"
                )
                continue
            p50, limit = row["indexed_ms"]["p50"], target_ms(s["size"])
            verdict = "met" if p50 < limit else f"**missed** ({p50 / limit:.1f}×)"
            out.append(
                f"| {s['size']:,} | {row['request']} | {row['queries']} ({row['replaced']}) | "
                f"{row['raw_ms']['p50']:.1f} | {p50:.1f} | {row['indexed_ms']['p95']:.1f} | "
                f"< {limit:g} ms: {verdict} |"
            )
    return out
