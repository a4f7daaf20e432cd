"""GraphQL over HTTP (the GraphQL-over-HTTP spec): GET and POST, media types, status codes.

- ``application/graphql-response+json`` when asked for; ``application/json`` for ``*/*``
  or no Accept; 406 otherwise. Request errors (bad JSON, bad parameters, parse,
  validation, limit and variable errors, lists past their length) are 400 - except under ``application/json``,
  which the spec wants as 200.
- GET runs queries only (a mutation is 405); POST needs a JSON body (415 otherwise),
  read as a stream and refused (413) past the API's body size limit; a client gone
  before its body is complete is one refusal line (499).
- Before it runs, a request is prepared in a worker thread (``documents.py``: limits on
  the document, validation) and costed (``cost.py``); past the cost limit it is refused
  with ``QUERY_TOO_COSTLY``. It then runs under a guard (``execution.py``): a time limit,
  the client's disconnect and a response size budget stop it. Every response carries
  its cost in ``extensions.cost``; every error has an ``extensions.code``.
- ``explain``: request extension ``{"explain": true}``, GET ``explain=1`` or header
  ``X-Beskgraph-Explain: 1`` adds ``extensions.explain.sparql`` (the SPARQL run, capped).
- A store that is down, or a request stopped at the time limit, answers 503
  (``application/graphql-response+json``) or 200 with the error (``application/json``).
- A response with errors is logged as one line (``refusals.py``), without the query.
- GET with ``Accept: text/html`` and no query serves GraphiQL from bundled assets.
"""

from __future__ import annotations

import json
import logging
import re
import time
from importlib import resources
from typing import Any

from anyio import CapacityLimiter, to_thread
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType
from graphql.utilities import get_operation_ast
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.schema.exceptions import CannotGetOperationTypeError

from beskgraph.api.body import BodyTooLarge, ClientGone, read_body
from beskgraph.api.graphql.cost import operation_cost
from beskgraph.api.graphql.encoding import TooLarge, encode, encode_limited, explain
from beskgraph.api.graphql.errors import formatted, summary
from beskgraph.api.graphql.execution import Guard, Run, Stop, Stopped, run_guarded
from beskgraph.api.graphql.limits import MAX_VARIABLE_CHARS, Limits, limit_error
from beskgraph.api.graphql.list_inputs import variable_list_errors
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.preparation import DocumentCache
from beskgraph.api.graphql.schema import Context, schema
from beskgraph.api.refusals import refuse
from beskgraph.formats.accept import parse_accept, refuses

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
EXPLAIN_HEADER = "x-beskgraph-explain"
PREPARING_AT_ONCE = 2  # documents parsed and validated at once (worker threads)
LONE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # a JSON escape that may be half a pair
log = logging.getLogger("beskgraph.graphql")


class RequestError(Exception):
    """A request that cannot be executed: status, message, error code."""

    def __init__(
        self, status: int, message: str, headers: dict[str, str] | None = None, code: str = "BAD_REQUEST"
    ) -> None:
        super().__init__(message)
        self.status, self.headers, self.code = status, headers or {}, code


def _media_type(accept: str | None) -> str | None:
    """The response media type for an Accept header (None: nothing acceptable)."""
    if not accept:
        return JSON
    for media, _q in parse_accept(accept):
        if media in (GRAPHQL_RESPONSE, JSON):
            return media
        if media in ("*/*", "application/*"):
            return next((m for m in (JSON, GRAPHQL_RESPONSE) if not refuses(accept, m)), None)
    return None


