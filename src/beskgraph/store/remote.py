"""Any SPARQL 1.1 Protocol + Graph Store Protocol server as a store (over httpx).

The server must answer queries over the union of its named graphs as the default graph:

- Oxigraph: ``oxigraph serve --union-default-graph`` (add ``--timeout-s N`` so the
  server itself stops queries the client gave up on);
- Apache Jena Fuseki (TDB2): ``tdb2:unionDefaultGraph true`` on the dataset;
- GraphDB: the default graph already is the union of all graphs;
- Virtuoso: the default graph already is the union of all graphs (its own system graphs
  too, unless they are made private: README, Stores); writes go to
  ``/sparql-graph-crud-auth``, which asks for HTTP Digest authentication.

Oxigraph's union mode deduplicates every triple pattern across graphs at query time.
beskgraph restates shared nodes (criteria, target groups) in every card's graph, so on
a large corpus its joins are slow, and property paths can return a row per restating
graph. The embedded store keeps a materialised union instead (see ``embedded``).

Credentials are sent the way the server asks for them (Basic or Digest, from its first
401), so a server that lets anyone query never sees them on a query.

Every answer is read in a format pyoxigraph parses (SPARQL XML results, N-Triples) and
served re-serialised by pyoxigraph, as the embedded store serialises its own: the same
query gives the same bytes whichever engine answered, and engines' quirks stay here
(Virtuoso answers ASK as a one-row SELECT of ``__ASK_RETVAL``; its JSON writes booleans
as ``1``; its ``GRAPH ?g {}`` binds nothing; it names the column of a bare expression in
the projection, its own extension, ``callret-1``, which no SPARQL parser reads, so it
becomes ``callret_1``).

Reads retry (bounded, with backoff) on connection errors and 5xx; a read timeout is
never retried. Down/slow servers raise ``StoreUnavailable``, refusals ``StoreError``.
:meth:`RemoteStore.count` (what ``/health`` asks first) pings the server with a short
timeout, so a frozen server is reported within seconds.

A client's query (:meth:`RemoteStore.answer`) is checked in a child process first (the
grammar check of ``beskgraph.query``, bounded in time); only a query that passes is
sent, with a read timeout of its time limit plus a margin, so the server's own limit
(``--timeout-s``) answers first. The answer is streamed and stopped at the byte limit,
at the deadline, or when the client goes.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import TypeVar

import httpx
import pyoxigraph as ox

from beskgraph.formats.answers import AnswerFormats
from beskgraph.formats.table import NTRIPLES
from beskgraph.formats.table import SPARQL_XML as _SPARQL_XML
from beskgraph.query import resolve_dataset
from beskgraph.store.base import note_query, rdf_format, sparql_iri, term_value
from beskgraph.store.children import Budget, QueryJob, fork_child, run_child
from beskgraph.store.errors import (
    NotAcceptable,
    QueryCancelled,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    StoreAnswerBroken,
    StoreError,
    StoreUnavailable,
    accepted,
)
from beskgraph.store.exchange import Exchange
from beskgraph.store.serialize import dump_dataset, quads_nquads
from beskgraph.store.slots import Held
from beskgraph.store.terms import Row, as_int

_RETRY_STATUSES = {500, 502, 503, 504}
SPARQL_XML = _SPARQL_XML.media_type
READ_MARGIN = 2.0  # seconds beyond a query's time limit before the client gives up waiting
# What the server is asked for: result sets and booleans as XML, graphs as N-Triples (asking
# for both at once, when the form is not known, Virtuoso refuses a CONSTRUCT with a 406).
PARSED = {
    "SelectQuery": SPARQL_XML,
    "AskQuery": SPARQL_XML,
    "ConstructQuery": "application/n-triples",
    "DescribeQuery": "application/n-triples",
    None: f"{SPARQL_XML}, application/n-triples;q=0.9",
}
ASK_RETVAL = "__ASK_RETVAL"  # Virtuoso's one variable when it answers an ASK as a SELECT
_NAME = re.compile(rb'<(?:variable|binding) name="[^"]*"')
T = TypeVar("T")


class ChallengeAuth(httpx.Auth):
    """Answer the server's 401 with the scheme it names (Basic or Digest), then keep to it."""

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        if self._scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        self._scheme = "digest" if challenge.startswith("digest") else "basic"
        yield from self.auth_flow(request)


