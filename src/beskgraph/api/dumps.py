"""Dataset dumps (``/dump.ttl|trig|nq|nt|jsonld`` and ``/dump`` by content negotiation).

Dumps are streamed and deterministic (see ``beskgraph.store.serialize``); JSON-LD
dumps are compacted with the context published at ``/context.jsonld``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from anyio import to_thread
from starlette.concurrency import iterate_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from beskgraph.store import NotAcceptable, Store, StoreError, StoreUnavailable
from beskgraph.store.base import DUMP_FORMATS, negotiate
from beskgraph.store.serialize import jsonld_context

EXTENSIONS = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "ntriples", "jsonld": "jsonld"}
# /dump offers, best first: datasets before the (graph-less) union formats.
NEGOTIATED = ["trig", "nquads", "jsonld", "turtle", "ntriples"]
_MEDIA_TO_FORMAT = {DUMP_FORMATS[name][1]: name for name in NEGOTIATED}


async def _stream(store: Store, format: str, request: Request) -> Response:
    """Start the dump in a worker thread; store errors before the first byte become 503/500."""
    try:
        chunks: Iterator[bytes] = await to_thread.run_sync(store.dump, format)
        first = await to_thread.run_sync(next, chunks, b"")
    except StoreUnavailable as exc:
        return PlainTextResponse(f"store unavailable: {exc}", status_code=503)
    except StoreError as exc:
        return PlainTextResponse(f"store error: {exc}", status_code=500)

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in iterate_in_threadpool(chunks):
            yield chunk

    ext = next(e for e, f in EXTENSIONS.items() if f == format)
    headers = {"Content-Disposition": f'inline; filename="beskgraph.{ext}"', "Vary": "Accept"}
    if format == "jsonld":
        context = str(request.url_for("context"))
        headers["Link"] = f'<{context}>; rel="http://www.w3.org/ns/json-ld#context"'
    return StreamingResponse(body(), media_type=DUMP_FORMATS[format][1], headers=headers)


async def dump_file(request: Request) -> Response:
    """GET /dump.{ext}."""
    format = EXTENSIONS.get(request.path_params["ext"])
    if format is None:
        return PlainTextResponse(
            f"no dump format .{request.path_params['ext']}; use one of "
            + ", ".join(f".{e}" for e in EXTENSIONS),
            status_code=404,
        )
    return await _stream(request.app.state.store, format, request)


async def dump(request: Request) -> Response:
    """GET /dump, format by Accept (TriG by default)."""
    try:
        media = negotiate(request.headers.get("accept"), list(_MEDIA_TO_FORMAT))
    except NotAcceptable as exc:
        return PlainTextResponse(str(exc), status_code=406)
    return await _stream(request.app.state.store, _MEDIA_TO_FORMAT[media], request)


async def context(request: Request) -> Response:
    """GET /context.jsonld: the JSON-LD context (the project prefixes)."""
    return JSONResponse(jsonld_context(), media_type="application/ld+json")


def routes() -> list[BaseRoute]:
    """Routes of this module."""
    return [
        Route("/dump", dump, methods=["GET"]),
        Route("/dump.{ext}", dump_file, methods=["GET"]),
        Route("/context.jsonld", context, methods=["GET"], name="context"),
    ]
