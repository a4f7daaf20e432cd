"""Read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

- Query via GET ``?query=``, POST form (``application/x-www-form-urlencoded``) or POST
  ``application/sparql-query`` (UTF-8 only); results are content-negotiated.
- The query is parsed (rdflib's SPARQL grammar, so comments and strings cannot hide
  anything) before it runs: SERVICE is refused, and every graph named by FROM /
  FROM NAMED / ``default-graph-uri`` / ``named-graph-uri`` must be a graph of the store
  (400 otherwise). The server never dereferences anything. Protocol dataset
  parameters override FROM clauses; FROM clauses are passed to the store as an explicit
  dataset (the store's union-default-graph mode would otherwise ignore them).
- SPARQL Update (``update=`` or ``application/sparql-update``) is refused with 403.
- Queries run in a worker thread under a concurrency limit, with the store's own
  timeout / result-size limit (503 on excess) plus an asyncio backstop, so the event
  loop and other requests are never blocked.
- ``GET /sparql`` without a query returns the SPARQL Service Description.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import parse_qs

import anyio
from anyio import to_thread
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from beskgraph.api.description import described, public_base, service_graph
from beskgraph.api.refusals import refuse
from beskgraph.api.settings import Settings
from beskgraph.store import (
    NotAcceptable,
    QueryLimitExceeded,
    QuerySyntaxError,
    Store,
    StoreError,
    StoreUnavailable,
)

READ_ONLY = "This SPARQL endpoint is read-only: SPARQL Update is not accepted."
_PARSER_LOCK = threading.Lock()  # pyparsing's packrat cache is not thread-safe


class ProtocolError(Exception):
    """A request the endpoint refuses; becomes a plain-text HTTP error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class QueryRequest:
    """A SPARQL Protocol query operation."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


@dataclass
class QueryInfo:
    """What the endpoint needs to know about a parsed query."""

    form: str  # SelectQuery | AskQuery | ConstructQuery | DescribeQuery
    from_graphs: list[str]
    from_named: list[str]


# ---------------------------------------------------------------------------
# Reading the protocol request


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"exactly one '{name}' parameter is allowed, got {len(values)}")
    return values[0] if values else None


def _media_type(request: Request) -> tuple[str, dict[str, str]]:
    raw = request.headers.get("content-type", "")
    parts = [p.strip() for p in raw.split(";")]
    params = {}
    for p in parts[1:]:
        key, _, value = p.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return parts[0].lower(), params


async def _body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"request body is not valid UTF-8: {exc}") from exc


async def read_request(request: Request, settings: Settings) -> QueryRequest | None:
    """The query operation of a request, or None for a plain GET (service description)."""
    url = request.query_params
    if "update" in url or "using-graph-uri" in url or "using-named-graph-uri" in url:
        raise ProtocolError(403, READ_ONLY)
    default = url.getlist("default-graph-uri")
    named = url.getlist("named-graph-uri")
    if request.method in ("GET", "HEAD"):
        query = _one(url.getlist("query"), "query")
        return None if query is None else QueryRequest(query, default, named)
    media, params = _media_type(request)
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"only UTF-8 is accepted, not charset={charset}")
    if media == "application/sparql-update":
        raise ProtocolError(403, READ_ONLY)
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(_utf8(await _body(request, settings.max_query_bytes)), keep_blank_values=True)
        if "update" in form:
            raise ProtocolError(403, READ_ONLY)
        query = _one(form.get("query", []) + url.getlist("query"), "query")
        if query is None:
            raise ProtocolError(400, "the form has no 'query' parameter")
        default += form.get("default-graph-uri", [])
        named += form.get("named-graph-uri", [])
        return QueryRequest(query, default, named)
    if media == "application/sparql-query":
        if "query" in url:
            raise ProtocolError(400, "query given both in the URL and in the body")
        return QueryRequest(_utf8(await _body(request, settings.max_query_bytes)), default, named)
    raise ProtocolError(
        415,
        "POST a query as application/sparql-query or application/x-www-form-urlencoded "
        f"(got content-type {media or 'none'})",
    )


# ---------------------------------------------------------------------------
# Checking the query


def _walk(node: object) -> list[CompValue]:
    """Every CompValue in a parse tree (iteratively; trees can be deep)."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)  # type: ignore[arg-type]
    return found