class RemoteStore:
    """A store behind SPARQL 1.1 Protocol (query, update) and Graph Store Protocol URLs."""

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
        probe_timeout: float = 3.0,
        retries: int = 2,
        backoff: float = 0.2,
    ) -> None:
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.retries, self.backoff = retries, backoff
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.probe_timeout = probe_timeout
        auth = ChallengeAuth(user, password or "") if user else None
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": "beskgraph"},
        )
        self.description = f"sparql {query_url}"
        self._generation = 0  # see ``generation``
        self._fingerprint: tuple[float, tuple[tuple[str, int], ...]] | None = None  # (checked at, value)
        self._empty_graph_pattern = True  # False once the server is seen not to bind ``GRAPH ?g {}``

    # -- HTTP ------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        retry: bool,
        timeout: float | None = None,
        stream: bool = False,
        **kwargs,
    ) -> httpx.Response:
        """One request with bounded retries; maps failures to store errors.

        With ``stream`` the body of a successful response is left unread (close it).
        """
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, connect=self.connect_timeout)
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                request = self._client.build_request(method, url, **kwargs)
                response = self._client.send(request, stream=stream)
                if stream and response.status_code >= 400:
                    response.read()
            except httpx.TimeoutException as exc:
                kind = "connect" if isinstance(exc, httpx.ConnectTimeout) else "answer"
                raise StoreUnavailable(
                    f"SPARQL store at {url} did not {kind} in time ({type(exc).__name__})"
                ) from exc
            except httpx.TransportError as exc:
                if last:
                    raise StoreUnavailable(
                        f"SPARQL store at {url} is unreachable: {type(exc).__name__}: {exc}"
                    ) from exc
            else:
                if response.status_code in _RETRY_STATUSES and not last:
                    response.close()
                elif response.status_code >= 500:
                    raise StoreUnavailable(
                        f"SPARQL store at {url} failed: HTTP {response.status_code}: {response.text[:500]}"
                    )
                else:
                    return _check(response, url)
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _query(
        self,
        query: str,
        accept: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        note_query(query)
        form: dict[str, str | list[str]] = {"query": query}
        if default_graph_uris:
            form["default-graph-uri"] = list(default_graph_uris)
        if named_graph_uris:
            form["named-graph-uri"] = list(named_graph_uris)
        return self._send(
            "POST",
            self.query_url,
            retry=True,
            timeout=timeout,
            stream=stream,
            data=form,
            headers={"Accept": accept},
        )

    def _results(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean:
        response = self._query(query, SPARQL_XML)
        return parse_results(response.content, response.headers.get("content-type", SPARQL_XML), None)

    def _update(self, update: str) -> None:
        if not self.update_url:
            raise StoreError("no SPARQL Update URL configured for this store")
        with self._writing():
            self._send(
                "POST",
                self.update_url,
                retry=False,
                content=update.encode(),
                headers={"Content-Type": "application/sparql-update"},
            )

    # -- queries -----------------------------------------------------------------------

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT; IRIs as str, literals as Python values."""
        return consumed(self._results(query), _rows, SPARQL_XML)

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        result = parse_results(self._query(query, SPARQL_XML).content, SPARQL_XML, "AskQuery")
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str) -> bytes:
        """CONSTRUCT/DESCRIBE result as N-Triples (written by pyoxigraph: UTF-8, no escapes)."""
        response = self._query(query, "application/n-triples")
        media = response.headers.get("content-type", "application/n-triples")
        return reserialise(response.content, media, AnswerFormats(graph=NTRIPLES), "ConstructQuery")[0]

    def query_raw(
        self,
        query: str,
        formats: AnswerFormats,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_bytes: int | None = None,
        base_iri: str | None = None,
    ) -> tuple[bytes, str]:
        """Forward the query (under ``base_iri``, see :func:`with_base`); ``timeout`` bounds the wait."""
        return self._forward(
            with_base(query, base_iri),
            formats,
            default_graph_uris,
            named_graph_uris,
            timeout,
            max_bytes,
            None,
        )

    def answer(
        self, job: QueryJob, budget: Budget, cancel: threading.Event | None = None, held: Held | None = None
    ) -> tuple[bytes, str]:
        """Check a client's query in a child process, then forward exactly that text.

        ``held``: the query's slot, kept until the store has finished (see ``exchange``).
        """
        check = replace(job, run=False)
        outcome = run_child(fork_child(check, budget, None), check, budget, cancel)
        default, named = list(job.default_graphs), list(job.named_graphs)
        form = None
        if outcome.info is not None:
            default, named = resolve_dataset(outcome.info, default, named, self.graphs)
            form = outcome.info.form
        return self._forward(
            with_base(job.text, job.base_iri),
            job.formats,
            default,
            named,
            budget.timeout,
            budget.max_bytes,
            form,
            cancel,
            held,
            budget.ceiling,
        )

    def _forward(
        self,
        query: str,
        formats: AnswerFormats,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        timeout: float | None,
        max_bytes: int | None,
        form: str | None,
        cancel: threading.Event | None = None,
        held: Held | None = None,
        ceiling: float | None = None,
    ) -> tuple[bytes, str]:
        """Send a query, read its answer as it streams within time and byte limits, and serve it
        re-serialised in the format ``formats`` holds for its form (``form``: the query form,
        if known).

        Given up at the time limit or on ``cancel``; the slot ``held`` is kept until the store
        has finished, for at most ``ceiling`` seconds (see ``exchange``).
        """
        read_timeout = timeout + READ_MARGIN if timeout is not None else None
        send = partial(
            self._query,
            query,
            PARSED.get(form, PARSED[None]),
            default_graph_uris,
            named_graph_uris,
            stream=True,
        )
        exchange = Exchange(
            lambda limit: send(timeout=limit),
            self.query_url,
            max_bytes,
            read_timeout if ceiling is None else max(ceiling, read_timeout or 0.0),
        )
        received = exchange.wait(read_timeout, cancel)
        if received is None:
            exchange.abandon(held.keep() if held is not None else None)
            if cancel is not None and cancel.is_set():
                raise QueryCancelled("the client went away; the store's answer is dropped")
            raise QueryTimeout(f"query exceeded its time limit of {timeout:g} s")
        body, media = reserialise(*received, formats, form)
        if max_bytes is not None and len(body) > max_bytes:
            raise ResultTooLarge(f"query result exceeded {max_bytes} bytes")
        return body, media

    # -- writes (Graph Store Protocol, or SPARQL Update when no GSP URL) ---------------

    def replace_graph(self, graph: str, data: bytes, format: str) -> None:
        """Atomically replace one graph: GSP ``PUT ?graph=`` (one request)."""
        fmt = rdf_format(format)
        if self.gsp_url:
            with self._writing():
                self._send(
                    "PUT",
                    self.gsp_url,
                    retry=False,
                    params={"graph": graph},
                    content=data,
                    headers={"Content-Type": fmt.media_type},
                )
            return
        triples = [q.triple for q in ox.parse(data, format=fmt)]
        nt = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
        iri = sparql_iri(graph)
        self._update(
            f"DROP SILENT GRAPH {iri} ; CREATE SILENT GRAPH {iri} ; INSERT DATA {{ GRAPH {iri} {{\n{nt}}} }}"
        )

    def load_dataset(self, data: bytes, format: str) -> None:
        """Replace each named graph of a TriG / N-Quads document (each graph atomically)."""
        groups: dict[str, list[ox.Triple]] = {}
        try:
            quads = list(ox.parse(data, format=rdf_format(format)))
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"invalid {format} data: {exc}") from exc
        for quad in quads:
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError(f"beskgraph keeps every triple in a named graph (got {quad})")
            groups.setdefault(quad.graph_name.value, []).append(quad.triple)
        for graph, triples in groups.items():
            nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            self.replace_graph(graph, nt, "application/n-triples")

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""
        if self.gsp_url:
            with self._writing(), contextlib.suppress(_NotFound):
                self._send("DELETE", self.gsp_url, retry=False, params={"graph": graph})
            return
        self._update(f"DROP SILENT GRAPH {sparql_iri(graph)}")

    # -- inspection --------------------------------------------------------------------

    def graphs(self) -> list[str]:
        """The named graphs, sorted (a server that binds nothing to ``GRAPH ?g {}`` is asked for
        the graphs of its quads instead, from then on)."""
        if self._empty_graph_pattern:
            rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            if all("g" in row for row in rows):
                return sorted(str(row["g"]) for row in rows)
            self._empty_graph_pattern = False
        # GROUP BY, not DISTINCT: at 790 000 quads Virtuoso answered this in 0.24 s, DISTINCT in 60 s
        rows = self.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sorted(str(row["g"]) for row in rows if "g" in row)

    def count(self) -> int:
        """Number of quads in the named graphs (after a quick ping: a frozen store fails fast)."""
        self._send(
            "POST",
            self.query_url,
            retry=False,
            timeout=self.probe_timeout,
            data={"query": "ASK {}"},
            headers={"Accept": SPARQL_XML},
        ).close()
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return as_int(rows[0]["n"]) if rows else 0

    generation_ttl = 30.0  # seconds the fingerprint of the server's data is trusted

    @property
    def generation(self) -> int:
        """Grows with each write through this object, and when the server's data changed.

        Others may write to the server, and SPARQL offers no change counter, so the
        quads per named graph serve as a fingerprint, asked for again once it is older
        than ``generation_ttl`` seconds (one aggregate query). A change that keeps every
        graph's size is seen only through this object's own writes.
        """
        checked = self._fingerprint
        if checked is None or time.monotonic() - checked[0] >= self.generation_ttl:
            rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            fingerprint = tuple(sorted((str(r.get("g")), as_int(r.get("n", 0))) for r in rows))
            if checked is not None and fingerprint != checked[1]:
                self._generation += 1
            self._fingerprint = (time.monotonic(), fingerprint)
        return self._generation

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Around a write: a new generation as it starts and as it ends; a new fingerprint then."""
        self._generation += 1
        try:
            yield
        finally:
            self._generation += 1
            self._fingerprint = None

    dump_batch = 100_000  # quads asked for in one query of a dump (a larger graph is asked alone)

    def dump(self, format: str) -> Iterator[bytes]:
        """Deterministic dump of the named graphs, fetched a batch of graphs at a time.

        One SELECT of every quad made Virtuoso compute 790 000 rows before its first byte
        (past a 30 s read timeout); batches of graphs of at most ``dump_batch`` quads keep
        every answer bounded (a server's row limit need only exceed that, or the largest graph).
        """
        sizes = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        quads: list[ox.Quad] = []
        for batch in _batches(sorted((str(r["g"]), as_int(r["n"])) for r in sizes), self.dump_batch):
            query = (
                "SELECT ?s ?p ?o ?g WHERE { VALUES ?g { "
                + " ".join(sparql_iri(g) for g in batch)
                + " } GRAPH ?g { ?s ?p ?o } }"
            )
            quads += [
                ox.Quad(row["s"], row["p"], row["o"], row["g"])
                for row in consumed(self._results(query), _terms, SPARQL_XML)
            ]
        return dump_dataset(format, lambda: quads_nquads(quads))

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()


def with_base(query: str, base_iri: str | None) -> str:
    """``query`` with ``BASE <base_iri>`` before it (on its first line, so lines keep their numbers).

    The server would resolve relative IRIs (``IRI("x")``, ``<x>``) against its own address,
    which is no address of this service. A query's own ``BASE`` comes later in the prologue
    and wins (a relative one resolves against this one, as RFC 3986 has it).
    """
    return query if base_iri is None else f"BASE {sparql_iri(base_iri)} {query}"


def _batches(sizes: list[tuple[str, int]], limit: int) -> Iterator[list[str]]:
    """Graph names in runs whose sizes add up to at most ``limit`` (a larger graph alone)."""
    batch: list[str] = []
    total = 0
    for graph, size in sizes:
        if batch and total + size > limit:
            yield batch
            batch, total = [], 0
        batch.append(graph)
        total += size
    if batch:
        yield batch


class _NotFound(StoreError):
    """HTTP 404 from the store."""


def _check(response: httpx.Response, url: str) -> httpx.Response:
    """Raise the store error matching a 4xx response."""
    status = response.status_code
    if status < 400:
        return response
    message = f"SPARQL store at {url} refused the request: HTTP {status}: {response.text[:1000]}"
    if status == 400:
        raise QuerySyntaxError(message)
    if status == 404:
        raise _NotFound(message)
    if status == 406:
        raise NotAcceptable(message)
    raise StoreError(message)


@contextlib.contextmanager
def broken_answers(media: str) -> Iterator[None]:
    """Around reading a store's answer: a parse error is the store failing, not the client.

    A server that fails after its ``200 OK`` can only cut its answer short, or append its
    error text to it (Oxigraph writes "The SPARQL operation has been cancelled").
    """
    try:
        yield
    except (SyntaxError, ValueError) as exc:
        raise StoreAnswerBroken(f"the store's answer broke off or is not {media or 'RDF'}: {exc}") from exc


Results = ox.QuerySolutions | ox.QueryBoolean


def _solutions(result: Results) -> list[ox.QuerySolution]:
    """Every solution of a SELECT's answer (none of a boolean's)."""
    return list(result) if isinstance(result, ox.QuerySolutions) else []


def consumed(result: Results, use: Callable[[Results], T], media: str) -> T:
    """``use(result)``, reading the rest of the answer, which pyoxigraph parses lazily.

    pyoxigraph's results must be freed on the thread that made them: no frame that holds
    them may travel with an exception to another thread, so they are let go first.
    """
    try:
        with broken_answers(media):
            return use(result)
    except Exception as exc:  # re-raised below, without the frames that hold ``result``
        failure = exc
    del result
    chained: BaseException | None = failure
    while chained is not None:
        traceback.clear_frames(chained.__traceback__)
        chained = chained.__cause__ or chained.__context__
    raise failure


def _rows(result: Results) -> list[Row]:
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError("select() needs a SELECT query")
    names = [v.value for v in result.variables]
    return [{name: term_value(row[name]) for name in names if row[name] is not None} for row in result]


def _terms(result: Results) -> list[ox.QuerySolution]:
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError("the store answered a SELECT with a boolean")
    return list(result)


def parse_results(body: bytes, media: str, form: str | None) -> ox.QuerySolutions | ox.QueryBoolean:
    """SPARQL results in any format pyoxigraph reads; an ASK answered as Virtuoso does, as a boolean."""
    fmt = ox.QueryResultsFormat.from_media_type(media.split(";", 1)[0].strip()) or ox.QueryResultsFormat.XML
    with broken_answers(media):
        try:
            result = ox.parse_query_results(body, format=fmt)
        except SyntaxError:
            if fmt != ox.QueryResultsFormat.XML:
                raise
            # Virtuoso names the column of a bare expression ``callret-1``: not a SPARQL name
            renamed = _NAME.sub(lambda m: m.group(0).replace(b"-", b"_"), body)
            result = ox.parse_query_results(renamed, format=fmt)
    if (
        isinstance(result, ox.QuerySolutions)
        and [v.value for v in result.variables] == [ASK_RETVAL]
        and form in (None, "AskQuery")
    ):
        rows: list[ox.QuerySolution] = consumed(result, _solutions, media)
        answer = bool(rows) and str(rows[0][ASK_RETVAL].value) not in ("0", "false")
        result = ox.parse_query_results(
            b'{"head":{},"boolean":%s}' % (b"true" if answer else b"false"), format=ox.QueryResultsFormat.JSON
        )
    return result


def reserialise(body: bytes, media: str, formats: AnswerFormats, form: str | None) -> tuple[bytes, str]:
    """The server's answer (results or a graph) in the format ``formats`` holds for it, written by
    pyoxigraph."""
    graph = ox.RdfFormat.from_media_type(media.split(";", 1)[0].strip()) if media else None
    if graph is not None and form not in ("SelectQuery", "AskQuery"):
        with broken_answers(media):
            triples = [quad.triple for quad in ox.parse(body, format=graph)]
        graph_format = accepted(formats.graph, "a graph")
        return ox.serialize(triples, format=graph_format.rdf_format) or b"", graph_format.media_type
    return consumed(parse_results(body, media or SPARQL_XML, form), partial(_written, formats), media)


def _written(formats: AnswerFormats, result: Results) -> tuple[bytes, str]:
    """The results in the format ``formats`` holds for them (parsed as they are written)."""
    if isinstance(result, ox.QueryBoolean):
        chosen = accepted(formats.boolean, "a boolean")
    else:
        chosen = accepted(formats.solutions, "solutions")
    return result.serialize(format=chosen.results_format) or b"", chosen.media_type
