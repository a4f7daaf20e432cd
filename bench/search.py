"""Full-text search: tantivy (the index beskgraph uses) against SQLite FTS5 with a Snowball
stemmer, on the same node documents; then the index kept in step with the store.

    python -m bench.search                   # the seeds and 1 000 generated documents
    python -m bench.search --sizes 0 1000 --out docs

For each engine: time to index every document, index size on disk, query latency (top 20
with snippets and the total), and ranking quality on Danish queries whose right answers
are defined without either engine (regular expressions over the texts, or a named node).
Then beskgraph's ``SearchIndex``: the first fill from the store, a refresh after one
card's graph is replaced (only its nodes are read again) and a refresh with no change.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.graphs import add_output_options, built_graph, loaded_store, publish, work_folder
from bench.run import machine
from bench.search_fts5 import Fts5Engine
from bench.stats import summary
from beskgraph.search import search_index
from beskgraph.search.documents import NodeDocument, read_documents
from beskgraph.search.engine import Engine
from beskgraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
BG = "https://w3id.org/beskgraph/ontology#"
TOP = 20


@dataclass(frozen=True)
class Judged:
    """A query and its right answers: nodes whose text matches ``relevant``, or one node first."""

    query: str
    relevant: str | None = None  # a regular expression every right answer's text matches
    first: Callable[[NodeDocument], bool] | None = None  # the node that must rank first


def _labelled(kind: str, label: str) -> Callable[[NodeDocument], bool]:
    return lambda d: BG + kind in d.types and d.label == label


def _says(kind: str, phrase: str) -> Callable[[NodeDocument], bool]:
    return lambda d: BG + kind in d.types and any(phrase in t for ts in d.texts.values() for t in ts)


JUDGED = (
    Judged("samtaler", relevant=r"\bsamtale(?:n|r|rne|rnes|ns)?\b"),
    Judged("langtidsledige", relevant=r"\blangtidsledig(?:e|hed|heden)?\b"),
    Judged(
        "kontaktperson borger", relevant=r"(?=.*\bkontaktperson(?:en|er|erne)?\b)(?=.*\bborger(?:e|en|ne)?\b)"
    ),
    Judged("Middelfart", first=_labelled("Municipality", "Middelfart")),
    Judged("Tårnby", first=_labelled("Municipality", "Tårnby")),
    Judged("målrettet forberedelsestid", first=_says("Criterion", "målrettet forberedelsestid")),
    Judged(
        "gennemgående primær kontaktperson", first=_says("Criterion", "gennemgående primær kontaktperson")
    ),
)
LATENCY_QUERIES = [j.query for j in JUDGED] + [
    "ledighed",
    "virksomhedspraktik",
    "jobcenter",
    "kommune",
    "sygedagpenge",
    "6.1",
    "rettidighed samtaler aktivering",
]


def quality(
    judged: Judged, documents: dict[str, NodeDocument], ranked: list[str], total: int
) -> dict[str, Any]:
    """Precision of the first 10 and recall (relevance queries) or the rank of the right node."""
    if judged.first is not None:
        wanted = sorted(iri for iri, d in documents.items() if judged.first(d))
        rank = next((i + 1 for i, iri in enumerate(ranked) if iri in wanted), None)
        return {
            "query": judged.query,
            "expected": wanted[:1],
            "rank": rank,
            "reciprocal_rank": 1 / rank if rank else 0.0,
        }
    pattern = re.compile(judged.relevant or "", re.IGNORECASE | re.DOTALL)
    relevant = {
        iri
        for iri, d in documents.items()
        if pattern.search("\n".join(t for ts in d.texts.values() for t in ts))
    }
    top = ranked[:10]
    return {
        "query": judged.query,
        "relevant": len(relevant),
        "matched": total,
        "precision_at_10": sum(i in relevant for i in top) / max(1, min(10, len(relevant))),
        "recall": len(relevant & set(ranked)) / max(1, len(relevant)),
    }


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def measure_engines(documents: dict[str, NodeDocument], repeat: int, scratch: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    tantivy_dir, fts5_file = scratch / "tantivy", scratch / "fts5.sqlite"
    engines: dict[str, Any] = {}
    build_s, engines["tantivy"] = _timed(lambda: _tantivy(tantivy_dir, documents))
    out["tantivy"] = {"build_s": build_s, "size_bytes": _size(tantivy_dir)}
    build_s, engines["fts5"] = _timed(lambda: _fts5(fts5_file, documents))
    out["fts5"] = {"build_s": build_s, "size_bytes": _size(fts5_file)}
    searches: dict[str, Callable[[str, int], tuple[int, list[str]]]] = {
        "tantivy": lambda q, n: _tantivy_search(engines["tantivy"], q, n),
        "fts5": lambda q, n: _fts5_search(engines["fts5"], q, n),
    }
    for name, search in searches.items():
        samples = []
        for _ in range(repeat):
            for query in LATENCY_QUERIES:
                samples.append(_timed(lambda q=query, run=search: run(q, TOP))[0])
        out[name]["query_ms"] = summary(samples)
        judged = []
        for j in JUDGED:
            total, ranked = search(j.query, 10_000)
            judged.append(quality(j, documents, ranked, total))
        out[name]["quality"] = judged
    return out


def _tantivy(path: Path, documents: dict[str, NodeDocument]) -> Engine:
    engine = Engine(path)
    engine.replace((), documents.values())
    return engine


def _tantivy_search(engine: Engine, query: str, limit: int) -> tuple[int, list[str]]:
    """The total and the IRIs of the best ``limit`` (with snippets, as a search answers)."""
    matches, found = engine.matches(query, None, limit)
    hits = engine.hits(matches.hits, found) if found is not None else []
    return matches.total, [hit.iri for hit in hits]


def _fts5(path: Path, documents: dict[str, NodeDocument]) -> Fts5Engine:
    engine = Fts5Engine(path)
    engine.add(documents.values())
    return engine


def _fts5_search(engine: Fts5Engine, query: str, limit: int) -> tuple[int, list[str]]:
    total, hits, _ = engine.search(query, limit)
    return total, [iri for _, iri, _ in hits]


def measure_index(store: EmbeddedStore, nquads_graph: str, repeat: int) -> dict[str, Any]:
    """beskgraph's SearchIndex on the store: first fill, refresh after one changed graph, no change."""
    index = search_index(store)
    first = index.refresh()
    assert first is not None
    store.replace_graph(nquads_graph, _edited(store, nquads_graph), "application/n-triples")
    changed = index.refresh()
    assert changed is not None
    unchanged = [_timed(index.refresh)[0] for _ in range(repeat)]
    searches = [_timed(lambda: index.search("ledighed", first=TOP))[0] for _ in range(repeat)]
    return {
        "documents": index.engine.size(),
        "first_fill_s": first.seconds,
        "one_graph_refresh_s": changed.seconds,
        "one_graph_nodes": changed.nodes,
        "no_change_refresh_ms": summary(unchanged),
        "search_ledighed_ms": summary(searches),
    }


