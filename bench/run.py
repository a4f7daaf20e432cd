"""Run the benchmark at each corpus size; print and write docs/benchmarks.{json,md}.

python -m bench                      # 10, 100, 1 000 and 10 000 documents
python -m bench --sizes 10 100 --load-seconds 5 --target-seconds 10
python -m bench --sizes 100 --soak   # and the soak test on the last size's graph (bench.soak)
python -m bench --sizes 10000 --remeasure graph.nq   # a size's in-process figures again, same graph
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import soak, wrk
from bench.calls import DEFAULT_HOSTILE
from bench.load import measure_load
from bench.report import markdown
from bench.requests import Request

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "beskgraph",
    "rdflib",
    "pyoxigraph",
    "pyshacl",
    "strawberry-graphql",
    "graphql-core",
    "starlette",
    "uvicorn",
    "httpx",
)


def machine() -> dict[str, Any]:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": {name: metadata.version(name) for name in PACKAGES},
    }


def stage(size: int, work: Path, repeat: int, reuse: bool = False) -> dict[str, Any]:
    """bench.stage in a fresh process (its own peak memory): its JSON."""
    command = [sys.executable, "-m", "bench.stage", "--size", str(size), "--work", str(work)]
    command += ["--repeat", str(repeat)] + (["--reuse"] if reuse else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"bench stage {size} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout))


def run_size(
    size: int, work: Path, repeat: int, clients: int, seconds: float, target_seconds: float
) -> dict[str, Any]:
    """Build, queries and export in a fresh process; then the load."""
    print(f"[bench] {size} documents: build, store, queries, export …", file=sys.stderr, flush=True)
    result = stage(size, work, repeat)
    print(
        f"[bench] {size} documents: server load, {clients} clients, {seconds:g} s …",
        file=sys.stderr,
        flush=True,
    )
    mix = [Request(**r) for r in result["requests"]]
    result["load"] = measure_load(work / "graph.nq", mix, clients, seconds)
    print(
        f"[bench] {size} documents: server targets with wrk, {target_seconds:g} s a run …",
        file=sys.stderr,
        flush=True,
    )
    result["targets"] = wrk.measure(work / "graph.nq", mix, clients, target_seconds)
    return result


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    args.add_argument("--repeat", type=int, default=30, help="timed runs of each request (default 30)")
    args.add_argument("--clients", type=int, default=16)
    args.add_argument("--load-seconds", type=float, default=30)
    args.add_argument(
        "--target-seconds",
        type=float,
        default=60,
        help="each wrk run of the server targets (default 60: memory must stay flat over it)",
    )
    args.add_argument("--out", type=Path, default=ROOT / "docs", help="where benchmarks.json/.md go")
    args.add_argument(
        "--soak", action="store_true", help="then soak the last size's graph (64 clients, 60 s; docs/soak.md)"
    )
    args.add_argument(
        "--remeasure",
        type=Path,
        metavar="GRAPH",
        help="measure this built graph.nq again (store, queries, dumps, indexes) for the one size "
        "given, and replace those figures in OUT/benchmarks.json (build and load figures stay)",
    )
    options = args.parse_args(argv)
    if options.remeasure:
        remeasure(options.remeasure, options.sizes, options.repeat, options.out)
        return
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {k: v for k, v in vars(options).items() if k != "out"},
        "sizes": [],
    }
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="beskgraph-bench-") as scratch:
        for size in options.sizes:
            report["sizes"].append(
                run_size(
                    size,
                    Path(scratch) / str(size),
                    options.repeat,
                    options.clients,
                    options.load_seconds,
                    options.target_seconds,
                )
            )
            write(report, options.out)  # after each size: a failure later keeps what was measured
        print(markdown(report))
        if options.soak:
            print(f"[bench] soak: {options.sizes[-1]} documents …", file=sys.stderr, flush=True)
            soaked = soak.run(
                Path(scratch) / str(options.sizes[-1]) / "graph.nq",
                soak.CLIENTS,
                soak.SECONDS,
                DEFAULT_HOSTILE,
                soak.HOSTILE_CLIENTS,
            )
            soak.write(soaked, options.out)
            print(soak.markdown(soaked))


def remeasure(graph: Path, sizes: list[int], repeat: int, out: Path) -> None:
    """A size's in-process figures measured again on its graph (e.g. on a quieter machine)."""
    (size,) = sizes
    report = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    entry = next(s for s in report["sizes"] if s["size"] == size)
    print(f"[bench] {size} documents again: store, queries, export …", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="beskgraph-bench-") as scratch:
        (Path(scratch) / "graph.nq").symlink_to(graph.resolve())
        again = stage(size, Path(scratch), repeat, reuse=True)
    for key in ("store_load_s", "queries", "export", "derived_s", "indexed"):
        entry[key] = again[key]
    report.setdefault("remeasured", {})[str(size)] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    write(report, out)


def write(report: dict[str, Any], out: Path) -> None:
    """docs/benchmarks.json and .md for the sizes measured so far."""
    (out / "benchmarks.json").write_text(
        json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "benchmarks.md").write_text(markdown(report), encoding="utf-8")


if __name__ == "__main__":
    main()
