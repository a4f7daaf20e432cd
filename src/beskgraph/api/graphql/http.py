"""GraphQL over HTTP (the GraphQL-over-HTTP spec): GET and POST, media types, status codes.

- ``application/graphql-response+json`` when asked for; ``application/json`` for ``*/*``
  or no Accept; 406 otherwise. Request errors (bad JSON, bad parameters, parse,
  validation and variable errors) are 400 - except parse/validation/variable errors
  under ``application/json``, which the spec wants as 200.
- GET runs queries only (a mutation is 405); POST needs a JSON body (415 otherwise).
- ``explain``: request extension ``{"explain": true}``, GET ``explain=1`` or header
  ``X-Beskgraph-Explain: 1`` adds ``extensions.explain.sparql`` (the SPARQL run).
- A store that is down answers 503 (``application/graphql-response+json``) or 200 with
  a ``STORE_UNAVAILABLE`` error (``application/json``).
- GET with ``Accept: text/html`` and no query serves GraphiQL from bundled assets.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from graphql import GraphQLError, OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.schema.exceptions import CannotGetOperationTypeError

from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.schema import Context, schema
from beskgraph.store import Store
from beskgraph.store.base import parse_accept

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MAX_BODY_BYTES = 1_000_000
EXPLAIN_HEADER = "x-beskgraph-explain"


class RequestError(Exception):
    """A request that cannot be executed: status, message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.headers = status, headers or {}


def _media_type(accept: str | None) -> str | None:
    """The response media type for an Accept header (None: nothing acceptable)."""
    if not accept:
        return JSON
    for media, _q in parse_accept(accept):
        if media in (GRAPHQL_RESPONSE, JSON):
            return media
        if media in ("*/*", "application/*"):
            return JSON
    return None


def _respond(
    body: dict[str, Any], status: int, media: str, headers: dict[str, str] | None = None
) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(content, status, headers=headers, media_type=f"{media}; charset=utf-8")


def _json_param(params: dict[str, Any], name: str) -> Any:
    """Decode a JSON-encoded GET parameter (``variables``, ``extensions``)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise RequestError(400, f"`{name}` is not valid JSON") from exc


async def _params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        params["variables"] = _json_param(params, "variables")
        params["extensions"] = _json_param(params, "extensions")
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise RequestError(415, "POST a JSON body with Content-Type: application/json")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(413, f"the request body exceeds {MAX_BODY_BYTES} bytes")
    if not body:
        raise RequestError(400, "the request body is empty")
    try:
        params = json.loads(body)
    except ValueError as exc:
        raise RequestError(400, "the request body is not valid JSON") from exc
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
    if operation is not None and not isinstance(operation, str):
        raise RequestError(400, "`operationName` must be a string")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError(400, "`extensions` must be a map")
    return query, variables, operation, extensions or {}


def _wants_explain(request: Request, extensions: dict[str, Any]) -> bool:
    flags = (request.headers.get(EXPLAIN_HEADER), request.query_params.get("explain"))
    return extensions.get("explain") is True or any(f in ("1", "true") for f in flags)


def _is_request_error(errors: list[GraphQLError], data: object) -> bool:
    """Parse, validation and variable errors: no data and no error at a field path."""
    return data is None and all(not error.path for error in errors)


def _store_down(errors: list[GraphQLError]) -> bool:
    return any((error.extensions or {}).get("code") == "STORE_UNAVAILABLE" for error in errors)


async def graphql_endpoint(request: Request) -> Response:
    """The /graphql endpoint (see module doc)."""
    accept = request.headers.get("accept")
    if request.method == "GET" and not request.query_params.get("query") and _prefers_html(accept):
        return HTMLResponse(_graphiql_page(request))
    media = _media_type(accept)
    if media is None:
        return _respond({"errors": [{"message": f"cannot answer in {accept}; ask for "
                                     f"{GRAPHQL_RESPONSE} or {JSON}"}]}, 406, JSON)
    try:
        query, variables, operation, extensions = _check(await _params(request))
        if request.method == "GET" and _is_mutation(query, operation):
            raise RequestError(405, "GET runs queries only; POST mutations", {"Allow": "POST"})
    except RequestError as exc:
        return _respond({"errors": [{"message": str(exc)}]}, exc.status, media, exc.headers)
    loader = Loader(request.app.state.store)
    try:
        result = await schema.execute(
            query, variable_values=variables, context_value=Context(loader), operation_name=operation
        )
    except CannotGetOperationTypeError as exc:
        return _respond({"errors": [{"message": exc.as_http_error_reason()}]}, 400, media)
    errors = list(result.errors or [])
    body: dict[str, Any] = {}
    status = 200
    if errors and _is_request_error(errors, result.data):
        status = 400 if media == GRAPHQL_RESPONSE else 200
    else:
        body["data"] = result.data
    headers: dict[str, str] = {}
    if errors and _store_down(errors) and media == GRAPHQL_RESPONSE:
        status, headers = 503, {"Retry-After": "5"}
        body.pop("data", None)
    if errors:
        body["errors"] = [error.formatted for error in errors]
    if result.extensions:
        body["extensions"] = dict(result.extensions)
    if _wants_explain(request, extensions):
        body.setdefault("extensions", {})["explain"] = {"sparql": loader.queries}
    return _respond(body, status, media, headers)


def _is_mutation(query: str, operation: str | None) -> bool:
    """True when the operation a GET would run is not a query (unparsable: False)."""
    from graphql import parse
    from graphql.error import GraphQLSyntaxError
    from graphql.utilities import get_operation_ast

    try:
        ast = get_operation_ast(parse(query), operation)
    except GraphQLSyntaxError:
        return False
    return ast is not None and ast.operation is not OperationType.QUERY


def _prefers_html(accept: str | None) -> bool:
    ranges = [media for media, _q in parse_accept(accept)] if accept else []
    return bool(ranges) and ranges[0] == "text/html"


STATIC_PATH = "/graphql/static"


def _graphiql_page(request: Request) -> str:
    base = request.scope.get("root_path", "") + STATIC_PATH
    return (resources.files("beskgraph.api.graphql") / "graphiql.html").read_text("utf-8").replace(
        "{{STATIC}}", base
    )


def graphql_routes(store: Store | None = None) -> list[BaseRoute]:
    """The /graphql endpoint and its GraphiQL assets; the store comes from ``app.state``.

    ``store`` is accepted for symmetry with other route factories and not needed.
    """
    del store
    assets = resources.files("beskgraph.api") / "static" / "graphiql"
    return [
        Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
        Mount(STATIC_PATH, StaticFiles(directory=str(assets)), name="graphiql-static"),
    ]