def _edited(store: EmbeddedStore, graph: str) -> bytes:
    """The graph's N-Triples with a word changed and a new digest, as a rebuild would write it."""
    tail = f" <{graph}> .".encode()
    lines = [
        line[: -len(tail)] + b" ."
        for line in b"".join(store.dump("nquads")).split(b"\n")
        if line.endswith(tail)
    ]
    edited = b"\n".join(lines).replace(b"samtale", b"samtalerunde") + b"\n"
    return re.sub(rb'(graphDigest> ")[0-9a-f]+', rb"\1edited", edited)


def run(sizes: list[int], repeat: int, work: Path) -> dict[str, Any]:
    report: dict[str, Any] = {"machine": machine(), "sizes": []}
    for size in sizes:
        print(f"[bench.search] {size or 'seed'} documents …", file=sys.stderr, flush=True)
        store = loaded_store(built_graph(size, work))
        read_s, documents = _timed(lambda s=store: read_documents(s))
        with tempfile.TemporaryDirectory(prefix="beskgraph-search-") as scratch:
            engines = measure_engines(documents, repeat, Path(scratch))
        card = next(g for g in sorted(store.graphs()) if "/graph/0" in g)
        report["sizes"].append(
            {
                "size": size,
                "quads": store.count(),
                "documents": len(documents),
                "read_documents_s": read_s,
                "engines": engines,
                "index": measure_index(store, card, repeat),
            }
        )
        store.close()
    return report


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    out = [
        "# Full-text search: tantivy against SQLite FTS5",
        "",
        f"{m['cores']} cores ({m['cpu']}), Python {m['python']}. Written by `python -m bench.search`.",
        "",
    ]
    for s in report["sizes"]:
        name = f"{s['size']:,} generated documents" if s["size"] else "the seeds"
        out += [
            f"## {name}: {s['quads']:,} quads, {s['documents']:,} node documents "
            f"(read from the store in {s['read_documents_s']:.2f} s)",
            "",
            "| engine | index build s | size KiB | query p50 ms | p99 ms |",
            "|---|---|---|---|---|",
        ]
        for engine, e in s["engines"].items():
            out.append(
                f"| {engine} | {e['build_s']:.2f} | {e['size_bytes'] / 1024:,.0f} | "
                f"{e['query_ms']['p50']:.2f} | {e['query_ms']['p99']:.2f} |"
            )
        out += ["", "| query | " + " | ".join(s["engines"]) + " |", "|---|" + "---|" * len(s["engines"])]
        for index, judged in enumerate(next(iter(s["engines"].values()))["quality"]):
            cells = [_quality(e["quality"][index]) for e in s["engines"].values()]
            out.append(f"| {judged['query']} | " + " | ".join(cells) + " |")
        i = s["index"]
        out += [
            "",
            f"SearchIndex on the store: {i['documents']:,} documents; "
            f"first fill {i['first_fill_s']:.2f} s; "
            f"after one card's graph is replaced, {i['one_graph_nodes']} nodes read again in "
            f"{i['one_graph_refresh_s'] * 1000:.0f} ms; a refresh with no change "
            f"{i['no_change_refresh_ms']['p50']:.3f} ms; `search('ledighed', first=20)` p50 "
            f"{i['search_ledighed_ms']['p50']:.2f} ms, p99 {i['search_ledighed_ms']['p99']:.2f} ms.",
            "",
        ]
    return "\n".join(out)


def _quality(q: dict[str, Any]) -> str:
    if "rank" in q:
        return f"right node at rank {q['rank']}" if q["rank"] else "right node not found"
    return (
        f"P@10 {q['precision_at_10']:.2f}, recall {q['recall']:.2f} "
        f"({q['relevant']} relevant, {q['matched']} matched)"
    )


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--sizes", type=int, nargs="+", default=[0, 1000], help="0 = the seeds")
    args.add_argument("--repeat", type=int, default=20)
    add_output_options(args, "search-benchmarks")
    options = args.parse_args(argv)
    with work_folder(options.work) as work:
        report = run(options.sizes, options.repeat, work)
    publish(report, markdown(report), options.out, "search-benchmarks")


if __name__ == "__main__":
    main()
