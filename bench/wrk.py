"""Server throughput targets measured with ``wrk`` (Debian's package: a C load generator that
costs a fraction of a core, where a Python client would take one of the two cores the server
needs), scripted in Lua to POST GraphQL bodies and check each answer.

Scenarios, each against ``server.py --graph … --workers N`` under 16 keep-alive clients:

- ``new documents``: the six typical requests in turn, each time with a new alias on its
  first field, so no cache (responses, parsed documents) can answer any of them;
- ``repeated``: the first typical request, the same every time (the response cache's case).

Per run: requests/s, latency percentiles, errors (connection and HTTP errors, and answers
that are not 200 or carry GraphQL errors), the client's and the server's CPU time, and the
server's memory (PSS of all its processes) sampled every second, with its slope.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load import running_server
from bench.memory import Sampler, tree_cpu_s
from bench.requests import Request
from bench.stats import slope

WRK = shutil.which("wrk")
ALIAS = "__N__"  # replaced by a number unique to each request
SCRIPT = """
local bodies = {BODIES}
counter, bad = 0, 0  -- globals: done() reads each thread's `bad`
local threads = {}

function setup(thread)
  thread:set("prefix", "t" .. #threads .. "_")
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]:gsub("__N__", prefix .. counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("bad") end
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "bad": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, failed,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def new_document_bodies(mix: list[Request]) -> list[str]:
    """The requests as JSON bodies whose first field gets an alias with :data:`ALIAS` in it."""
    bodies = []
    for request in mix:
        head, brace, rest = request.query.partition("{")
        bodies.append(
            json.dumps({"query": f"{head}{brace} a{ALIAS}: {rest.lstrip()}", "variables": request.variables})
        )
    return bodies


def script(bodies: list[str], folder: Path) -> Path:
    path = folder / "load.lua"
    path.write_text(
        SCRIPT.replace("{BODIES}", "{" + ", ".join(map(_lua_string, bodies)) + "}"), encoding="utf-8"
    )
    return path


async def _wrk(url: str, lua: Path, clients: int, seconds: float, pid: int) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = tree_cpu_s(pid)
    with Sampler(pid, 1.0, tree=True) as sampler:
        process = await asyncio.create_subprocess_exec(
            WRK,
            "-t",
            "2",
            "-c",
            str(clients),
            "-d",
            f"{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(lua),
            url + "/graphql",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((ln for ln in out.decode().splitlines() if ln.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {out.decode()[-500:]} {err.decode()[-500:]}")
    raw = json.loads(line[4:])
    elapsed = raw["duration_us"] / 1e6
    points = [(s.seconds, s.mib) for s in sampler.samples]
    half = [(t, mib) for t, mib in points if t >= points[-1][0] / 2]
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    kinds = {k: raw[k] for k in ("connect", "read", "write", "status", "timeout", "bad") if raw[k]}
    return {
        "seconds": elapsed,
        "requests": raw["requests"],
        "requests_per_s": raw["requests"] / elapsed,
        "latency_ms": {k: raw[k] / 1000 for k in ("p50", "p90", "p99", "max")},
        "errors": sum(kinds.values()),
        "error_kinds": kinds,
        "client_cpu_cores": client_cpu / elapsed,
        "server_cpu_cores": (tree_cpu_s(pid) - server_before) / elapsed,
        "memory_mib": {
            "start": points[0][1],
            "end": points[-1][1],
            "max": max(m for _, m in points),
            "slope_per_min": slope(points) * 60,
            "second_half_slope_per_min": slope(half) * 60,
        },
    }


def measure(
    graph: Path, mix: list[Request], clients: int, seconds: float, workers: tuple[int, ...] = (1, 2)
) -> dict[str, Any]:
    """The scenarios (module doc): new documents with each count of ``workers``, the repeated
    request with the most."""
    if WRK is None:
        return {"skipped": "wrk is not installed (Debian: apt-get install wrk)"}
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="beskgraph-wrk-") as scratch:
        folder = Path(scratch)
        (folder / "new").mkdir()
        (folder / "same").mkdir()
        fresh = script(new_document_bodies(mix), folder / "new")
        same = script([json.dumps(mix[0].payload())], folder / "same")
        for count in workers:
            started = time.perf_counter()
            with running_server(graph, workers=count) as server:
                ready = time.perf_counter() - started
                run = asyncio.run(_wrk(server.url, fresh, clients, seconds, server.process.pid))
                runs[f"new documents, {count} worker{'s' * (count > 1)}"] = {**run, "server_start_s": ready}
                if count == max(workers):
                    runs[f"repeated, {count} worker{'s' * (count > 1)}"] = asyncio.run(
                        _wrk(server.url, same, clients, seconds, server.process.pid)
                    )
    return {"clients": clients, "cores": os.cpu_count(), "runs": runs}
