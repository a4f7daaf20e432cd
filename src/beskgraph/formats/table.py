"""The one table of formats: what the build writes, ``export`` exports, the server dumps and
negotiates, and the descriptions name.

Each format is pyoxigraph's (``RdfFormat`` / ``QueryResultsFormat``: media type, file
extension) under the name the command line and the dump files use, with the W3C's IRI for
it (https://www.w3.org/ns/formats/). pyoxigraph names JSON-LD by another IRI than the W3C
list does; the list's is used. The graph's JSON-LD is written compacted, with the
project's prefixes as its context (:mod:`.writer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import URIRef

from ..vocabulary import FORMATS


@dataclass(frozen=True)
class Format:
    """One serialisation: its name, pyoxigraph's syntax, media type, extension and IRI."""

    name: str  # "turtle": the command line's and the dump cache's name
    syntax: ox.RdfFormat | ox.QueryResultsFormat
    media_type: str  # without parameters
    extension: str  # without the dot
    iri: URIRef  # the W3C's

    @property
    def datasets(self) -> bool:
        """Whether it keeps the named graphs."""
        return isinstance(self.syntax, ox.RdfFormat) and self.syntax.supports_datasets

    def __reduce__(self) -> tuple[object, tuple[str]]:
        """Pickled by name (pyoxigraph's formats are not picklable): a query job crosses processes."""
        return by_name, (self.name,)

    @property
    def rdf_format(self) -> ox.RdfFormat:
        if not isinstance(self.syntax, ox.RdfFormat):
            raise ValueError(f"{self.name} is a format of query results, not of RDF")
        return self.syntax

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        if not isinstance(self.syntax, ox.QueryResultsFormat):
            raise ValueError(f"{self.name} is a format of RDF, not of query results")
        return self.syntax


def _entry(name: str, syntax: ox.RdfFormat | ox.QueryResultsFormat, iri: URIRef | None = None) -> Format:
    local = syntax.iri.removeprefix(str(FORMATS))
    return Format(
        name,
        syntax,
        syntax.media_type.split(";", 1)[0],
        syntax.file_extension,
        iri if iri is not None else FORMATS[local],
    )


TURTLE = _entry("turtle", ox.RdfFormat.TURTLE)
TRIG = _entry("trig", ox.RdfFormat.TRIG)
NQUADS = _entry("nquads", ox.RdfFormat.N_QUADS)
NTRIPLES = _entry("ntriples", ox.RdfFormat.N_TRIPLES)
JSONLD = _entry("jsonld", ox.RdfFormat.JSON_LD, FORMATS["JSON-LD"])
RDF_XML = _entry("rdfxml", ox.RdfFormat.RDF_XML)
SPARQL_JSON = _entry("json", ox.QueryResultsFormat.JSON)
SPARQL_XML = _entry("xml", ox.QueryResultsFormat.XML)
CSV = _entry("csv", ox.QueryResultsFormat.CSV)
TSV = _entry("tsv", ox.QueryResultsFormat.TSV)

GRAPH_FORMATS = (TRIG, NQUADS, JSONLD, TURTLE, NTRIPLES)  # the whole graph's; datasets first
GRAPH_ANSWERS = (TURTLE, NTRIPLES, JSONLD, RDF_XML)  # a CONSTRUCT's or DESCRIBE's answer
SOLUTIONS_ANSWERS = (SPARQL_JSON, SPARQL_XML, CSV, TSV)  # a SELECT's
BOOLEAN_ANSWERS = (SPARQL_JSON, SPARQL_XML)  # an ASK's
ALL = (*GRAPH_FORMATS, RDF_XML, *SOLUTIONS_ANSWERS)


def by_name(name: str) -> Format:
    """A format by its name, extension or media type (``turtle``, ``ttl``, ``text/turtle``)."""
    key = name.split(";", 1)[0].strip().lower().lstrip(".")
    for fmt in ALL:
        if key in (fmt.name, fmt.extension, fmt.media_type):
            return fmt
    raise ValueError(f"unknown format {name!r}; use one of {', '.join(f.name for f in ALL)}")


def graph_format(name: str) -> Format:
    """One of :data:`GRAPH_FORMATS` by name, extension or media type."""
    fmt = by_name(name)
    if fmt not in GRAPH_FORMATS:
        raise ValueError(
            f"{name!r} is not a format of the graph; use one of {', '.join(f.name for f in GRAPH_FORMATS)}"
        )
    return fmt


def for_path(path: Path) -> Format:
    """The graph format a file's extension names (``out.trig``: TriG)."""
    try:
        return graph_format(path.suffix) if path.suffix else graph_format(path.name)
    except ValueError:
        known = ", ".join(f".{f.extension}" for f in GRAPH_FORMATS)
        raise ValueError(f"{path}: unknown format (use one of {known})") from None
