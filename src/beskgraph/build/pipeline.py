"""The pipeline of a build (see the package): read, parse, match criteria, map and validate
each document, and record the build."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from rdflib import Graph

from .. import cache as build_cache
from ..cache import BuildCache
from ..changes import Changes
from ..clashes import duplicate_cards, name_clashes, qualified_name
from ..model.card import Card
from ..model.common import Problem
from ..parse.criteria import match_criteria
from ..rdf.provenance import build_graph, build_time
from ..rdf.reference import reference_graph
from ..rdf.status import left_out_graph
from ..reading import DocumentOutcome, ReadDocument, Reader, read_bytes
from ..validate import check, ontology_graph, shapes_graph
from ..workers import WorkerDied, parallel_map
from .chunks import graph_chunk
from .documents import DocumentJob, ontology_named_graph, require
from .result import BuildFailed, BuildResult
from .sources import find_sources

Progress = Callable[[str], None]
T = TypeVar("T")
R = TypeVar("R")


def parse_all(
    paths: list[Path],
    progress: Progress | None = None,
    workers: int | None = None,
    cache: BuildCache | None = None,
) -> list[ReadDocument]:
    """Read and parse every file (from the cache when its bytes are unchanged)."""
    out = []
    reads = _in_workers(Reader(cache), paths, workers, "reading", paths)
    for path, read in zip(paths, reads, strict=True):
        out.append(replace(read, path=path))
        if progress:
            progress(path.name)
    return out


def build(
    paths: Iterable[Path],
    *,
    strict: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
    cache: BuildCache | None = None,
    previous: Mapping[str, str] | None = None,
) -> BuildResult:
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
    job = DocumentJob(documents, [r.outcome for r in usable], criteria, reference, validate, cache)
    if job.validates():
        require(shapes_graph)  # once here, not in each worker the documents are validated in
    chunks = [graph_chunk(reference), graph_chunk(ontology_named_graph())]
    outcomes = []
    graphs = _in_workers(job, range(len(usable)), workers, "mapping and validating", [r.path for r in usable])
    for chunk, outcome in graphs:
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


def _in_workers(
    function: Callable[[T], R], items: Sequence[T], workers: int | None, doing: str, paths: Sequence[Path]
) -> list[R]:
    """:func:`parallel_map`; a worker that dies (the OOM killer, a signal) fails the build,
    naming the document it held (``paths[i]`` is item ``i``'s)."""
    try:
        return parallel_map(function, items, workers)
    except WorkerDied as died:
        raise BuildFailed(f"a worker process {died.how} while {doing} {paths[died.index]}") from None


def _foundations(cache: BuildCache | None, validate: bool) -> Graph:
    """The reference graph, once the ontology and the reference data are known to hold:
    without them nothing can be built (the reference data checked once per pipeline digest
    and settings: in the cache, and in this process). The shapes are read only when
    something is validated: a build the cache answers whole does not need them."""
    require(ontology_graph)
    reference = reference_graph()
    if validate:
        _check_reference(reference, cache)
    return reference


_CHECKED_HERE: set[str] = set()  # the reference checks this process passed (by cache key)


def _check_reference(reference: Graph, cache: BuildCache | None) -> None:
    """Validate the reference data once per pipeline digest and settings: in this process
    (a server rebuilding, a build without a cache), else in the cache."""
    entry = build_cache.key("reference")
    if entry in _CHECKED_HERE or (cache is not None and cache.get("checked", entry)):
        return
    require(shapes_graph)
    checked = Graph() + reference  # validation adds to the graph it checks: not to the output
    violations = [v for v in check(checked, focus=set(reference.subjects())) if v.is_violation]
    if violations:
        listed = "\n".join(f"  {v}" for v in violations[:20])
        raise BuildFailed(f"the reference data (reference/) violates the shapes:\n{listed}")
    _CHECKED_HERE.add(entry)
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
