"""HTTP caching of read responses: validators, freshness, conditional requests, a response
cache, and compression.

The graph changes only when it is loaded, so a read's answer is a function of the request
and of the graph's version (``beskgraph.api.graph_version``). For GET and HEAD:

- a successful answer carries a weak ``ETag`` derived from the version and the request
  (method, path, query string, ``Accept``, the explain header), the same in every worker
  and server on the same graph and code; ``Cache-Control: public, max-age=N``
  (``Settings.cache_max_age``); ``Last-Modified`` (when the generation was loaded);
  ``Vary: Accept, Accept-Encoding``;
- ``If-None-Match`` naming that ETag gets 304 before anything runs (``If-Modified-Since``
  is honoured when there is no ``If-None-Match``);
- answers that are errors, refusals (``refusals.refuse``), 5xx (a store down, a query
  stopped) or anything but 200 get ``Cache-Control: no-store`` and are never kept.

A response the API sends from a file with its own validator (dumps, assets) passes
through untouched but for ``Cache-Control``: dumps are written once per generation and
have their own cache. ``/health`` is never cached.

The response cache (``beskgraph.api.response_cache``) keeps successful answers to GET
and to GraphQL POST (keyed by the body's canonical JSON and its content type), up to
``Settings.response_cache_bytes``, and answers a repeat without touching the store
(``X-Cache: HIT``; ``MISS`` otherwise). It never keeps an answer across generations,
nor one made while the generation changed. Requests that arrive while the same request
is being answered wait for that answer instead of making their own (as nginx's
``proxy_cache_lock`` and Varnish do): a crowd asking for the same thing costs one answer.

Responses of at least 1 KB in a textual media type are compressed when the client
accepts it (``beskgraph.api.compression``); a cached answer is compressed once per
coding. Answers past ``Settings.response_cache_entry_bytes`` are not kept and are
compressed as they stream.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from email.utils import format_datetime, parsedate_to_datetime

import anyio
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from beskgraph.api.compression import MIN_BYTES, STREAMS, Compressor, chosen_coding, compress, compressible
from beskgraph.api.generations import LoadTimes
from beskgraph.api.graph_version import GraphVersion
from beskgraph.api.refusals import REASON_KEY
from beskgraph.api.response_cache import Entry, ResponseCache, Version
from beskgraph.api.settings import Settings
from beskgraph.store import StoreError

UNCACHED_PATHS = frozenset({"/health"})
KEY_HEADERS = ("accept", "x-beskgraph-explain")  # the request headers answers depend on
POST_KEY_HEADERS = ("content-type", *KEY_HEADERS)
VARY_ALLOWED = frozenset({"accept", "accept-encoding", "origin"})  # answers varying on more: not kept
VARY = "Accept, Accept-Encoding"
NO_STORE = "no-store"
DROPPED = (b"content-length", b"content-encoding")
COLLAPSE_SECONDS = 15.0  # at most this long a request waits for the same one made before it


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison of an If-None-Match list with ``etag`` (RFC 9110, 13.1.2)."""
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") in (bare, "*") for tag in if_none_match.split(","))


def _not_modified_since(since: str | None, last_modified: str) -> bool:
    if not since:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _vary(existing: str | None, add: str) -> str:
    names = [name.strip() for name in (existing or "").split(",") if name.strip()]
    known = {name.lower() for name in names}
    names += [name.strip() for name in add.split(",") if name.strip().lower() not in known]
    return ", ".join(names)


def _digest(*parts: bytes | str) -> bytes:
    return hashlib.sha256(b"\0".join(p.encode() if isinstance(p, str) else p for p in parts)).digest()


def canonical_json(body: bytes) -> bytes | None:
    """A JSON object's canonical text (sorted keys, no spaces); None if the body is not one."""
    try:
        value = json.loads(body)
        if not isinstance(value, dict):
            return None
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, RecursionError, UnicodeError):
        return None


async def read_whole_body(scope: Scope, receive: Receive, limit: int) -> tuple[list[Message], bytes | None]:
    """The request's messages read so far, and its body if complete within ``limit`` bytes;
    nothing is read of a body whose Content-Length passes the limit (the endpoint refuses it)."""
    messages: list[Message] = []
    declared = Headers(scope=scope).get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return messages, None
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        size += len(message.get("body", b""))
        if size > limit:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(m.get("body", b"") for m in messages)


def replaying(messages: list[Message], receive: Receive) -> Receive:
    """A receive that gives ``messages`` first, then what ``receive`` gives."""
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


