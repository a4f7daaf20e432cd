"""The pipeline: source files -> parsed records -> one named graph each -> SHACL -> output.

Quarantine, not failure. A document that cannot be read (:mod:`.reading`), that would merge
silently into another (:mod:`.clashes`), or whose graph violates a shape is left out
*whole*: its named graph holds only its source node, its status and its problems (file,
line, focus node, path, message), so what is served stays clean and a front-end can say
which documents need attention. Warnings (a parser's, and SHACL results of severity
``sh:Warning``) are reported and do not leave a document out. ``strict`` fails the build
on any document left out. Problems in the reference data, the shapes or the ontology
fail the build: nothing built on them could be trusted. A build that fails writes nothing.

Incremental. With a :class:`~beskgraph.cache.BuildCache`, a document is parsed again
only when its bytes (or the pipeline) changed, and mapped and validated again only when,
besides, the criteria its answers were matched to changed: criteria are clustered over
the whole corpus, so a new card can change an unchanged card's criteria, and that card
is then mapped again too. Every named graph states a digest of its triples, so a store
can be brought in line by replacing only the graphs whose digest changed.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Dataset, Graph

from . import cache as build_cache
from .cache import BuildCache
from .changes import Changes
from .clashes import duplicate_cards, name_clashes, qualified_name
from .formats.table import TRIG, Format, for_path, graph_format
from .formats.writer import TurtleGraph, join_trig, turtle_graph, write
from .model.card import Card, CriterionIndex
from .model.common import ParsedDocument, Problem, Severity, Stage, Status
from .model.correspondence import Correspondence
from .model.publication import Publication
from .parse.criteria import match_criteria
from .rdf import iris
from .rdf.cards import card_to_rdf
from .rdf.letters import correspondence_to_rdf
from .rdf.provenance import add_source_document, build_graph, build_time
from .rdf.publication import publication_to_rdf
from .rdf.reference import reference_graph
from .rdf.status import add_status, left_out_graph
from .reading import DocumentOutcome, ReadDocument, Reader, read_bytes
from .validate import check, ontology_graph, shapes_graph
from .vocabulary import BG, bind_prefixes

ONTOLOGY_GRAPH = "ontology"


@dataclass(frozen=True)
class GraphChunk:
    """One named graph, serialised once (in the worker that built it)."""

    name: str
    nquads: tuple[bytes, ...]  # sorted, distinct lines
    turtle: TurtleGraph  # its part of the TriG output
    digest: str = ""  # of its triples but the digest's own (bg:graphDigest)

    @property
    def triples(self) -> int:
        return len(self.nquads)

    def ntriples(self) -> bytes:
        """The graph's triples as N-Triples (its lines without the graph name)."""
        cut = len(f" <{self.name}> .\n")
        return b"".join(line[:-cut] + b" .\n" for line in self.nquads)


@dataclass
class BuildResult:
    chunks: list[GraphChunk]
    documents: list[DocumentOutcome]
    changes: Changes | None = None  # against the previous build, when it was given

    @cached_property
    def dataset(self) -> Dataset:
        """The whole build as an rdflib Dataset (parsed on first use)."""
        dataset = Dataset()
        bind_prefixes(dataset)
        dataset.parse(data=self.nquads(), format="nquads")
        return dataset

    def nquads(self) -> bytes:
        return b"".join(line for chunk in self.chunks for line in chunk.nquads)

    @property
    def triples(self) -> int:
        return sum(chunk.triples for chunk in self.chunks)

    @property
    def failed(self) -> list[DocumentOutcome]:
        """The documents left out."""
        return [d for d in self.documents if not d.ok]

    def kinds(self) -> Counter[str]:
        return Counter(d.kind or "unknown" for d in self.documents if d.ok)

    def statuses(self) -> Counter[Status]:
        return Counter(d.status for d in self.documents)

    def hashes(self) -> dict[str, str]:
        """``{file name: content hash}`` of every document read."""
        return {d.name: d.content_hash for d in self.documents if d.content_hash}

    def serialise(self, format: Format | str) -> bytes:
        """The build in ``format`` (or its name), as the server dumps it; TriG joins the graphs'
        Turtle the workers wrote."""
        fmt = graph_format(format) if isinstance(format, str) else format
        if fmt is TRIG:
            return join_trig(chunk.turtle for chunk in self.chunks)
        return b"".join(write(fmt, self.nquads))