def _respond(
    body: dict[str, Any],
    status: int,
    media: str,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> Response:
    return Response(
        encode(body) if content is None else content,
        status,
        headers=headers,
        media_type=f"{media}; charset=utf-8",
    )


def _json(raw: str | bytes, name: str) -> Any:
    """Decode JSON from a client: any failure (incl. nesting and half surrogate pairs) is a 400."""
    try:
        value = json.loads(raw)
        if LONE_SURROGATE.search(raw.encode() if isinstance(raw, str) else raw):
            json.dumps(value, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    except (ValueError, RecursionError) as exc:
        raise RequestError(400, f"{name} is not valid JSON (UTF-8)") from exc
    return value


def _json_param(params: dict[str, Any], name: str) -> Any:
    """Decode a JSON-encoded GET parameter (``variables``, ``extensions``)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    return _json(raw, f"`{name}`")


async def _params(request: Request, max_bytes: int) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        params["variables"] = _json_param(params, "variables")
        params["extensions"] = _json_param(params, "extensions")
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise RequestError(
            415, "POST a JSON body with Content-Type: application/json", code="UNSUPPORTED_MEDIA_TYPE"
        )
    try:
        body = await read_body(request, max_bytes)
    except BodyTooLarge as exc:
        raise RequestError(
            413, f"the request body exceeds {exc.limit} bytes", code="REQUEST_TOO_LARGE"
        ) from exc
    except ClientGone as exc:
        raise RequestError(exc.status, str(exc), code="CLIENT_DISCONNECTED") from exc
    if not body:
        raise RequestError(400, "the request body is empty")
    params = _json(body, "the request body")
    if not isinstance(params, dict):
        raise RequestError(400, "the request body must be a JSON object")
    return params


def _check(params: dict[str, Any]) -> tuple[str, dict[str, Any] | None, str | None, dict[str, Any]]:
    query, variables = params.get("query"), params.get("variables")
    operation, extensions = params.get("operationName"), params.get("extensions")
    if not isinstance(query, str) or not query.strip():
        raise RequestError(400, "the `query` parameter must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "`variables` must be a map")
    longest = _longest_text(variables)
    if longest > MAX_VARIABLE_CHARS:
        raise RequestError(
            400,
            f"a variable holds a text of {longest} characters; at most {MAX_VARIABLE_CHARS} are allowed",
            code="BAD_USER_INPUT",
        )
    if operation is not None and not isinstance(operation, str):
        raise RequestError(400, "`operationName` must be a string")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError(400, "`extensions` must be a map")
    return query, variables, operation, extensions or {}


def _longest_text(value: Any) -> int:
    """Characters of the longest string (key or value) in decoded JSON."""
    longest, todo = 0, [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            todo.extend(item)
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return longest


def _wants_explain(request: Request, extensions: dict[str, Any]) -> bool:
    flags = (request.headers.get(EXPLAIN_HEADER), request.query_params.get("explain"))
    return extensions.get("explain") is True or any(f in ("1", "true") for f in flags)


def _is_request_error(errors: list[GraphQLError], data: object) -> bool:
    """Parse, validation and variable errors: no data and no error at a field path."""
    return data is None and all(not error.path for error in errors)


def _store_down(errors: list[GraphQLError]) -> bool:
    return any((error.extensions or {}).get("code") == "STORE_UNAVAILABLE" for error in errors)


class GraphQLEndpoint:
    """The /graphql endpoint (see module doc) with its limits and document cache."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.documents = DocumentCache(schema._schema)
        self.preparing = CapacityLimiter(PREPARING_AT_ONCE)
        self.running = CapacityLimiter(limits.max_concurrent)

    async def handle(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        if request.method == "GET" and not request.query_params.get("query") and _prefers_html(accept):
            return HTMLResponse(_graphiql_page(request))
        media = _media_type(accept)
        if media is None:
            error = limit_error(
                "NOT_ACCEPTABLE", f"cannot answer in {accept}; ask for {GRAPHQL_RESPONSE} or {JSON}"
            )
            return _refused(request, [error], 406, JSON)
        try:
            query, variables, operation, extensions = _check(
                await _params(request, request.app.state.settings.max_query_bytes)
            )
        except RequestError as exc:
            return _refused(request, [limit_error(exc.code, str(exc))], exc.status, media, exc.headers)
        request_status = 400 if media == GRAPHQL_RESPONSE else 200
        prepared = await to_thread.run_sync(self.documents.get, query, limiter=self.preparing)
        try:
            if request.method == "GET" and prepared.document is not None:
                _query_only(prepared.document, operation)
            if prepared.errors:
                return _refused(request, list(prepared.errors), request_status, media)
            document = prepared.document
            assert document is not None  # parsed: it has no errors
            chosen = _operation(document, operation)
        except RequestError as exc:
            return _refused(request, [limit_error(exc.code, str(exc))], exc.status, media, exc.headers)
        too_long = variable_list_errors(document, chosen, variables)
        if too_long:
            return _refused(request, too_long, request_status, media)
        cost = operation_cost(schema._schema, document, prepared.fragment_order, chosen, variables)
        if cost > self.limits.max_cost:
            error = limit_error(
                "QUERY_TOO_COSTLY",
                f"the query could return {cost} fields; at most "
                f"{self.limits.max_cost} are allowed (ask for smaller pages or fewer "
                "nested lists)",
                cost=cost,
                limit=self.limits.max_cost,
            )
            return _refused(request, [error], request_status, media)
        return await self._run(
            request,
            media,
            document,
            query,
            variables,
            operation,
            {"requested": cost, "limit": self.limits.max_cost},
            _wants_explain(request, extensions),
        )

    async def _run(
        self,
        request: Request,
        media: str,
        document: DocumentNode,
        query: str,
        variables: dict[str, Any] | None,
        operation: str | None,
        cost: dict[str, int],
        explained: bool,
    ) -> Response:
        loader = Loader(request.app.state.store)
        guard = Guard(self.limits.max_response_bytes, self.limits.max_objects)
        started = time.monotonic()
        try:
            result = await run_guarded(
                lambda: schema.execute(
                    query, variable_values=variables, context_value=Context(loader), operation_name=operation
                ),
                Run(document, guard),
                self.limits.timeout,
                request.receive,
                self.running,
            )
        except CannotGetOperationTypeError as exc:
            error = limit_error("OPERATION_RESOLUTION_FAILURE", exc.as_http_error_reason())
            return _refused(request, [error], 400, media)
        except Stopped as exc:
            return self._stopped(request, media, exc.reason, time.monotonic() - started, guard.exceeded)
        errors = list(result.errors or [])
        body: dict[str, Any] = {}
        status, headers = 200, {}
        if errors and _is_request_error(errors, result.data):
            status = 400 if media == GRAPHQL_RESPONSE else 200
        else:
            body["data"] = result.data
        if errors and _store_down(errors) and media == GRAPHQL_RESPONSE:
            status, headers = 503, {"Retry-After": "5"}
            body.pop("data", None)
        if errors:
            body["errors"] = [formatted(error) for error in errors]
        body["extensions"] = {**(result.extensions or {}), "cost": cost}
        if explained:
            body["extensions"]["explain"] = explain(loader.queries, self.limits.max_explain_bytes)
        try:
            content = await encode_limited(body, self.limits.max_response_bytes, guard.used)
        except TooLarge:
            return self._stopped(
                request,
                media,
                Stop.TOO_LARGE,
                time.monotonic() - started,
                f"{self.limits.max_response_bytes} bytes",
            )
        if errors:
            _report(request, status, summary(errors))
        return _respond(body, status, media, headers, content)

    def _stopped(
        self, request: Request, media: str, reason: Stop, seconds: float, exceeded: str | None = None
    ) -> Response:
        messages = {
            Stop.TIMEOUT: f"the query was stopped at the time limit of {self.limits.timeout:g} s",
            Stop.DISCONNECTED: f"the client disconnected; the query was stopped after {seconds:.1f} s",
            Stop.TOO_LARGE: f"the response would exceed {exceeded}; ask for fewer fields or smaller pages",
        }
        statuses = {
            Stop.TIMEOUT: 503 if media == GRAPHQL_RESPONSE else 200,
            Stop.DISCONNECTED: 499,
            Stop.TOO_LARGE: 400 if media == GRAPHQL_RESPONSE else 200,
        }
        return _refused(request, [limit_error(reason.value, messages[reason])], statuses[reason], media)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    """The operation to run."""
    chosen = get_operation_ast(document, name)
    if chosen is None:
        reason = f"no operation named {name!r}" if name else "give `operationName`: the document has several"
        raise RequestError(400, reason, code="OPERATION_RESOLUTION_FAILURE")
    return chosen


def _query_only(document: DocumentNode, name: str | None) -> None:
    """GET runs queries only (checked before validation, as the spec asks)."""
    chosen = get_operation_ast(document, name)
    if chosen is not None and chosen.operation is not OperationType.QUERY:
        raise RequestError(
            405, "GET runs queries only; POST mutations", {"Allow": "POST"}, code="METHOD_NOT_ALLOWED"
        )


def _refused(
    request: Request,
    errors: list[GraphQLError],
    status: int,
    media: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """A response of errors only, reported as one log line."""
    _report(request, status, summary(errors))
    return _respond({"errors": [formatted(error) for error in errors]}, status, media, headers)


def _report(request: Request, status: int, reason: str) -> None:
    """One log line: the refusal middleware writes it for 4xx/5xx; 200 answers with errors here."""
    refuse(request, reason)
    if status < 400:
        client = request.client.host if request.client else "-"
        log.warning(
            "errors in %s %s %d from %s: %s", request.method, request.url.path, status, client, reason
        )


def _prefers_html(accept: str | None) -> bool:
    ranges = [media for media, _q in parse_accept(accept)] if accept else []
    return bool(ranges) and ranges[0] == "text/html"


STATIC_PATH = "/graphql/static"


def _graphiql_page(request: Request) -> str:
    base = request.scope.get("root_path", "") + STATIC_PATH
    return (
        (resources.files("beskgraph.api.graphql") / "graphiql.html")
        .read_text("utf-8")
        .replace("{{STATIC}}", base)
    )


def graphql_routes(*, limits: Limits | None = None) -> list[BaseRoute]:
    """The /graphql endpoint and its GraphiQL assets; the store comes from ``app.state``.

    ``limits`` default to :meth:`Limits.from_env`.
    """
    assets = resources.files("beskgraph.api") / "static" / "graphiql"
    return [
        Route("/graphql", GraphQLEndpoint(limits or Limits.from_env()).handle, methods=["GET", "POST"]),
        Mount(STATIC_PATH, StaticFiles(directory=str(assets)), name="graphiql-static"),
    ]