def inspect_query(query: str) -> QueryInfo:
    """Parse a query; refuse SERVICE; collect its form and FROM / FROM NAMED graphs."""
    try:
        with _PARSER_LOCK:
            tree = parseQuery(query)
    except Exception as exc:  # pyparsing raises several types; all mean "not a query"
        raise ProtocolError(400, f"SPARQL syntax error: {exc}") from exc
    body = tree[1]
    nodes = _walk(tree)
    if any(n.name == "ServiceGraphPattern" for n in nodes):
        raise ProtocolError(400, "SERVICE (federated query) is not allowed on this endpoint")
    # CompValue.get() answers the key itself when absent, hence the ``in`` tests.
    clauses = body["datasetClause"] if "datasetClause" in body else []  # noqa: SIM401
    return QueryInfo(
        form=body.name,
        from_graphs=[str(c["default"]) for c in clauses if "default" in c],
        from_named=[str(c["named"]) for c in clauses if "named" in c],
    )


def resolve_dataset(request: QueryRequest, info: QueryInfo, known: set[str]) -> tuple[list[str], list[str]]:
    """The explicit dataset (default, named) to query; empty lists mean the union."""
    if request.default_graphs or request.named_graphs:
        default, named = request.default_graphs, request.named_graphs
    else:
        default, named = info.from_graphs, info.from_named
    unknown = sorted({*default, *named} - known)
    if unknown:
        raise ProtocolError(
            400,
            "not a graph of this dataset (the endpoint never fetches graphs): "
            + ", ".join(f"<{g}>" for g in unknown),
        )
    return default, named


# ---------------------------------------------------------------------------
# The endpoint


async def sparql(request: Request) -> Response:
    """GET/POST /sparql."""
    store: Store = request.app.state.store
    settings: Settings = request.app.state.settings
    try:
        operation = await read_request(request, settings)
        if operation is None:
            return await service_description(request)
        info = await to_thread.run_sync(inspect_query, operation.query)
        default: list[str] = []
        named: list[str] = []
        explicit = operation.default_graphs + operation.named_graphs
        if explicit or info.from_graphs or info.from_named:
            known = set(await to_thread.run_sync(store.graphs))
            default, named = resolve_dataset(operation, info, known)
        run = partial(
            store.query_raw,
            operation.query,
            request.headers.get("accept", "*/*"),
            default_graph_uris=default,
            named_graph_uris=named,
            timeout=settings.query_timeout,
            max_bytes=settings.max_result_bytes,
            base_iri=public_base(request) + "/sparql",
        )
        with anyio.fail_after(settings.query_timeout + 5):  # backstop if the store hangs
            body, media = await to_thread.run_sync(
                run, limiter=request.app.state.query_limiter, abandon_on_cancel=True
            )
    except ProtocolError as exc:
        refuse(request, exc.message)
        return PlainTextResponse(exc.message, status_code=exc.status)
    except QuerySyntaxError as exc:
        return PlainTextResponse(f"SPARQL syntax error: {exc}", status_code=400)
    except NotAcceptable as exc:
        return PlainTextResponse(str(exc), status_code=406)
    except QueryLimitExceeded as exc:
        return PlainTextResponse(f"query stopped: {exc}", status_code=503)
    except TimeoutError:
        return PlainTextResponse(
            f"query stopped: no answer within {settings.query_timeout:g} s", status_code=503
        )
    except StoreUnavailable as exc:
        return PlainTextResponse(f"store unavailable: {exc}", status_code=503)
    except StoreError as exc:
        return PlainTextResponse(f"store error: {exc}", status_code=500)
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return Response(body, headers={"Content-Type": media, "Vary": "Accept"})


async def service_description(request: Request) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, with the store's named graphs."""
    store: Store = request.app.state.store
    base = public_base(request)
    return await described(request, f"sd {base}", lambda _generation: service_graph(store, base))


def routes() -> list[BaseRoute]:
    """Routes of this module (other methods get 405)."""
    return [Route("/sparql", sparql, methods=["GET", "POST"])]
