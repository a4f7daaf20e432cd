"""The benchmark report as Markdown, with each target met or missed by how much.

    python -m bench.report docs/benchmarks.json   # re-render docs/benchmarks.md
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from bench import indexed
from bench.stats import growth_exponent

MAX_EXPONENT = 1.1
MAX_GRAPHQL_RATIO = 2.0
MAX_P50_MS = 25.0
MAX_EXPORT_RATIO = 1.5


def verdict(value: float, limit: float, unit: str = "") -> str:
    if math.isnan(value):
        return "not measured (needs two sizes of 100 documents or more)"
    if value <= limit:
        return f"met ({value:.2f}{unit} ≤ {limit:g}{unit})"
    return f"**missed** ({value:.2f}{unit} > {limit:g}{unit}, {value / limit:.1f}× the target)"


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
    out = ["# beskgraph benchmarks", "",
           f"Run {report['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
           f"Python {m['python']}, {m['system']}.", "",
           "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".", "",
           f"Settings: {report['settings']}. Regenerate with `python -m bench` (see README).", "",
           "## Build", ""]
    out += _table(
        ["documents", "cards / appendices", "triples", "wall s", "docs/s", "triples/s",
         "parse+map docs per CPU-s", "validation s (wall share)", "serialise CPU-s",
         "peak MiB main / worker"],
        [[f"{s['size']:,}", f"{s['build']['kinds'].get('catalogue-card', 0)} / "
          f"{s['build']['kinds'].get('correspondence', 0)}", f"{s['build']['triples']:,}",
          f"{s['build']['wall_s']:.1f}", f"{s['build']['documents_per_s']:.1f}",
          f"{s['build']['triples_per_s']:,.0f}", f"{s['build']['parse_map_documents_per_cpu_s']:.1f}",
          f"{s['build']['validation_wall_s']:.1f}", f"{s['build']['cpu_s']['serialise']:.1f}",
          f"{s['build']['peak_mib']['main']:,.0f} / {s['build']['peak_mib']['worker']:,.0f}"]
         for s in sizes])
    out += ["", "Growth exponents (log-log slope, 100 documents and up; 1.0 = linear):", ""]
    for name, value in exponents(sizes).items():
        out.append(f"- {name}: {value:.2f} — target ≤ {MAX_EXPONENT}: {verdict(value, MAX_EXPONENT)}")
    largest = sizes[-1]
    out += ["", f"## Queries (in-process GraphQL vs the same SPARQL run raw; largest size "
            f"{largest['size']:,} documents unless noted)", ""]
    rows = []
    for s in sizes:
        for q in s["queries"]:
            rows.append([f"{s['size']:,}", q["request"], str(q["sparql_queries"]),
                         f"{q['graphql_ms']['p50']:.1f}", f"{q['graphql_ms']['p95']:.1f}",
                         f"{q['sparql_ms']['p50']:.1f}", f"{q['sparql_ms']['p95']:.1f}",
                         f"{q['ratio_p50']:.2f}"])
    out += _table(["documents", "request", "SPARQL queries", "GraphQL p50 ms", "p95", "raw SPARQL p50 ms",
                   "p95", "GraphQL / raw"], rows)
    out += ["", "Raw SPARQL is the request's queries run one after another. GraphQL sends the "
            "independent queries of one tree level at the same time (each in a worker thread; "
            "pyoxigraph releases the GIL), so on 2 cores a ratio under 1 is possible."]
    out += ["", f"At {largest['size']:,} documents:", ""]
    for q in largest["queries"]:
        out.append(f"- {q['request']}: GraphQL / raw {verdict(q['ratio_p50'], MAX_GRAPHQL_RATIO, '×')}; "
                   f"p50 {verdict(q['graphql_ms']['p50'], MAX_P50_MS, ' ms')}")
    out += indexed.markdown(sizes)
    out += ["", "## Export (deterministic dump vs pyoxigraph's own serialiser of the same quads)", ""]
    out += _table(["documents", "format", "ours s", "store s", "ratio"],
                  [[f"{s['size']:,}", e["format"], f"{e['ours_s']:.2f}", f"{e['store_s']:.2f}",
                    f"{e['ratio']:.1f}"] for s in sizes for e in s["export"]])
    out += [""] + [f"- {e['format']} at {largest['size']:,}: {verdict(e['ratio'], MAX_EXPORT_RATIO, '×')}"
                   for e in largest["export"]]
    out += ["", "## Server under load (uvicorn on loopback, mix of the six requests)", ""]
    out += _table(["documents", "clients", "seconds", "requests", "req/s", "p50 ms", "p99 ms", "errors",
                   "server start s"],
                  [[f"{s['size']:,}", str(s["load"]["clients"]), f"{s['load']['seconds']:.0f}",
                    str(s["load"]["requests"]), f"{s['load']['requests_per_s']:.1f}",
                    f"{s['load']['latency_ms']['p50']:.1f}", f"{s['load']['latency_ms']['p99']:.1f}",
                    str(s["load"]["errors"]), f"{s['load']['server_start_s']:.1f}"] for s in sizes])
    errors = sum(s["load"]["errors"] for s in sizes)
    out += ["", f"- errors under load: {'met (0)' if not errors else f'**missed** ({errors})'}", ""]
    return "\n".join(out)


if __name__ == "__main__":
    source = Path(sys.argv[1])
    source.with_suffix(".md").write_text(markdown(json.loads(source.read_text(encoding="utf-8"))),
                                         encoding="utf-8")
