"""The benchmark report as Markdown, with each target met or missed by how much.

python -m bench.report docs/benchmarks.json   # re-render docs/benchmarks.md
"""

from __future__ import annotations

import math
from typing import Any

from bench import indexed
from bench.stats import growth_exponent

MAX_EXPONENT = 1.1
MAX_GRAPHQL_RATIO = 1.3  # GraphQL at the cost of its SPARQL (bench.graphql_fields has the same target)
MAX_EXPORT_RATIO = 1.5
# server under 16 clients on 2 cores (bench.wrk): requests/s of new documents by size, and p99
MIN_NEW_PER_S = {10: 300.0, 1000: 100.0}
MAX_NEW_P99_MS = {10: 250.0}
MIN_REPEATED_PER_S = 1500.0
MAX_FLAT_SLOPE = 2.0  # MiB/min over the second half of a run that fills no cache
CACHE_BYTES = 64_000_000 + 16_000_000  # a worker's response cache and persisted queries (defaults)


def verdict(value: float, limit: float, unit: str = "") -> str:
    if math.isnan(value):
        return "not measured (needs two sizes of 100 documents or more)"
    if value <= limit:
        return f"met ({value:.2f}{unit} ≤ {limit:g}{unit})"
    return f"**missed** ({value:.2f}{unit} > {limit:g}{unit}, {value / limit:.1f}× the target)"


