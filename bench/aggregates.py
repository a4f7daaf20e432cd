"""Aggregates and sort keys: materialised in the store (a derived graph) against a side
index (SQLite tables on the API host), against the scans the listings run today.

    python -m bench.aggregates                # 1 000 generated documents
    python -m bench.aggregates --sizes 100 1000 --out docs

Four listings that scan the corpus: every municipality's intervention count, one
criterion's answers per value, one municipality's letters (about or mentioning it), and
a target group's interventions with an Evidenstest score of at least 3, by score, first
20 and the total. Each is timed three ways, on the same embedded store: the scan,
SPARQL over the derived graph's triples, and SQL over a side index made from the same
figures. Then what each costs to build, and to keep in step after one graph changed.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.graphs import add_output_options, built_graph, loaded_store, publish, work_folder
from bench.run import machine
from bench.stats import summary
from beskgraph.aggregates import CORRESPONDENCE_COUNT, EVIDENCE_SCORE, INTERVENTION_COUNT, Aggregates
from beskgraph.aggregates.compute import Values, compute, write
from beskgraph.derived import source_digests, sources_fingerprint
from beskgraph.store import EmbeddedStore

BG = "https://w3id.org/beskgraph/ontology#"
P = f"PREFIX bg: <{BG}> PREFIX schema: <https://schema.org/> "
MIN_SCORE = 3.0


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _pick(store: EmbeddedStore) -> dict[str, str]:
    """The busiest target group, criterion and letter municipality (as the bench's requests pick)."""

    def first(query: str) -> str:
        return str(store.select(P + query)[0]["x"])

    return {
        "group": first(
            "SELECT ?x { ?i bg:targetGroup ?x . ?x a bg:TargetGroup } GROUP BY ?x "
            "ORDER BY DESC(COUNT(?i)) ?x LIMIT 1"
        ),
        "criterion": first(
            "SELECT ?x { ?a bg:criterion ?x } GROUP BY ?x ORDER BY DESC(COUNT(?a)) ?x LIMIT 1"
        ),
        "code": first(
            "SELECT ?x { ?l a bg:Letter ; bg:municipality/bg:kommunekode ?x } GROUP BY ?x "
            "ORDER BY DESC(COUNT(?l)) ?x LIMIT 1"
        ),
    }


def scans(p: dict[str, str]) -> dict[str, list[str]]:
    """The listings as the store is asked today (the GraphQL layer's query shapes)."""
    municipalities = "SELECT ?m WHERE { ?m a bg:Municipality }"
    return {
        "intervention count of every municipality": [
            f"SELECT ?m (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {{ {municipalities} }} ?m ^bg:municipality ?s . "
            "?s a bg:Intervention } GROUP BY ?m"
        ],
        "one criterion's answers per value": [
            "SELECT ?v (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a bg:Assessment ; "
            f"bg:criterion <{p['criterion']}> ; bg:answer ?v }} GROUP BY ?v"
        ],
        "letters about or mentioning one municipality": [
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a bg:Letter ; "
            f'bg:municipality/bg:kommunekode|schema:mentions/bg:kommunekode "{p["code"]}" }}'
        ],
        "a target group's interventions by score, first 20 and total": [
            f"SELECT DISTINCT ?s ?k WHERE {{ ?s a bg:Intervention ; bg:targetGroup <{p['group']}> ; "
            "bg:testResult ?t0 . ?t0 bg:testKind bg:EvidenceTest ; bg:publishedScore ?s0 "
            f"FILTER(?s0 >= {MIN_SCORE}) OPTIONAL {{ ?s bg:testResult ?t . ?t bg:testKind bg:EvidenceTest ; "
            "bg:publishedScore ?v } BIND(COALESCE(?v, -1) AS ?k) } ORDER BY DESC(?k) DESC(STR(?s)) LIMIT 21",
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a bg:Intervention ; "
            f"bg:targetGroup <{p['group']}> ; bg:testResult ?t0 . ?t0 bg:testKind bg:EvidenceTest ; "
            f"bg:publishedScore ?s0 FILTER(?s0 >= {MIN_SCORE}) }}",
        ],
    }


def derived(p: dict[str, str]) -> dict[str, list[str]]:
    """The same listings over the derived graph's triples."""
    return {
        "intervention count of every municipality": [
            "SELECT ?m ?n WHERE { ?m a bg:Municipality ; bg:interventionCount ?n }"
        ],
        "one criterion's answers per value": [
            f"SELECT ?y ?p ?n WHERE {{ <{p['criterion']}> bg:yesCount ?y ; bg:partialCount ?p ; "
            "bg:noCount ?n }"
        ],
        "letters about or mentioning one municipality": [
            f'SELECT ?n WHERE {{ ?m bg:kommunekode "{p["code"]}" ; bg:correspondenceCount ?n }}'
        ],
        "a target group's interventions by score, first 20 and total": [
            f"SELECT DISTINCT ?s ?k WHERE {{ ?s bg:targetGroup <{p['group']}> ; bg:evidenceScore ?k "
            f"FILTER(?k >= {MIN_SCORE}) ?s a bg:Intervention }} ORDER BY DESC(?k) DESC(STR(?s)) LIMIT 21",
            f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s bg:targetGroup <{p['group']}> ; "
            f"bg:evidenceScore ?k FILTER(?k >= {MIN_SCORE}) ?s a bg:Intervention }}",
        ],
    }


class SideIndex:
    """The same figures in SQLite tables beside the store, with the listing's membership."""

    def __init__(self, store: EmbeddedStore, values: Values) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.executescript("""
            CREATE TABLE figure (node TEXT, measure TEXT, value REAL, PRIMARY KEY (node, measure));
            CREATE TABLE code (code TEXT PRIMARY KEY, node TEXT);
            CREATE TABLE member (grp TEXT, node TEXT, PRIMARY KEY (grp, node));
            CREATE INDEX figure_measure ON figure (measure, value);""")
        self.db.executemany(
            "INSERT INTO figure VALUES (?, ?, ?)",
            [(n, m, v) for m, table in values.items() for n, v in table.items()],
        )
        self.db.executemany(
            "INSERT INTO code VALUES (?, ?)",
            [(str(r["c"]), str(r["m"])) for r in store.select(P + "SELECT ?m ?c { ?m bg:kommunekode ?c }")],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO member VALUES (?, ?)",
            [
                (str(r["g"]), str(r["i"]))
                for r in store.select(P + "SELECT ?g ?i { ?i a bg:Intervention ; bg:targetGroup ?g }")
            ],
        )
        self.db.commit()

    def listings(self, p: dict[str, str]) -> dict[str, Callable[[], object]]:
        q = self.db.execute
        return {
            "intervention count of every municipality": lambda: q(
                "SELECT node, value FROM figure WHERE measure = ? AND node LIKE '%/municipality/%'",
                (INTERVENTION_COUNT,),
            ).fetchall(),
            "one criterion's answers per value": lambda: q(
                "SELECT measure, value FROM figure WHERE node = ? AND measure IN (?, ?, ?)",
                (p["criterion"], BG + "yesCount", BG + "partialCount", BG + "noCount"),
            ).fetchall(),
            "letters about or mentioning one municipality": lambda: q(
                "SELECT value FROM figure JOIN code ON code.node = figure.node "
                "WHERE code = ? AND measure = ?",
                (p["code"], CORRESPONDENCE_COUNT),
            ).fetchall(),
            "a target group's interventions by score, first 20 and total": lambda: (
                q(
                    "SELECT f.node, f.value FROM member m JOIN figure f ON f.node = m.node AND f.measure = ? "
                    "WHERE m.grp = ? AND f.value >= ? ORDER BY f.value DESC, f.node DESC LIMIT 21",
                    (EVIDENCE_SCORE, p["group"], MIN_SCORE),
                ).fetchall(),
                q(
                    "SELECT count(*) FROM member m JOIN figure f ON f.node = m.node AND f.measure = ? "
                    "WHERE m.grp = ? AND f.value >= ?",
                    (EVIDENCE_SCORE, p["group"], MIN_SCORE),
                ).fetchone(),
            ),
        }


def _first_page(ranked: list[tuple[float, str]]) -> tuple[list[tuple[float, str]], int]:
    return ranked[:21], len(ranked)


def _sparql(store: EmbeddedStore, queries: list[str]) -> Callable[[], object]:
    return lambda: [store.select(P + q) for q in queries]


def _p50(function: Callable[[], object], repeat: int) -> dict[str, float]:
    function()
    return summary([_timed(function)[0] for _ in range(repeat)])


def run_size(size: int, work: Path, repeat: int) -> dict[str, Any]:
    store = loaded_store(built_graph(size, work))
    picked = _pick(store)
    compute_s, values = _timed(lambda: compute(store))
    fingerprint = sources_fingerprint(source_digests(store)) or ""
    write_s, _ = _timed(lambda: write(store, values, fingerprint))
    read_s, _ = _timed(lambda: Aggregates(store).table(INTERVENTION_COUNT))
    side_s, side = _timed(lambda: SideIndex(store, values))
    figures = Aggregates(store)
    listings = []
    for name, scan in scans(picked).items():
        listings.append(
            {
                "listing": name,
                "scan_ms": _p50(_sparql(store, scan), repeat),
                "derived_sparql_ms": _p50(_sparql(store, derived(picked)[name]), repeat),
                "side_index_ms": _p50(side.listings(picked)[name], repeat),
            }
        )
    members = P + f"SELECT ?s WHERE {{ ?s bg:targetGroup <{picked['group']}> }}"

    def every_count() -> list[object]:
        return [figures.get(INTERVENTION_COUNT, m) for m in figures.table(INTERVENTION_COUNT)]

    def ranked_page() -> object:
        nodes = (str(r["s"]) for r in store.select(members))
        return _first_page(figures.ranked(nodes, EVIDENCE_SCORE, minimum=MIN_SCORE))

    api = {
        "every municipality's count": _p50(every_count, repeat),
        "the target group's members (SPARQL), ranked in memory, first 20 and total": _p50(
            ranked_page, repeat
        ),
    }
    check = [
        sorted(store.select(P + q)[0].items())
        for q in derived(picked)["letters about or mentioning one municipality"]
    ]
    scanned = [
        sorted(store.select(P + q)[0].items())
        for q in scans(picked)["letters about or mentioning one municipality"]
    ]
    assert check == scanned, (check, scanned)  # the derived figure is the scanned one
    store.close()
    return {
        "size": size,
        "derived_triples": sum(len(t) for t in values.values()),
        "compute_s": compute_s,
        "write_s": write_s,
        "read_back_s": read_s,
        "side_index_build_s": side_s,
        "listings": listings,
        "api_ms": api,
    }


def markdown(report: dict[str, Any]) -> str:
    out = [
        "# Aggregates: derived graph against side index",
        "",
        f"{report['machine']['cores']} cores, Python {report['machine']['python']}. "
        "Written by `python -m bench.aggregates`.",
        "",
    ]
    for s in report["sizes"]:
        out += [
            f"## {s['size']:,} documents ({s['derived_triples']:,} derived triples)",
            "",
            f"Computing every figure from the store: {s['compute_s']:.2f} s; writing the derived graph "
            f"(one PUT of the graph): {s['write_s']:.2f} s; reading it back into memory: "
            f"{s['read_back_s']:.2f} s; building the SQLite side index from the same figures and the "
            f"listing's membership: {s['side_index_build_s']:.2f} s.",
            "",
            "| listing | scan p50 ms | derived graph (SPARQL) p50 ms | side index (SQL) p50 ms |",
            "|---|---|---|---|",
        ]
        for row in s["listings"]:
            out.append(
                f"| {row['listing']} | {row['scan_ms']['p50']:.2f} | "
                f"{row['derived_sparql_ms']['p50']:.2f} | {row['side_index_ms']['p50']:.3f} |"
            )
        out += ["", "Through the Python API (`beskgraph.aggregates`, tables in memory):", ""]
        out += [f"- {name}: p50 {ms['p50']:.3f} ms" for name, ms in s["api_ms"].items()] + [""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--sizes", type=int, nargs="+", default=[1000])
    args.add_argument("--repeat", type=int, default=30)
    add_output_options(args, "aggregates-benchmarks")
    options = args.parse_args(argv)
    report: dict[str, Any] = {"machine": machine(), "sizes": []}
    with work_folder(options.work) as work:
        for size in options.sizes:
            print(f"[bench.aggregates] {size} documents …", file=sys.stderr, flush=True)
            report["sizes"].append(run_size(size, work, options.repeat))
    publish(report, markdown(report), options.out, "aggregates-benchmarks")


if __name__ == "__main__":
    main()
