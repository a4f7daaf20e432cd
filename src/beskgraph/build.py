"""The pipeline: source files -> parsed records -> one named graph each -> SHACL -> output.

A document that cannot be parsed is reported with file, line and reason and left out;
the rest of the corpus is built regardless (``strict`` makes it fail instead). A build
that fails as a whole writes nothing, so the previous output stays as it was.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from .model.card import Answer, Card
from .model.common import ParsedDocument
from .model.correspondence import Correspondence
from .parse import parse_document
from .parse.criteria import cluster_criteria
from .rdf import iris
from .rdf.cards import card_to_rdf
from .rdf.letters import correspondence_to_rdf
from .rdf.namespaces import bind_prefixes
from .rdf.provenance import add_source_document, build_graph, build_time
from .rdf.reference import reference_graph
from .store.serialize import serialize_rdf
from .text import SourceError
from .validate import ValidationFailed, Violation, check, ontology_graph

ONTOLOGY_GRAPH = "ontology"
SOURCE_SUFFIXES = {".txt", ".text"}


@dataclass
class DocumentOutcome:
    """What became of one source file."""

    name: str
    kind: str | None
    triples: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: parse, map, validate, serialise

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class GraphChunk:
    """One named graph, serialised once (in the worker that built it)."""

    name: str
    nquads: tuple[bytes, ...]  # sorted, distinct lines
    prefixes: frozenset[bytes]  # the @prefix lines of its Turtle
    turtle: bytes  # the Turtle body, written from the sorted triples

    @property
    def triples(self) -> int:
        return len(self.nquads)


@dataclass
class BuildResult:
    chunks: list[GraphChunk]
    documents: list[DocumentOutcome]

    @cached_property
    def dataset(self) -> Dataset:
        """The whole build as an rdflib Dataset (parsed on first use)."""
        dataset = Dataset()
        bind_prefixes(dataset)
        dataset.parse(data=b"".join(line for c in self.chunks for line in c.nquads), format="nquads")
        return dataset

    @property
    def triples(self) -> int:
        return sum(chunk.triples for chunk in self.chunks)

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if not d.ok]

    def kinds(self) -> Counter[str]:
        return Counter(d.kind or "unknown" for d in self.documents if d.ok)

    def serialise(self, format: str) -> bytes:
        """The build in ``format``; TriG and N-Quads straight from the chunks."""
        if format == "trig":
            return join_trig(self.chunks)
        if format == "nquads":
            return b"".join(sorted(line for chunk in self.chunks for line in chunk.nquads))
        return serialise(self.dataset, format)


class BuildFailed(Exception):
    """The build as a whole failed; nothing was written."""


def find_sources(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their text files, sorted, so every build sees one order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.iterdir()) if p.suffix in SOURCE_SUFFIXES)
        else:
            found.append(path)
    return sorted(set(found), key=lambda p: (p.name, str(p)))


Progress = Callable[[str], None]


def parse_all(paths: list[Path], progress: Progress | None = None, workers: int | None = None
              ) -> tuple[list[ParsedDocument], list[DocumentOutcome], dict[str, float]]:
    """Parse every file; failures become outcomes with file, line and reason.

    Also returns the seconds each parsed file took, by file name.
    """
    parsed, failures, seconds = [], [], {}
    for path, (outcome, took) in zip(paths, parallel_map(_parse, paths, workers), strict=True):
        if isinstance(outcome, DocumentOutcome):
            failures.append(outcome)
        else:
            parsed.append(outcome)
            seconds[path.name] = took
        if progress:
            progress(path.name)
    return parsed, failures, seconds


def _parse(path: Path) -> tuple[ParsedDocument | DocumentOutcome, float]:
    started = time.perf_counter()
    outcome = _parse_or_fail(path)
    return outcome, time.perf_counter() - started


def _parse_or_fail(path: Path) -> ParsedDocument | DocumentOutcome:
    try:
        return parse_document(path)
    except SourceError as error:
        return DocumentOutcome(path.name, None, error=str(error))
    except OSError as error:
        return DocumentOutcome(path.name, None, error=f"{path.name}: {error.strerror}")


def build(paths: Iterable[Path], *, strict: bool = False, validate: bool = True,
          progress: Progress | None = None, workers: int | None = None) -> BuildResult:
    """Build the dataset from source files; raise :class:`BuildFailed` if it cannot be used.

    Parsing, and mapping + validating + serialising each document's graph, run in
    ``workers`` processes (default: one per core); criteria are matched corpus-wide in
    between, so the result does not depend on the number of workers.
    """
    started = build_time()
    parsed, failures, parse_seconds = parse_all(find_sources(paths), progress, workers)
    if strict and failures:
        raise BuildFailed("strict build: " + "; ".join(f.error or f.name for f in failures))
    reference = reference_graph()
    job = _DocumentJob(parsed, _criteria_index(parsed), reference, validate, parse_seconds)
    chunks = [graph_chunk(reference), graph_chunk(_ontology_named_graph())]
    outcomes, violations = list(failures), []
    for chunk, outcome, found in parallel_map(job, range(len(parsed)), workers):
        chunks.append(chunk)
        outcomes.append(outcome)
        violations.extend(found)
    if violations:
        raise BuildFailed(str(ValidationFailed(violations)))
    chunks.append(graph_chunk(build_graph(parsed, started, build_time())))
    outcomes.sort(key=lambda o: o.name)
    chunks.sort(key=lambda c: c.name)
    return BuildResult(chunks, outcomes)


@dataclass
class _DocumentJob:
    """Map, validate and serialise document ``i`` (run in a forked worker)."""

    documents: list[ParsedDocument]
    criteria: Any
    reference: Graph
    validate: bool
    parse_seconds: dict[str, float]

    def __call__(self, index: int) -> tuple[GraphChunk, DocumentOutcome, list[Violation]]:
        document = self.documents[index]
        clock = [time.perf_counter()]

        def lap() -> float:
            clock.append(time.perf_counter())
            return clock[-1] - clock[-2]

        graph = document_graph(document, self.criteria)
        seconds = {"map": lap()}
        found = check(self.reference + graph, focus=set(graph.subjects())) if self.validate else []
        seconds["validate"] = lap()
        chunk = graph_chunk(graph)
        seconds["serialise"] = lap()
        name = document.source.name
        seconds["parse"] = self.parse_seconds.get(name, 0.0)
        warnings = [f"{name}:{w.line}: {w.message}" for w in document.warnings]
        outcome = DocumentOutcome(name, document.kind.value, len(graph), warnings, seconds=seconds)
        return chunk, outcome, found


T = TypeVar("T")
R = TypeVar("R")


def parallel_map(function: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[function(i) for i in items]``, in forked worker processes when that pays.

    ``function`` and the data it closes over reach the workers by fork, not by pickling;
    only the items and the results are pickled.
    """
    workers = min(workers or os.cpu_count() or 1, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return [function(item) for item in items]
    _FORKED[id(function)] = function
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            chunksize = max(1, min(64, len(items) // (workers * 8)))
            return pool.map(partial(_call_forked, id(function)), items, chunksize)
    finally:
        del _FORKED[id(function)]


MIN_ITEMS_PER_WORKER = 4
_FORKED: dict[int, Callable[[Any], Any]] = {}


def _call_forked(key: int, item: Any) -> Any:
    return _FORKED[key](item)


def _ontology_named_graph() -> Graph:
    graph = Graph(identifier=iris.iri("graph", ONTOLOGY_GRAPH))
    graph += ontology_graph()
    return graph


def _criteria_index(documents: list[ParsedDocument]):
    """Match every answer on every card into shared criteria (corpus-wide)."""
    cards = [d for d in documents if isinstance(d, Card)]
    answers = [(t.kind.value, a) for c in cards for t in c.tests for a in t.assessments]
    index = cluster_criteria((kind, a.criterion_key) for kind, a in answers)
    rank = {Answer.YES: 0, Answer.PARTIAL: 1, Answer.NO: 2}
    for kind, a in answers:
        index[(kind, a.criterion_key)].add_wording(rank[a.answer], a.text)
    return index


def document_graph(document: ParsedDocument, criteria) -> Graph:
    """One document's named graph: the source document node and all extracted from it."""
    graph = Graph(identifier=iris.named_graph(document.source.name))
    bind_prefixes(graph)
    add_source_document(graph, document)
    if isinstance(document, Card):
        card_to_rdf(document, graph, criteria)
    elif isinstance(document, Correspondence):
        correspondence_to_rdf(document, graph)
    return graph


FORMATS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld", ".nt": "nt"}


def serialise(dataset: Dataset, format: str) -> bytes:
    """Serialise deterministically: Turtle and N-Triples are the union of all graphs."""
    if format == "trig":
        return _trig(dataset)
    if format in {"turtle", "nt", "json-ld"}:
        union = Graph()
        bind_prefixes(union)
        for graph in dataset.graphs():
            union += graph
        if format == "turtle":  # pyoxigraph's writer keeps "35"^^xsd:decimal; rdflib's writes 35.0
            chunk = graph_chunk(union)
            return b"\n".join(sorted(chunk.prefixes)) + b"\n\n" + chunk.turtle + b"\n"
        data = union.serialize(format=format, encoding="utf-8")
    else:
        data = dataset.serialize(format=format, encoding="utf-8")
    if format in {"nt", "nquads"}:
        data = b"".join(sorted({line for line in data.splitlines(keepends=True) if line.strip()}))
    return data


def _trig(dataset: Dataset) -> bytes:
    return join_trig([graph_chunk(dataset.graph(name)) for name in graph_names(dataset)])


def graph_chunk(graph: Graph) -> GraphChunk:
    """Serialise one named graph for the outputs: sorted N-Quads lines and a Turtle body.

    The Turtle is pyoxigraph's, written from the sorted triples (40x faster than
    rdflib's Turtle writer, which took most of a build's serialising time).
    """
    name = str(graph.identifier)
    suffix = f" <{name}> .\n".encode()
    ntriples = sorted({line.rstrip()[:-1].rstrip() for line in
                       graph.serialize(format="nt", encoding="utf-8").splitlines() if line.strip()})
    nquads = tuple(line + suffix for line in ntriples)
    triples = ox.parse(b"".join(line + b" .\n" for line in ntriples), format=ox.RdfFormat.N_TRIPLES)
    text = serialize_rdf(triples, ox.RdfFormat.TURTLE)
    head = [line for line in text.splitlines() if line.startswith(b"@prefix ")]
    body = text.split(b"\n", len(head))[-1] if head else text
    return GraphChunk(name, nquads, frozenset(head), body.strip())


def join_trig(chunks: Iterable[GraphChunk]) -> bytes:
    """TriG with the named graphs in IRI order, each body Turtle of its sorted triples."""
    ordered = sorted((c for c in chunks if c.nquads), key=lambda c: c.name)
    prefixes = sorted(set().union(*(c.prefixes for c in ordered)))
    # bodies not indented: that would change multi-line literals
    blocks = [b"<" + c.name.encode() + b"> {\n" + c.turtle + b"\n}\n" for c in ordered]
    return b"\n".join(prefixes) + b"\n\n" + b"\n".join(blocks)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def format_for(path: Path) -> str:
    try:
        return FORMATS[path.suffix]
    except KeyError:
        raise BuildFailed(f"{path}: unknown output format (use one of {', '.join(FORMATS)})") from None


def graph_names(dataset: Dataset) -> list[URIRef]:
    return sorted(g.identifier for g in dataset.graphs() if len(g))
