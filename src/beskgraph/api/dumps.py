"""Dataset dumps (``/dump.ttl|trig|nq|nt|jsonld`` and ``/dump`` by content negotiation).

Dumps are deterministic (see ``beskgraph.store.serialize``); JSON-LD dumps are
compacted with the context published at ``/context.jsonld``. Each is written to a file
once per store generation and served from that file (``beskgraph.api.dump_cache``)
with its Content-Length and ETag (the SHA-256 of its content); HEAD, a byte range and
If-None-Match are answered as for any file (``beskgraph.api.file_response``).
"""

from __future__ import annotations

from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from beskgraph.api.dump_cache import DumpCache
from beskgraph.api.file_response import CompleteFileResponse
from beskgraph.api.generations import LoadTimes, failure
from beskgraph.api.links import public_base
from beskgraph.api.refusals import refuse
from beskgraph.store import NotAcceptable, StoreError
from beskgraph.store.base import DUMP_FORMATS, negotiate
from beskgraph.store.serialize import jsonld_context

EXTENSIONS = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "ntriples", "jsonld": "jsonld"}
# /dump offers, best first: datasets before the (graph-less) union formats.
NEGOTIATED = ["trig", "nquads", "jsonld", "turtle", "ntriples"]
_MEDIA_TO_FORMAT = {DUMP_FORMATS[name][1]: name for name in NEGOTIATED}


def extension(format: str) -> str:
    """The file extension of a dump format ('nquads' -> 'nq')."""
    return next(ext for ext, name in EXTENSIONS.items() if name == format)


async def _serve(request: Request, format: str) -> Response:
    """The dump file of the current generation (built first if need be)."""
    cache: DumpCache = request.app.state.dumps
    try:
        file, generation = await cache.file(format)
    except (StoreError, OSError) as exc:
        return failure(exc)
    load_times: LoadTimes = request.app.state.load_times
    headers = {
        "Vary": "Accept",
        "Last-Modified": format_datetime(load_times.of(generation), usegmt=True),
        "Content-Disposition": f'inline; filename="beskgraph.{extension(format)}"',
    }
    if format == "jsonld":
        context = public_base(request) + "/context.jsonld"
        headers["Link"] = f'<{context}>; rel="http://www.w3.org/ns/json-ld#context"'
    return CompleteFileResponse(file, DUMP_FORMATS[format][1], headers, cache.readers)


async def dump_file(request: Request) -> Response:
    """GET /dump.{ext}."""
    format = EXTENSIONS.get(request.path_params["ext"])
    if format is None:
        refuse(request, "no such dump format")
        return PlainTextResponse(
            f"no dump format .{request.path_params['ext']}; use one of "
            + ", ".join(f".{e}" for e in EXTENSIONS),
            status_code=404,
        )
    return await _serve(request, format)


async def dump(request: Request) -> Response:
    """GET /dump, format by Accept (TriG by default)."""
    try:
        media = negotiate(request.headers.get("accept"), list(_MEDIA_TO_FORMAT))
    except NotAcceptable as exc:
        refuse(request, "no dump format fits the Accept header")
        return PlainTextResponse(str(exc), status_code=406)
    return await _serve(request, _MEDIA_TO_FORMAT[media])


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
