"""The store interface, query recording, term conversion and media-type tables.

Every store answers queries over the **union of its named graphs** as the default
graph; beskgraph keeps every triple in a named graph (one per source document plus
the reference graph) and never uses the store's own default graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from beskgraph.store.errors import NotAcceptable, StoreError
from beskgraph.vocabulary import XSD

# ---------------------------------------------------------------------------
# The interface


@runtime_checkable
class Store(Protocol):
    """A quad store that the API, GraphQL layer and build all talk to."""

    description: str  # e.g. "oxigraph (in memory)" or "sparql http://127.0.0.1:7878/query"

    def select(self, query: str) -> list[dict[str, object]]:
        """Rows of a SELECT; IRIs as str, literals as Python values, unbound vars absent."""
        ...

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        ...

    def construct(self, query: str) -> bytes:
        """The graph of a CONSTRUCT/DESCRIBE query as N-Triples."""
        ...

    def query_raw(
        self,
        query: str,
        accept: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_bytes: int | None = None,
        base_iri: str | None = None,
    ) -> tuple[bytes, str]:
        """Run any query form; return the serialised result and its media type.

        ``accept`` is an HTTP Accept value; the format is negotiated once the query
        form is known (raises NotAcceptable). ``timeout``/``max_bytes`` stop runaway
        queries with QueryTimeout / ResultTooLarge. ``base_iri`` resolves relative IRIs
        (a remote server uses its own base).
        """
        ...

    def replace_graph(self, graph: str, data: bytes, format: str) -> None:
        """Atomically replace the content of one named graph."""
        ...

    def load_dataset(self, data: bytes, format: str) -> None:
        """Load TriG / N-Quads; every named graph in it replaces the stored one."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""
        ...

    def graphs(self) -> list[str]:
        """The named graphs, sorted."""
        ...

    def dump(self, format: str) -> Iterator[bytes]:
        """Stream the dataset: 'turtle' (union), 'trig', 'nquads', 'ntriples', 'jsonld'."""
        ...

    def count(self) -> int:
        """Number of quads in the named graphs."""
        ...

    @property
    def generation(self) -> int:
        """A number that grows whenever the data may have changed; equal means unchanged.

        Anything derived from the whole graph (dump files, the dataset description) is
        computed once per generation. A read that overlapped a write must see the
        generation change by its end.
        """
        ...

    def close(self) -> None:
        """Release resources."""
        ...


# ---------------------------------------------------------------------------
# Query recording (N+1 tests, ``explain``)

_QUERY_LOGS: ContextVar[tuple[list[str], ...]] = ContextVar("beskgraph_query_logs", default=())


@contextmanager
def record_queries() -> Iterator[list[str]]:
    """Collect the SPARQL text of every store query run in this context.

    Context variables are copied into asyncio tasks and into threads started with
    ``anyio.to_thread`` / ``asyncio.to_thread`` / ``contextvars.copy_context().run``,
    so queries made there are recorded too. Recorders nest: outer logs see inner queries.
    """
    log: list[str] = []
    token = _QUERY_LOGS.set((*_QUERY_LOGS.get(), log))
    try:
        yield log
    finally:
        _QUERY_LOGS.reset(token)


def note_query(query: str) -> None:
    """Report one query to every active recorder (called by the stores)."""
    for log in _QUERY_LOGS.get():
        log.append(query)


# ---------------------------------------------------------------------------
# Term conversion

_INTEGER_TYPES = {
    str(XSD[name])
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {str(XSD.decimal), str(XSD.double), str(XSD.float)}


def literal_value(lexical: str, datatype: str | None) -> object:
    """A Python value for a literal; the lexical form when the value is not mapped or invalid."""
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype in _FLOAT_TYPES:
            return float(lexical)
        if datatype == str(XSD.boolean):
            return lexical.strip() in ("true", "1")
        if datatype == str(XSD.date):
            return dt.date.fromisoformat(lexical[:10])
        if datatype == str(XSD.dateTime):
            return dt.datetime.fromisoformat(lexical)
    except ValueError:
        return lexical
    return lexical


def term_value(term: object) -> object:
    """Convert a pyoxigraph term to the Python value ``Store.select`` returns."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value)
    return str(term)


def binding_value(binding: dict[str, str]) -> object:
    """Convert one SPARQL JSON results binding to the Python value ``select`` returns."""
    kind = binding["type"]
    if kind == "uri":
        return binding["value"]
    if kind == "bnode":
        return "_:" + binding["value"]
    if kind in ("literal", "typed-literal"):
        return literal_value(binding["value"], binding.get("datatype"))
    return binding.get("value")


def binding_term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert one SPARQL JSON results binding to a pyoxigraph term."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    raise StoreError(f"unsupported term in SPARQL results: {binding!r}")


def sparql_iri(iri: str) -> str:
    """``<iri>`` for splicing into SPARQL text; rejects anything that is not a valid IRI."""
    try:
        return f"<{ox.NamedNode(iri).value}>"
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {iri!r} ({exc})") from exc


# ---------------------------------------------------------------------------
# Formats and content negotiation

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    SPARQL_JSON: ox.QueryResultsFormat.JSON,
    SPARQL_XML: ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
BOOLEAN_FORMATS = {k: RESULT_FORMATS[k] for k in (SPARQL_JSON, SPARQL_XML)}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
# Aliases clients send for the same formats.
MEDIA_ALIASES = {
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
}

DUMP_FORMATS: dict[str, tuple[ox.RdfFormat | None, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "nquads": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),  # written by beskgraph.store.serialize
}


def rdf_format(name: str) -> ox.RdfFormat:
    """A pyoxigraph RdfFormat from a media type ('text/turtle') or a short name ('trig')."""
    key = name.split(";", 1)[0].strip().lower()
    if key in DUMP_FORMATS and DUMP_FORMATS[key][0] is not None:
        return DUMP_FORMATS[key][0]  # type: ignore[return-value]
    fmt = ox.RdfFormat.from_media_type(key) or ox.RdfFormat.from_extension(key)
    if fmt is None:
        raise StoreError(f"unknown RDF format: {name!r}")
    return fmt


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal q)."""
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(media, q) for media, q, _ in ranges if q > 0]


def negotiate(accept: str | None, offers: Sequence[str]) -> str:
    """The first offer (offers are in server preference order) the Accept header allows."""
    for media, _q in parse_accept(accept):
        media = MEDIA_ALIASES.get(media, media)
        if media == "*/*":
            return offers[0]
        if media.endswith("/*"):
            for offer in offers:
                if offer.startswith(media[:-1]):
                    return offer
        elif media in offers:
            return media
    raise NotAcceptable(f"none of the requested media types ({accept}) fits; offered: " + ", ".join(offers))