class _Request:
    """What caching needs of one request."""

    def __init__(self, scope: Scope, settings: Settings) -> None:
        self.scope = scope
        self.headers = Headers(scope=scope)
        self.method = scope["method"]
        self.head = self.method == "HEAD"
        self.readable = self.method in ("GET", "HEAD")  # gets validators and freshness
        self.coding = chosen_coding(self.headers.get("accept-encoding"))
        self.settings = settings
        self.key: bytes | None = None
        self.version: Version | None = None
        self.etag = self.last_modified = ""

    def refused(self) -> bool:
        return bool(self.scope.get("state", {}).get(REASON_KEY))

    def freshness(self) -> str:
        """The Cache-Control of a cacheable answer."""
        age = self.settings.cache_max_age
        return f"public, max-age={age}" if age > 0 else "no-cache"

    def validators(self) -> list[tuple[bytes, bytes]]:
        """ETag, Cache-Control and Last-Modified of a cacheable answer (GET and HEAD)."""
        if not self.readable:
            return []
        return [
            (b"etag", self.etag.encode()),
            (b"cache-control", self.freshness().encode()),
            (b"last-modified", self.last_modified.encode()),
        ]


class HttpCaching:
    """ASGI middleware (see module doc); the store and settings come from the app's state."""

    def __init__(self, app: ASGIApp, graphql_path: str | None = "/graphql") -> None:
        self.app = app
        self.graphql_path = graphql_path
        self.cache: ResponseCache | None = None
        self._version: GraphVersion | None = None
        self._flights: dict[bytes, asyncio.Event] = {}  # requests being answered, by key and version

    def _setup(self, scope: Scope) -> tuple[Settings, GraphVersion, ResponseCache, LoadTimes]:
        state = scope["app"].state
        if self._version is None or self.cache is None:
            self._version = GraphVersion(state.store, state.settings)
            self.cache = ResponseCache(state.settings.response_cache_bytes)
            state.response_cache = self.cache
        return state.settings, self._version, self.cache, state.load_times

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings, versions, cache, load_times = self._setup(scope)
        request = _Request(scope, settings)
        if scope["path"] in UNCACHED_PATHS:
            await self.app(scope, receive, _uncached(send))
            return
        if request.readable:
            request.key = _digest(
                "GET",
                scope["path"],
                scope["query_string"],
                *(request.headers.get(h, "") for h in KEY_HEADERS),
            )
        elif request.method == "POST" and scope["path"] == self.graphql_path:
            messages, body = await read_whole_body(scope, receive, settings.max_query_bytes)
            receive = replaying(messages, receive)
            canonical = canonical_json(body) if body is not None else None
            if canonical is not None:
                media = request.headers.get("content-type", "").split(";")[0].strip().lower()
                request.key = _digest(
                    "POST",
                    scope["path"],
                    canonical,
                    media,
                    *(request.headers.get(h, "") for h in KEY_HEADERS),
                )
        if request.key is not None:
            try:
                request.version = await versions.current()
            except StoreError:
                request.key = None  # the store is down: the handler answers (503), nothing kept
        if request.key is None or request.version is None:
            await self.app(scope, receive, _Compressing(request, send, None).send)
            return
        generation, token = request.version
        request.etag = 'W/"' + _digest(token, request.key).hex()[:32] + '"'
        request.last_modified = format_datetime(load_times.of(generation), usegmt=True)
        if request.readable and _matches(request.headers.get("if-none-match", ""), request.etag):
            await _not_modified(request, send)
            return
        flight_key = request.key + token.encode()
        flight = self._flights.get(flight_key)
        if flight is not None:  # the same request is being answered: wait for its answer
            with anyio.move_on_after(COLLAPSE_SECONDS):
                await flight.wait()
        entry = cache.get(request.version, request.key)
        if entry is not None:
            await self._send_entry(request, entry, send)
            return
        responder = _Compressing(request, send, lambda entry: self._keep(request, entry, versions))
        if flight is not None or request.head:
            await self.app(scope, receive, responder.send)
            return
        self._flights[flight_key] = done = asyncio.Event()
        try:
            await self.app(scope, receive, responder.send)
        finally:
            del self._flights[flight_key]
            done.set()

    async def _keep(self, request: _Request, entry: Entry, versions: GraphVersion) -> None:
        """Keep an answer if the graph did not change while it was made."""
        try:
            now = await versions.current()
        except StoreError:
            return
        if now == request.version and self.cache is not None and request.key is not None:
            self.cache.put(now, request.key, entry)

    async def _send_entry(self, request: _Request, entry: Entry, send: Send) -> None:
        if (
            request.readable
            and "if-none-match" not in request.headers
            and _not_modified_since(request.headers.get("if-modified-since"), request.last_modified)
        ):
            await _not_modified(request, send)
            return
        coding = request.coding if None in entry.bodies and _worth(entry) else None
        body = entry.bodies.get(coding)
        if body is None:
            # ignored below: coding is set: an entry always keeps its plain body
            body = compress(entry.bodies[None], coding)  # type: ignore[arg-type]
            if self.cache is not None and request.version is not None and request.key is not None:
                self.cache.add_body(request.version, request.key, coding, body)
        headers = [*entry.headers, (b"content-length", str(len(body)).encode()), (b"x-cache", b"HIT")]
        if coding:
            headers.append((b"content-encoding", coding.encode()))
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if request.head else body})


def _worth(entry: Entry) -> bool:
    content_type = next((v.decode() for k, v in entry.headers if k == b"content-type"), None)
    return compressible(content_type) and len(entry.bodies[None]) >= MIN_BYTES