class BuildFailed(Exception):
    """The build as a whole failed; nothing was written."""


def find_sources(paths: Iterable[Path]) -> list[Path]:
    """Every file given, and every file (not hidden) in every folder given, sorted by name so
    every build sees one order. A path that does not exist, or no file at all, is an error."""
    paths = list(paths)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise BuildFailed(f"source not found: {', '.join(missing)}")
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith("."))
        else:
            found.append(path)
    if not found:
        raise BuildFailed(f"no source documents in {', '.join(str(p) for p in paths) or 'no path'}")
    return sorted(set(found), key=lambda p: (p.name, str(p)))


Progress = Callable[[str], None]


def parse_all(paths: list[Path], progress: Progress | None = None, workers: int | None = None,
              cache: BuildCache | None = None) -> list[ReadDocument]:
    """Read and parse every file (from the cache when its bytes are unchanged)."""
    out = []
    for path, read in zip(paths, parallel_map(Reader(cache), paths, workers), strict=True):
        out.append(replace(read, path=path))
        if progress:
            progress(path.name)
    return out


def build(paths: Iterable[Path], *, strict: bool = False, validate: bool = True,
          progress: Progress | None = None, workers: int | None = None,
          cache: BuildCache | None = None, previous: Mapping[str, str] | None = None) -> BuildResult:
    """Build the dataset from source files; raise :class:`BuildFailed` if it cannot be used.

    Parsing, and mapping + validating + serialising each document's graph, run in
    ``workers`` processes (default: one per core); criteria are matched corpus-wide in
    between, so the result does not depend on the number of workers. ``previous``
    (``{file name: content hash}`` of the last build) makes the result report changes.
    """
    started = build_time()
    sources = find_sources(paths)
    reference = _foundations(cache, validate)
    clashing = name_clashes(sources)
    reads = parse_all([p for p in sources if p not in clashing], progress, workers, cache)
    duplicates = duplicate_cards(r.document for r in reads if r.document is not None)
    usable = [r for r in reads if r.document is not None and r.document.source.name not in duplicates]
    left_out = [_corpus_clash(r, duplicates[r.outcome.name]) for r in reads if r.outcome.name in duplicates]
    left_out += [r for r in reads if r.document is None]
    left_out += [_name_clash(path, problem) for path, problem in clashing.items()]
    documents = [r.document for r in usable if r.document is not None]
    criteria = match_criteria(d for d in documents if isinstance(d, Card))
    job = _DocumentJob(documents, [r.outcome for r in usable], criteria, reference, validate, cache)
    chunks = [graph_chunk(reference), graph_chunk(_ontology_named_graph())]
    outcomes = []
    for chunk, outcome in parallel_map(job, range(len(usable)), workers):
        chunks.append(chunk)
        outcomes.append(outcome)
    built = [document for document, outcome in zip(job.documents, outcomes, strict=True) if outcome.ok]
    for read in left_out:
        chunks.append(graph_chunk(_left_out(read)))
        outcomes.append(read.outcome)
    if strict and (failed := [o for o in outcomes if not o.ok]):
        raise BuildFailed(_strict_message(failed))
    if cache is not None:
        cache.prune()
    chunks.append(graph_chunk(build_graph(built, started, build_time())))
    outcomes.sort(key=lambda o: o.name)
    chunks.sort(key=lambda c: c.name)
    result = BuildResult(chunks, outcomes)
    if previous is not None:
        result.changes = Changes.between(previous, result.hashes())
    return result