def at_least(value: float, limit: float, unit: str = "") -> str:
    if value >= limit:
        return f"met ({value:,.0f}{unit} ≥ {limit:,.0f}{unit})"
    short = limit / value if value else math.inf
    return f"**missed** ({value:,.0f}{unit} < {limit:,.0f}{unit}, {short:.1f}× short)"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def exponents(sizes: list[dict[str, Any]]) -> dict[str, float]:
    """Growth exponents of the build measures over the sizes from 100 documents up."""
    big = [s for s in sizes if s["size"] >= 100]
    n = [s["size"] for s in big]
    measures = {
        "build wall time": [s["build"]["wall_s"] for s in big],
        "parse + map CPU time": [s["build"]["cpu_s"]["parse"] + s["build"]["cpu_s"]["map"] for s in big],
        "validation time": [s["build"]["validation_wall_s"] for s in big],
        "peak memory (main process)": [s["build"]["peak_mib"]["main"] for s in big],
    }
    return {name: growth_exponent(n, values) for name, values in measures.items()}


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    sizes = report["sizes"]
    out = [
        "# beskgraph benchmarks",
        "",
        f"Run {report['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Python {m['python']}, {m['system']}.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        f"Settings: {report['settings']}. Regenerate with `python -m bench` (see README).",
        "",
    ]
    out += [
        f"The store, query, dump and index figures at {int(size):,} documents were measured again "
        f"on the same built graph at {when} (`python -m bench --sizes {size} --remeasure graph.nq`); "
        "its build and server figures are the run's."
        for size, when in report.get("remeasured", {}).items()
    ]
    out += [
        "",
        "## Build",
        "",
    ]
    out += _table(
        [
            "documents",
            "cards / appendices",
            "triples",
            "wall s",
            "docs/s",
            "triples/s",
            "parse+map docs per CPU-s",
            "validation s (wall share)",
            "serialise CPU-s",
            "peak MiB main / worker",
        ],
        [
            [
                f"{s['size']:,}",
                f"{s['build']['kinds'].get('catalogue-card', 0)} / "
                f"{s['build']['kinds'].get('correspondence', 0)}",
                f"{s['build']['triples']:,}",
                f"{s['build']['wall_s']:.1f}",
                f"{s['build']['documents_per_s']:.1f}",
                f"{s['build']['triples_per_s']:,.0f}",
                f"{s['build']['parse_map_documents_per_cpu_s']:.1f}",
                f"{s['build']['validation_wall_s']:.1f}",
                f"{s['build']['cpu_s']['serialise']:.1f}",
                f"{s['build']['peak_mib']['main']:,.0f} / {s['build']['peak_mib']['worker']:,.0f}",
            ]
            for s in sizes
        ],
    )
    out += ["", "Growth exponents (log-log slope, 100 documents and up; 1.0 = linear):", ""]
    for name, value in exponents(sizes).items():
        out.append(f"- {name}: {value:.2f} — target ≤ {MAX_EXPONENT}: {verdict(value, MAX_EXPONENT)}")
    largest = sizes[-1]
    out += [
        "",
        f"## Queries (in-process GraphQL vs the same SPARQL run raw; largest size "
        f"{largest['size']:,} documents unless noted)",
        "",
    ]
    rows = []
    for s in sizes:
        for q in s["queries"]:
            rows.append(
                [
                    f"{s['size']:,}",
                    q["request"],
                    str(q["sparql_queries"]),
                    f"{q['graphql_ms']['p50']:.1f}",
                    f"{q['graphql_ms']['p95']:.1f}",
                    f"{q['sparql_ms']['p50']:.1f}",
                    f"{q['sparql_ms']['p95']:.1f}",
                    f"{q['ratio_p50']:.2f}",
                ]
            )
    out += _table(
        [
            "documents",
            "request",
            "SPARQL queries",
            "GraphQL p50 ms",
            "p95",
            "raw SPARQL p50 ms",
            "p95",
            "GraphQL / raw",
        ],
        rows,
    )
    out += [
        "",
        "Raw SPARQL is the request's queries run one after another. GraphQL sends the "
        "independent queries of one tree level at the same time (each in a worker thread; "
        "pyoxigraph releases the GIL), so on 2 cores a ratio under 1 is possible.",
    ]
    for size in [s for s in sizes if s["size"] >= 1000] or [largest]:
        out += ["", f"At {size['size']:,} documents:", ""]
        for q in size["queries"]:
            out.append(
                f"- {q['request']}: GraphQL / raw {verdict(q['ratio_p50'], MAX_GRAPHQL_RATIO, '×')}; "
                f"p50 {verdict(q['graphql_ms']['p50'], indexed.target_ms(size['size']), ' ms')}"
            )
    out += indexed.markdown(sizes)
    out += ["", "## Export (deterministic dump vs pyoxigraph's own serialiser of the same quads)", ""]
    out += _table(
        ["documents", "format", "ours s", "store s", "ratio"],
        [
            [f"{s['size']:,}", e["format"], f"{e['ours_s']:.2f}", f"{e['store_s']:.2f}", f"{e['ratio']:.1f}"]
            for s in sizes
            for e in s["export"]
        ],
    )
    out += [""] + [
        f"- {e['format']} at {largest['size']:,}: {verdict(e['ratio'], MAX_EXPORT_RATIO, '×')}"
        for e in largest["export"]
    ]
    out += ["", "## Server under load (uvicorn on loopback, mix of the six requests)", ""]
    out += _table(
        [
            "documents",
            "clients",
            "seconds",
            "requests",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "server start s",
        ],
        [
            [
                f"{s['size']:,}",
                str(s["load"]["clients"]),
                f"{s['load']['seconds']:.0f}",
                str(s["load"]["requests"]),
                f"{s['load']['requests_per_s']:.1f}",
                f"{s['load']['latency_ms']['p50']:.1f}",
                f"{s['load']['latency_ms']['p99']:.1f}",
                str(s["load"]["errors"]),
                f"{s['load']['server_start_s']:.1f}",
            ]
            for s in sizes
        ],
    )
    errors = sum(s["load"]["errors"] for s in sizes)
    out += ["", f"- errors under load: {'met (0)' if not errors else f'**missed** ({errors})'}", ""]
    out += targets(sizes)
    return "\n".join(out)


