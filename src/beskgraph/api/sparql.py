"""Read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

- Query via GET ``?query=``, POST form (``application/x-www-form-urlencoded``) or POST
  ``application/sparql-query`` (UTF-8 only); results are content-negotiated.
- The query is read once (``beskgraph.query``): codepoint escapes decoded and line
  ends normalised, then a linear pass with SPARQL's own terminals refuses a character
  it cannot place, a query over a size limit or with SERVICE (400, naming the setting)
  before anything parses it; the grammar check (rdflib: SERVICE in the
  parse tree; FROM / FROM NAMED / ``default-graph-uri`` / ``named-graph-uri`` must be
  graphs of the store) runs in the query's own process with its own time limit, and
  the engine runs exactly the text that was checked. The in-process stores run it in
  a process that cannot open a socket (seccomp); a remote store is only ever sent
  checked queries. The server never dereferences anything.
- SPARQL Update (``update=`` or ``application/sparql-update``) is refused with 403.
- At most ``max_concurrent_queries`` query processes run at once; others wait in a
  bounded queue; a full queue or a long wait gets 503 with ``Retry-After``. A query
  is stopped at its time limit and when its client goes, and its slot is freed only
  once its process is gone (on a remote store, which cannot stop a query: once the
  store has finished, or at ``remote_query_ceiling``). Every 4xx/5xx is logged as one line
  (``refusals``); store errors become HTTP answers in ``beskgraph.api.errors``.
- ``GET /sparql`` without a query returns the SPARQL Service Description.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import parse_qs

import anyio
from anyio import to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from beskgraph.api.body import BodyTooLarge, ClientGone, read_body
from beskgraph.api.description import described, public_base, service_graph
from beskgraph.api.negotiation import answer_formats
from beskgraph.api.refusals import refuse
from beskgraph.api.settings import Settings, env_name
from beskgraph.query import QueryRefused, read_query
from beskgraph.query.limits import SERVICE_REFUSED
from beskgraph.store import Store
from beskgraph.store.children import Budget, QueryJob
from beskgraph.store.errors import NetworkRefused
from beskgraph.store.slots import QuerySlots

READ_ONLY = "This SPARQL endpoint is read-only: SPARQL Update is not accepted."
BACKSTOP_MARGIN = 10.0  # seconds


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
    try:
        return await read_body(request, limit)
    except BodyTooLarge as exc:
        raise ProtocolError(413, str(exc)) from exc
    except ClientGone as exc:
        raise ProtocolError(exc.status, str(exc)) from exc


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
# Running the query


class Answers:
    """What runs client queries for one app: its store, slots and threads (made on first use)."""

    def __init__(self, app: Starlette) -> None:
        settings: Settings = app.state.settings
        self.store = app.state.store
        self.slots = QuerySlots(
            settings.max_concurrent_queries, settings.max_waiting_queries, settings.query_wait_timeout
        )
        # Threads that wait for a slot or a query process; their own pool, so a crowd of
        # queries never takes the threads /health, dumps and GraphQL need.
        self.threads = anyio.CapacityLimiter(
            2 * settings.max_concurrent_queries + settings.max_waiting_queries
        )

    @classmethod
    def of(cls, app: Starlette) -> Answers:
        answers = getattr(app.state, "sparql_answers", None)
        if answers is None:
            answers = app.state.sparql_answers = cls(app)
        return answers

    def run(self, job: QueryJob, budget: Budget, cancel: threading.Event) -> tuple[bytes, str]:
        """In a worker thread: take a slot, answer, give the slot back once the query is over
        (a remote store's: once the store has finished with it, see ``store.exchange``)."""
        with self.slots.hold(cancel) as held:
            return self.store.answer(job, budget, cancel, held)


async def _watch_disconnect(request: Request, cancel: threading.Event) -> None:
    """Set ``cancel`` when the client goes (the request body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
    cancel.set()


async def answer(request: Request, job: QueryJob, settings: Settings) -> tuple[bytes, str]:
    """Run ``job`` in a worker thread, stopping it when the client goes."""
    answers = Answers.of(request.app)
    budget = Budget(
        settings.query_timeout,
        settings.query_check_timeout,
        settings.max_result_bytes,
        settings.max_query_memory,
        settings.remote_query_ceiling,
    )
    cancel = threading.Event()
    # A backstop only: the query process, or the remote store's read timeout, ends first.
    longest = settings.query_wait_timeout + budget.check_timeout + budget.timeout + BACKSTOP_MARGIN
    outcome: list[tuple[bytes, str] | Exception] = []
    try:
        with anyio.fail_after(longest):
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(_watch_disconnect, request, cancel)
                try:
                    outcome.append(
                        await to_thread.run_sync(
                            partial(answers.run, job, budget, cancel),
                            limiter=answers.threads,
                            abandon_on_cancel=True,
                        )
                    )
                except Exception as exc:  # raised below, not wrapped in the task group's ExceptionGroup
                    outcome.append(exc)
                tasks.cancel_scope.cancel()
    finally:
        cancel.set()  # if this request was cancelled, its thread stops the query at once
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def _with_setting(exc: QueryRefused) -> str:
    if exc.limit is None:
        return exc.message
    return f"{exc.message} (setting {exc.limit}, environment variable {env_name(exc.limit)})"


def _error(request: Request, status: int, message: str) -> Response:
    refuse(request, message)
    return PlainTextResponse(message, status_code=status)


async def sparql(request: Request) -> Response:
    """GET/POST /sparql."""
    settings: Settings = request.app.state.settings
    try:
        operation = await read_request(request, settings)
        if operation is None:
            return await service_description(request)
        text = await to_thread.run_sync(read_query, operation.query, settings.query_limits)
        job = QueryJob(
            text,
            answer_formats(request.headers.get("accept", "*/*")),
            tuple(operation.default_graphs),
            tuple(operation.named_graphs),
            public_base(request) + "/sparql",
            check_depth=settings.max_query_depth,
            require_sandbox=settings.query_sandbox,
        )
        body, media = await answer(request, job, settings)
    except ProtocolError as exc:
        return _error(request, exc.status, exc.message)
    except QueryRefused as exc:
        return _error(request, 400, _with_setting(exc))
    except NetworkRefused:
        # The checks let it through; the sandbox did not. The log line says so, the client
        # gets the plain refusal.
        refuse(request, f"{SERVICE_REFUSED}: the network sandbox stopped a query that passed the checks")
        return PlainTextResponse(SERVICE_REFUSED, status_code=400)
    except TimeoutError:
        return _error(request, 503, "query stopped: the store did not answer in time")
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