def _foundations(cache: BuildCache | None, validate: bool) -> Graph:
    """The reference graph, once the shapes, the ontology and the reference data are known
    to hold: without them nothing can be built (checked once per pipeline digest when there
    is a cache)."""
    try:
        shapes_graph()
        ontology_graph()
    except Exception as error:
        raise BuildFailed(f"the shapes or the ontology cannot be read: {error}") from error
    reference = reference_graph()
    if validate:
        _check_reference(reference, cache)
    return reference


def _check_reference(reference: Graph, cache: BuildCache | None) -> None:
    entry = build_cache.key("reference")
    if cache is not None and cache.get("checked", entry):
        return
    checked = Graph() + reference  # validation adds to the graph it checks: not to the output
    violations = [v for v in check(checked, focus=set(reference.subjects())) if v.is_violation]
    if violations:
        listed = "\n".join(f"  {v}" for v in violations[:20])
        raise BuildFailed(f"the reference data (reference/) violates the shapes:\n{listed}")
    if cache is not None:
        cache.put("checked", entry, True)


def _strict_message(failed: list[DocumentOutcome]) -> str:
    lines = [problem for outcome in failed for problem in outcome.violations]
    return f"strict build: {len(failed)} document(s) left out:\n" + "\n".join(f"  {line}" for line in lines)


def _corpus_clash(read: ReadDocument, problem: Problem) -> ReadDocument:
    read.outcome.problems.append(problem)
    return read


def _name_clash(path: Path, problem: Problem) -> ReadDocument:
    """A file whose graph name another file has: reported under its folder-qualified name."""
    name = qualified_name(path)
    try:
        content_hash: str | None = read_bytes(path)[0]
    except OSError:
        content_hash = None
    outcome = DocumentOutcome(name, None, problems=[problem], content_hash=content_hash)
    return ReadDocument(path, None, outcome)


def _left_out(read: ReadDocument) -> Graph:
    outcome = read.outcome
    characters = len(read.document.source.text) if read.document is not None else None
    return left_out_graph(outcome.name, outcome.kind, characters, outcome.content_hash, outcome.problems)


@dataclass
class _DocumentJob:
    """Map, validate and serialise document ``i`` (run in a forked worker)."""

    documents: list[ParsedDocument]
    outcomes: list[DocumentOutcome]  # of reading them
    criteria: CriterionIndex
    reference: Graph
    validate: bool
    cache: BuildCache | None

    def __call__(self, index: int) -> tuple[GraphChunk, DocumentOutcome]:
        document, read = self.documents[index], self.outcomes[index]
        entry = build_cache.key("graph", read.name, read.content_hash or "",
                                criteria_signature(document, self.criteria), str(self.validate))
        if self.cache is not None and (hit := self.cache.get("graph", entry)) is not None:
            chunk, outcome = hit
            return chunk, replace(outcome, parsed=read.parsed, validated=False)
        clock = [time.perf_counter()]

        def lap() -> float:
            clock.append(time.perf_counter())
            return clock[-1] - clock[-2]

        problems = list(read.problems)
        try:
            graph = document_graph(document, self.criteria)
            seconds = {"map": lap()}
            found = check(self.reference + graph, focus=set(graph.subjects())) if self.validate else []
            problems += [v.problem() for v in found]
        except Exception as error:  # a mapping bug: this document is left out, the corpus built
            seconds = {"map": lap()}
            problems.append(Problem(Severity.VIOLATION, Stage.MAP, f"could not be mapped to RDF: {error!r}"))
        seconds["validate"] = lap()
        outcome = replace(read, problems=problems, seconds={**read.seconds, **seconds}, validated=True)
        if outcome.ok:
            add_status(graph, read.name, read.content_hash, problems)
        else:
            graph = left_out_graph(read.name, read.kind, len(document.source.text), read.content_hash,
                                   problems)
        chunk = graph_chunk(graph)
        outcome.seconds["serialise"] = lap()
        outcome.triples = chunk.triples if outcome.ok else 0
        if self.cache is not None:
            self.cache.put("graph", entry, (chunk, outcome))
        return chunk, outcome