def targets(sizes: list[dict[str, Any]]) -> list[str]:
    """The server targets measured with wrk (``bench.wrk``), each met or missed."""
    measured = [s for s in sizes if "runs" in s.get("targets", {})]
    if not measured:
        skipped = next((s["targets"]["skipped"] for s in sizes if "skipped" in s.get("targets", {})), None)
        return ["## Server targets", "", f"Not measured: {skipped}.", ""] if skipped else []
    out = [
        "## Server targets (wrk, 16 keep-alive clients, loopback, 2 cores shared with the client)",
        "",
        "New documents: the six typical requests in turn, each with a new alias, so no cache can "
        "answer; repeated: the first of them, the same each time. Memory is the PSS of all the "
        "server's processes; client and server CPU in cores used, and the server's CPU time per "
        "request, which other load on the machine does not change.",
        "",
    ]
    rows = []
    for s in measured:
        for name, run in s["targets"]["runs"].items():
            m, lat = run["memory_mib"], run["latency_ms"]
            rows.append(
                [
                    f"{s['size']:,}",
                    name,
                    f"{run['requests_per_s']:,.0f}",
                    f"{lat['p50']:.1f}",
                    f"{lat['p99']:.1f}",
                    str(run["errors"]),
                    f"{run['client_cpu_cores']:.2f}",
                    f"{run['server_cpu_cores']:.2f}",
                    f"{1000 * run['server_cpu_cores'] / run['requests_per_s']:.2f}",
                    f"{m['start']:,.0f} → {m['end']:,.0f}",
                    f"{m['second_half_slope_per_min']:+.1f}",
                ]
            )
    out += _table(
        [
            "documents",
            "run",
            "req/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "client CPU",
            "server CPU",
            "server CPU ms/request",
            "memory MiB",
            "MiB/min (2nd half)",
        ],
        rows,
    )
    out.append("")
    for s in measured:
        out += _target_verdicts(s["size"], s["targets"]["runs"])
    errors = sum(r["errors"] for s in measured for r in s["targets"]["runs"].values())
    out += [f"- errors: {'met (0)' if not errors else f'**missed** ({errors})'}", ""]
    return out


def _target_verdicts(size: int, runs: dict[str, Any]) -> list[str]:
    new = next((r for n, r in runs.items() if n == "new documents, 2 workers"), None)
    one = next((r for n, r in runs.items() if n == "new documents, 1 worker"), None)
    repeated = next((r for n, r in runs.items() if n.startswith("repeated")), None)
    out = []
    if new is not None and size in MIN_NEW_PER_S:
        p99 = (
            f"; p99 {verdict(new['latency_ms']['p99'], MAX_NEW_P99_MS[size], ' ms')}"
            if size in MAX_NEW_P99_MS
            else ""
        )
        out.append(
            f"- {size:,} documents, new documents: "
            f"{at_least(new['requests_per_s'], MIN_NEW_PER_S[size], ' req/s')}{p99}"
        )
    if new is not None and one is not None and one["requests_per_s"]:
        ratio = new["requests_per_s"] / one["requests_per_s"]
        out.append(f"- {size:,} documents: 2 workers serve {ratio:.2f}× the new documents of 1")
    if repeated is not None:
        slope_ = max(repeated["memory_mib"]["second_half_slope_per_min"], 0)
        out.append(
            f"- {size:,} documents, a repeated request: "
            f"{at_least(repeated['requests_per_s'], MIN_REPEATED_PER_S, ' req/s')}; "
            f"memory slope {verdict(slope_, MAX_FLAT_SLOPE, ' MiB/min')}"
        )
    if new is not None:
        grown = new["memory_mib"]["end"] - new["memory_mib"]["start"]
        bound = 2 * CACHE_BYTES / 2**20
        out.append(
            f"- {size:,} documents, new documents: memory grew {grown:+,.0f} MiB, "
            f"{'within' if grown <= bound else '**beyond**'} what 2 workers' caches may hold "
            f"({bound:,.0f} MiB: every new answer is kept until the response cache is full)"
        )
    return out
