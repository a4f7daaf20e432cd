"""How fast the pages of the seed graph render on the server: ``python -m bench.pages``.

The whole application runs under uvicorn on loopback; a timing middleware records each
request's time inside the server (from the request reaching the app to its last byte).
Each page is compared with two baselines measured in the same run: ``/health`` (the
server's floor) and the Turtle description of the same IRI (the same store queries'
machine form, without any rendering). Target: every page under 100 ms at p95.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable

import httpx
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.stats import summary
from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.build import build, serialise
from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore

TARGET_MS = 100.0
MIDDELFART = "/intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"
PAGES = [
    "/", "/search?q=Middelfart", "/municipality/410", MIDDELFART, MIDDELFART + "/test/evidence",
    MIDDELFART + "/test/evidence/answer/1", "/criterion/evidence/096ff85d5495", "/compare", "/timeline",
    "/letter/003-aec37f0f2b66ca76/2018-07-09-rudersdal-til-beskaeftigelsesministeriet",
    "/source/000-2ad044e4a048410a?char=2294,2450", "/source/003-aec37f0f2b66ca76",
    "/target-group/6-1-dagpengemodtagere", "/person/birgitte-n-lundgren", "/ontology", "/shapes", "/sparql",
]


class Timed:
    """ASGI middleware: seconds per request path (with query), measured inside the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seconds: dict[str, list[float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        key = scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else "")
        self.seconds.setdefault(key, []).append(time.perf_counter() - started)


def serve(app: ASGIApp) -> tuple[str, Callable[[], None]]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--repeat", type=int, default=30, help="requests per page (after one warm-up)")
    repeat = options.parse_args(argv).repeat
    trig = serialise(build([SEEDS_DIR]).dataset, "trig")
    store = EmbeddedStore()
    store.load_dataset(trig.encode() if isinstance(trig, str) else trig, "application/trig")
    timed = Timed(create_app(store, extra_routes=graphql_routes()))
    base, stop = serve(timed)
    html = {"accept": "text/html"}
    turtle = {"accept": "text/turtle"}
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for path in ["/health", *PAGES]:
                for _ in range(repeat + 1):
                    client.get(path, headers=html).raise_for_status()
                    if path.count("/") > 1 and not path.startswith(("/search", "/ontology", "/shapes")):
                        client.get(path.split("?")[0] + "?format=ttl", headers=turtle).raise_for_status()
    finally:
        stop()
    samples = {path: seconds[1:] for path, seconds in timed.seconds.items()}  # drop the warm-up
    health = summary(samples["/health"])["p50"]
    print(f"Pages of the seed graph, {repeat} requests each, time inside the server (ms)")
    print(f"baseline /health p50 {health:.2f} ms")
    print(f"{'page':<72} {'p50':>7} {'p95':>7} {'×health':>8} {'×turtle':>8}  target")
    missed = 0
    for path in PAGES:
        page = summary(samples[path])
        ttl = samples.get(path.split("?")[0] + "?format=ttl")
        ratio = f"{page['p50'] / summary(ttl)['p50']:8.1f}" if ttl else f"{'-':>8}"
        met = page["p95"] < TARGET_MS
        missed += not met
        print(f"{path[:72]:<72} {page['p50']:7.1f} {page['p95']:7.1f} {page['p50'] / health:8.0f} {ratio}  "
              f"{'met' if met else 'MISSED'} (<{TARGET_MS:.0f} ms at p95)")
    print(f"{len(PAGES) - missed} of {len(PAGES)} pages within target")


if __name__ == "__main__":
    main()
