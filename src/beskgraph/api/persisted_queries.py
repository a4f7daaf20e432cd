"""Automatic Persisted Queries (Apollo's protocol, version 1) in front of ``/graphql``.

A client sends ``extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}``,
without the query (GET ``?extensions=…&variables=…``, or a POST body). If the hash is
known, the request is rewritten to carry the query text and goes on to the endpoint;
if not, the answer is the error ``PERSISTED_QUERY_NOT_FOUND`` (message
``PersistedQueryNotFound``), on which the client sends the query with its hash: the
hash is checked (``PERSISTED_QUERY_HASH_MISMATCH``, 400, when it is not the query's
SHA-256), the text kept, and the request answered. A hash-only GET is a short URL that
browsers and CDNs can cache.

Statuses follow the endpoint's: a request error is 400 under
``application/graphql-response+json`` and 200 under ``application/json``; errors carry
``Cache-Control: private, no-cache, must-revalidate`` (as Apollo's servers send) so no
cache keeps them. Texts are kept per worker, least recently used first out, up to
``Settings.persisted_queries_bytes``; a client meeting a worker that does not know its
hash yet sends the query once more.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from beskgraph.api.caching import read_whole_body, replaying
from beskgraph.api.refusals import refuse
from beskgraph.api.settings import Settings
from beskgraph.formats.accept import parse_accept

GRAPHQL_RESPONSE = "application/graphql-response+json"
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
NO_CACHE = b"private, no-cache, must-revalidate"


class PersistedQueryError(Exception):
    """A persisted-query request that cannot go on: message, code, and whether it is the
    client's mistake (400 under either media type) or the protocol's normal "send the query"."""

    def __init__(self, message: str, code: str, mistake: bool = True) -> None:
        super().__init__(message)
        self.code, self.mistake = code, mistake


class QueryTexts:
    """Query texts by SHA-256, least recently used first out, at most ``max_bytes`` of text."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._texts: OrderedDict[str, str] = OrderedDict()

    def get(self, digest: str) -> str | None:
        text = self._texts.get(digest)
        if text is not None:
            self._texts.move_to_end(digest)
        return text

    def put(self, digest: str, text: str) -> None:
        if digest in self._texts or len(text) > self.max_bytes:
            return
        self._texts[digest] = text
        self.size += len(text)
        while self.size > self.max_bytes:
            _digest, old = self._texts.popitem(last=False)
            self.size -= len(old)


def resolve(texts: QueryTexts, extensions: Any, query: Any) -> str | None:
    """The query text a request runs: None if it uses no persisted query; raises
    :class:`PersistedQueryError` (see module doc)."""
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError(
            "Unsupported persisted query version (only version 1 is)", "PERSISTED_QUERY_NOT_SUPPORTED"
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest):
        raise PersistedQueryError(
            "persistedQuery.sha256Hash must be 64 hexadecimal digits (SHA-256)",
            "PERSISTED_QUERY_HASH_MISMATCH",
        )
    digest = digest.lower()
    if isinstance(query, str) and query:
        if hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest() != digest:
            raise PersistedQueryError("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
        texts.put(digest, query)
        return query
    known = texts.get(digest)
    if known is None:
        raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", mistake=False)
    return known


class PersistedQueries:
    """ASGI middleware for the GraphQL path (see module doc)."""

    def __init__(self, app: ASGIApp, path: str | None = "/graphql") -> None:
        self.app, self.path = app, path
        self.texts: QueryTexts | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        if self.texts is None:
            self.texts = QueryTexts(settings.persisted_queries_bytes)
        scope.setdefault("state", {})  # shared with the rewritten scope: refusals reach the log
        try:
            if scope["method"] == "GET" and b"persistedQuery" in scope["query_string"]:
                scope = self._rewrite_get(scope)
            elif scope["method"] == "POST":
                messages, body = await read_whole_body(scope, receive, settings.max_query_bytes)
                scope, messages = self._rewrite_post(scope, messages, body)
                receive = replaying(messages, receive)
        except PersistedQueryError as exc:
            await _error(scope, send, exc)
            return
        await self.app(scope, receive, send)

    def _rewrite_get(self, scope: Scope) -> Scope:
        pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True, encoding="utf-8")
        params = dict(pairs)
        try:
            extensions = json.loads(params.get("extensions") or "null")
        except (ValueError, RecursionError):
            return scope  # the endpoint answers the bad JSON
        assert self.texts is not None
        query = resolve(self.texts, extensions, params.get("query"))
        if query is None or params.get("query") == query:
            return scope
        pairs = [(name, value) for name, value in pairs if name != "query"] + [("query", query)]
        return {**scope, "query_string": urlencode(pairs).encode("ascii")}

    def _rewrite_post(self, scope: Scope, messages: list[Any], body: bytes | None) -> tuple[Scope, list[Any]]:
        if body is None or b"persistedQuery" not in body:
            return scope, messages
        try:
            params = json.loads(body)
        except (ValueError, RecursionError):
            return scope, messages
        if not isinstance(params, dict):
            return scope, messages
        assert self.texts is not None
        query = resolve(self.texts, params.get("extensions"), params.get("query"))
        if query is None or params.get("query") == query:
            return scope, messages
        params["query"] = query
        rewritten = json.dumps(params, ensure_ascii=False).encode("utf-8", "surrogatepass")
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(rewritten)).encode()))
        message = {"type": "http.request", "body": rewritten, "more_body": False}
        return {**scope, "headers": headers}, [message]


def _wants_graphql_response(accept: str | None) -> bool:
    for media, _q in parse_accept(accept):
        if media in (GRAPHQL_RESPONSE, "application/json", "*/*", "application/*"):
            return media == GRAPHQL_RESPONSE
    return False


async def _error(scope: Scope, send: Send, error: PersistedQueryError) -> None:
    wanted = _wants_graphql_response(Headers(scope=scope).get("accept"))
    media = GRAPHQL_RESPONSE if wanted else "application/json"
    status = 400 if error.mistake or media == GRAPHQL_RESPONSE else 200
    if error.mistake:
        refuse(Request(scope), str(error))
    body = json.dumps({"errors": [{"message": str(error), "extensions": {"code": error.code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", f"{media}; charset=utf-8".encode()),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", NO_CACHE),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