async def _not_modified(request: _Request, send: Send) -> None:
    headers = [*request.validators(), (b"vary", VARY.encode())]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _uncached(send: Send) -> Send:
    """A send that marks the answer ``Cache-Control: no-store``."""

    async def marked(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["cache-control"] = NO_STORE
        await send(message)

    return marked


Keep = Callable[[Entry], Awaitable[None]]


def _storable(headers: MutableHeaders) -> bool:
    """Whether the handler allows keeping its answer (no cookie, no private or no-store, and
    varying on nothing but the request headers the key has)."""
    vary = {name.strip().lower() for name in headers.get("vary", "").split(",") if name.strip()}
    control = headers.get("cache-control", "")
    return (
        vary <= VARY_ALLOWED
        and "set-cookie" not in headers
        and "no-store" not in control
        and "private" not in control
    )


class _Compressing:
    """The send of one handled request: buffers the answer up to the entry limit, then adds
    validators, compresses, keeps it (``keep``) and sends it; a longer answer streams."""

    def __init__(self, request: _Request, send: Send, keep: Keep | None) -> None:
        self.request, self._send, self.keep = request, send, keep
        self.start: Message | None = None
        self.headers: MutableHeaders | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.mode = "buffer"  # then "stream" or "pass"
        self.stream: Compressor | None = None
        self.cacheable = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self._started(message)
        elif message["type"] != "http.response.body" or self.mode == "pass":
            await self._send(message)
        elif self.mode == "stream":
            await self._stream(message)
        else:
            self.chunks.append(message.get("body", b""))
            self.size += len(self.chunks[-1])
            if not message.get("more_body", False):
                await self._complete()
            elif self.size > self.request.settings.response_cache_entry_bytes:
                await self._begin_stream(message.get("more_body", False))

    async def _started(self, message: Message) -> None:
        self.start = message
        headers = self.headers = MutableHeaders(scope=message)
        if "etag" in headers or "content-encoding" in headers or "content-range" in headers:
            self.mode = "pass"  # a file with its own validator (a dump, an asset)
            if self.request.readable and message["status"] in (200, 206, 304):
                headers.setdefault("cache-control", self.request.freshness())
            await self._send(message)
            return
        self.cacheable = (
            self.request.key is not None
            and message["status"] == 200
            and not self.request.refused()
            and _storable(headers)
        )
        if self.cacheable:
            for name, value in self.request.validators():
                headers[name.decode()] = value.decode()
            headers["vary"] = _vary(headers.get("vary"), VARY if self.request.readable else "Accept-Encoding")
            headers["x-cache"] = "MISS"
        elif self.request.readable and "cache-control" not in headers:
            headers["cache-control"] = NO_STORE
        if self.request.head:
            self.mode = "pass"
            await self._send(message)

    def _coding(self) -> str | None:
        assert self.headers is not None
        if self.request.coding is None or not compressible(self.headers.get("content-type")):
            return None
        return self.request.coding

    async def _complete(self) -> None:
        assert self.start is not None and self.headers is not None
        body = b"".join(self.chunks)
        headers = self.headers
        if (
            self.cacheable
            and self.request.readable
            and (
                _matches(self.request.headers.get("if-none-match", ""), self.request.etag)
                or (
                    "if-none-match" not in self.request.headers
                    and _not_modified_since(
                        self.request.headers.get("if-modified-since"), self.request.last_modified
                    )
                )
            )
        ):
            await _not_modified(self.request, self._send)
            return
        coding = self._coding() if len(body) >= MIN_BYTES else None
        if compressible(headers.get("content-type")):
            headers["vary"] = _vary(headers.get("vary"), "Accept-Encoding")
        sent = compress(body, coding) if coding else body
        if coding:
            headers["content-encoding"] = coding
        headers["content-length"] = str(len(sent))
        await self._send(self.start)
        await self._send({"type": "http.response.body", "body": sent})
        if self.cacheable and self.keep is not None:
            kept = [(k, v) for k, v in headers.raw if k not in DROPPED and k != b"x-cache"]
            entry = Entry(self.start["status"], kept, {None: body})
            if coding:
                entry.bodies[coding] = sent
            await self.keep(entry)

    async def _begin_stream(self, more: bool) -> None:
        assert self.start is not None and self.headers is not None
        self.mode, self.cacheable = "stream", False
        coding = self._coding()
        if coding:
            self.stream = STREAMS[coding]()
            del self.headers["content-length"]
            self.headers["content-encoding"] = coding
            self.headers["vary"] = _vary(self.headers.get("vary"), "Accept-Encoding")
        await self._send(self.start)
        body, self.chunks = b"".join(self.chunks), []
        await self._stream({"type": "http.response.body", "body": body, "more_body": more})

    async def _stream(self, message: Message) -> None:
        more = message.get("more_body", False)
        body = message.get("body", b"")
        if self.stream is not None:
            body = self.stream.compress(body) + (b"" if more else self.stream.finish())
        await self._send({"type": "http.response.body", "body": body, "more_body": more})
