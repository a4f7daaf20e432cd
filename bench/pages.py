"""How fast the pages of the seed graph render on the server: ``python -m bench.pages``.

The whole application runs under uvicorn on loopback; a timing middleware records each
request's time inside the server (from the request reaching the app to its last byte).
Each page is compared with two baselines measured in the same run: ``/health`` (the
server's floor) and the Turtle description of the same IRI (the same store queries'
machine form, without any rendering). Target: every page under 100 ms at p95.

``--big N`` also builds a generated corpus of N documents and measures the page of its
most-linked municipality whole (every row, as before pagination) and paginated (the
default ``page_rows``): bytes and time inside the server, and their ratios.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.corpus import generate
from bench.stats import summary
from beskgraph.api.app import create_app
from beskgraph.api.graphql import graphql_routes
from beskgraph.api.settings import Settings
from beskgraph.build import build, serialise
from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore

TARGET_MS = 100.0
MIDDELFART = "/intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"
PAGES = [
    "/",
    "/search?q=Middelfart",
    "/municipality/410",
    MIDDELFART,
    MIDDELFART + "/test/evidence",
    MIDDELFART + "/test/evidence/answer/096ff85d5495",
    "/criterion/evidence/096ff85d5495",
    "/compare",
    "/timeline",
    "/letter/2018-07-09-rudersdal-til-beskaeftigelsesministeriet",
    "/source/000-2ad044e4a048410a?char=2294,2450",
    "/source/003-aec37f0f2b66ca76",
    "/target-group/6-1-dagpengemodtagere",
    "/person/230/birgitte-n-lundgren",
    "/ontology",
    "/shapes",
    "/sparql",
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


def built_store(paths: list[Path]) -> EmbeddedStore:
    trig = serialise(build(paths).dataset, "trig")
    store = EmbeddedStore()
    store.load_dataset(trig.encode() if isinstance(trig, str) else trig, "application/trig")
    return store


MOST_LINKED = """
SELECT ?m (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/beskgraph/ontology#Municipality> . ?s ?p ?m }
GROUP BY ?m ORDER BY DESC(?n) ?m LIMIT 1
"""


def big_municipality(size: int, repeat: int) -> None:
    """The most-linked municipality of a generated corpus: its page whole, then paginated."""
    with tempfile.TemporaryDirectory() as work:
        store = built_store(generate(size, Path(work) / "corpus", SEEDS_DIR))
    top = store.select(MOST_LINKED)[0]
    path = "/" + str(top["m"]).split("/beskgraph/", 1)[1]
    rows = Settings().page_rows
    print(f"\n{path} of a {size}-document corpus: {top['n']} links to it; {repeat} requests each (ms)")
    print(f"{'page':<28} {'bytes':>10} {'p50':>8} {'p95':>8}")
    figures = {}
    for name, page_rows in (("whole (before)", 10**9), (f"paginated ({rows} rows)", rows)):
        timed = Timed(
            create_app(
                store,
                extra_routes=graphql_routes(),
                settings=Settings.from_env(page_rows=page_rows, page_timeout=120.0, response_cache_bytes=0),
            )
        )
        base, stop = serve(timed)
        try:
            with httpx.Client(base_url=base, timeout=120) as client:
                sizes = [
                    len(client.get(path, headers={"accept": "text/html"}).raise_for_status().content)
                    for _ in range(repeat + 1)
                ]
        finally:
            stop()
        page = summary(timed.seconds[path][1:])
        figures[name] = (sizes[-1], page["p50"])
        print(f"{name:<28} {sizes[-1]:>10} {page['p50']:8.1f} {page['p95']:8.1f}")
    (whole_bytes, whole_ms), (paged_bytes, paged_ms) = figures.values()
    print(f"paginated / whole: bytes {paged_bytes / whole_bytes:.3f}, time at p50 {paged_ms / whole_ms:.3f}")


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--repeat", type=int, default=30, help="requests per page (after one warm-up)")
    options.add_argument(
        "--big",
        type=int,
        default=0,
        metavar="N",
        help="also measure the most-linked municipality of an N-document generated corpus",
    )
    args = options.parse_args(argv)
    repeat = args.repeat
    store = built_store([SEEDS_DIR])
    timed = Timed(
        create_app(store, extra_routes=graphql_routes(), settings=Settings.from_env(response_cache_bytes=0))
    )  # render every time
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
        print(
            f"{path[:72]:<72} {page['p50']:7.1f} {page['p95']:7.1f} {page['p50'] / health:8.0f} {ratio}  "
            f"{'met' if met else 'MISSED'} (<{TARGET_MS:.0f} ms at p95)"
        )
    print(f"{len(PAGES) - missed} of {len(PAGES)} pages within target")
    if args.big:
        big_municipality(args.big, max(3, repeat // 3))


if __name__ == "__main__":
    main()