def criteria_signature(document: ParsedDocument, criteria: CriterionIndex) -> str:
    """What a card's graph takes from the corpus: the criteria its answers were matched to."""
    if not isinstance(document, Card):
        return ""
    parts = sorted({f"{t.kind.value}\0{a.criterion_key}\0{criterion.key}\0{criterion.statement}"
                    for t in document.tests for a in t.assessments
                    for criterion in (criteria[(t.kind, a.criterion_key)],)})
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


T = TypeVar("T")
R = TypeVar("R")


def parallel_map(function: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[function(i) for i in items]``, in forked worker processes when that pays.

    ``function`` and the data it closes over reach the workers by fork, not by pickling;
    only the items and the results are pickled. A worker dies with this process (even
    one killed with SIGKILL) and takes default signal actions (Ctrl-C ends it quietly).
    """
    from .isolation.lifeline import bind_to_parent

    workers = min(workers or os.cpu_count() or 1, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return [function(item) for item in items]
    _FORKED[id(function)] = function
    try:
        with mp.get_context("fork").Pool(workers, bind_to_parent, (os.getpid(),)) as pool:
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


def document_graph(document: ParsedDocument, criteria: CriterionIndex) -> Graph:
    """One document's named graph: the source document node and all extracted from it."""
    graph = Graph(identifier=iris.named_graph(document.source.name))
    bind_prefixes(graph)
    add_source_document(graph, document)
    if isinstance(document, Card):
        card_to_rdf(document, graph, criteria)
    elif isinstance(document, Correspondence):
        correspondence_to_rdf(document, graph)
    elif isinstance(document, Publication):
        publication_to_rdf(document, graph)
    return graph


def serialise(dataset: Dataset, format: Format | str) -> bytes:
    """An rdflib Dataset's named graphs as the build writes them."""
    fmt = graph_format(format) if isinstance(format, str) else format
    rdflib_nquads = dataset.serialize(format="nquads", encoding="utf-8")  # read again as pyoxigraph writes it
    quads = ox.parse(rdflib_nquads, format=ox.RdfFormat.N_QUADS)
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return b"".join(write(fmt, lambda: nquads))


DIGEST = f"<{BG.graphDigest}>".encode()


def graph_chunk(graph: Graph) -> GraphChunk:
    """Serialise one named graph for the outputs: sorted N-Quads lines and a Turtle body,
    with the graph's digest (``<graph> bg:graphDigest "…"``) among its triples.

    The Turtle is pyoxigraph's, written from the sorted triples (40x faster than
    rdflib's Turtle writer, which took most of a build's serialising time).
    """
    name = str(graph.identifier)
    suffix = f" <{name}> .\n".encode()
    own_digest = f"<{name}> ".encode() + DIGEST + b" "
    ntriples = [t for t in _sorted_ntriples(graph) if not t.startswith(own_digest)]
    digest = hashlib.sha256(b"\n".join(ntriples)).hexdigest()
    if ntriples:
        ntriples = sorted([*ntriples, own_digest + f'"{digest}"'.encode()])
    nquads = tuple(line + suffix for line in ntriples)
    return GraphChunk(name, nquads, turtle_graph(name, ntriples), digest)


def _sorted_ntriples(graph: Graph) -> list[bytes]:
    """The graph's distinct triples as N-Triples lines without their `` .``, sorted."""
    lines = graph.serialize(format="nt", encoding="utf-8").split(b"\n")
    return sorted({t for line in lines if (t := line.rstrip()[:-1].rstrip())})


def format_for(path: Path) -> Format:
    """The format of an output file, by its extension."""
    try:
        return for_path(path)
    except ValueError as error:
        raise BuildFailed(str(error)) from None
