"""Dataset dumps (``/dump.ttl|trig|nq|nt|jsonld`` and ``/dump`` by content negotiation).

Dumps are deterministic, written by ``beskgraph.formats.writer`` as ``beskgraph export``
writes the same graph; JSON-LD dumps are compacted with the context published at
``/context.jsonld``. Each is written to a file once per store generation and served
from that file (``beskgraph.api.dump_cache``)
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
from beskgraph.api.generations import LoadTimes
from beskgraph.api.links import public_base
from beskgraph.api.negotiation import negotiate
from beskgraph.api.refusals import refuse
from beskgraph.formats.jsonld import jsonld_context
from beskgraph.formats.table import GRAPH_FORMATS, JSONLD, Format

DUMPS = {fmt.extension: fmt for fmt in GRAPH_FORMATS}  # /dump.{extension}; /dump offers them in this order


async def _serve(request: Request, fmt: Format) -> Response:
    """The dump file of the current generation (built first if need be)."""
    cache: DumpCache = request.app.state.dumps
    try:
        file, generation = await cache.file(fmt.name)
    except OSError as exc:  # e.g. a full disk; the reason, not the server's paths
        refuse(request, "the dump file could not be written")
        return PlainTextResponse(f"could not write the file: {exc.strerror}", status_code=503)
    load_times: LoadTimes = request.app.state.load_times
    headers = {
        "Vary": "Accept",
        "Last-Modified": format_datetime(load_times.of(generation), usegmt=True),
        "Content-Disposition": f'inline; filename="beskgraph.{fmt.extension}"',
    }
    if fmt is JSONLD:
        context = public_base(request) + "/context.jsonld"
        headers["Link"] = f'<{context}>; rel="http://www.w3.org/ns/json-ld#context"'
    return CompleteFileResponse(file, fmt.media_type, headers, cache.readers)


async def dump_file(request: Request) -> Response:
    """GET /dump.{ext}."""
    fmt = DUMPS.get(request.path_params["ext"])
    if fmt is None:
        refuse(request, "no such dump format")
        return PlainTextResponse(
            f"no dump format .{request.path_params['ext']}; use one of " + ", ".join(f".{e}" for e in DUMPS),
            status_code=404,
        )
    return await _serve(request, fmt)


async def dump(request: Request) -> Response:
    """GET /dump, format by Accept (TriG by default)."""
    return await _serve(request, negotiate(request.headers.get("accept"), GRAPH_FORMATS))


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
