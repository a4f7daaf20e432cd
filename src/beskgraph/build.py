"""The pipeline: source files -> parsed records -> one named graph each -> SHACL -> output.

A document that cannot be parsed is reported with file, line and reason and left out;
the rest of the corpus is built regardless (``strict`` makes it fail instead). A build
that fails as a whole writes nothing, so the previous output stays as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

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
from .rdf.provenance import add_source_document
from .rdf.reference import reference_graph
from .text import SourceError
from .validate import ValidationFailed, check, ontology_graph

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

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BuildResult:
    dataset: Dataset
    documents: list[DocumentOutcome]

    @property
    def triples(self) -> int:
        return sum(len(graph) for graph in self.dataset.graphs() if len(graph))

    @property
    def failed(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if not d.ok]

    def kinds(self) -> Counter[str]:
        return Counter(d.kind or "unknown" for d in self.documents if d.ok)


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


def parse_all(paths: list[Path], progress: Progress | None = None
              ) -> tuple[list[ParsedDocument], list[DocumentOutcome]]:
    """Parse every file; failures become outcomes with file, line and reason."""
    parsed, failures = [], []
    for path in paths:
        try:
            parsed.append(parse_document(path))
        except SourceError as error:
            failures.append(DocumentOutcome(path.name, None, error=str(error)))
        except OSError as error:
            failures.append(DocumentOutcome(path.name, None, error=f"{path.name}: {error.strerror}"))
        if progress:
            progress(path.name)
    return parsed, failures


def build(paths: Iterable[Path], *, strict: bool = False, validate: bool = True,
          progress: Progress | None = None) -> BuildResult:
    """Build the dataset from source files; raise :class:`BuildFailed` if it cannot be used."""
    parsed, failures = parse_all(find_sources(paths), progress)
    if strict and failures:
        raise BuildFailed("strict build: " + "; ".join(f.error or f.name for f in failures))
    dataset = Dataset()
    bind_prefixes(dataset)
    reference = reference_graph()
    _add_graph(dataset, reference)
    _add_graph(dataset, _ontology_named_graph())
    criteria = _criteria_index(parsed)
    outcomes = list(failures)
    violations = []
    for document in parsed:
        graph = document_graph(document, criteria)
        if validate:
            violations.extend(check(reference + graph))
        _add_graph(dataset, graph)
        outcomes.append(DocumentOutcome(
            document.source.name, document.kind.value, len(graph),
            [f"{document.source.name}:{w.line}: {w.message}" for w in document.warnings]))
    if violations:
        raise BuildFailed(str(ValidationFailed(violations)))
    outcomes.sort(key=lambda o: o.name)
    return BuildResult(dataset, outcomes)


def _ontology_named_graph() -> Graph:
    graph = Graph(identifier=iris.iri("graph", ONTOLOGY_GRAPH))
    graph += ontology_graph()
    return graph


def _add_graph(dataset: Dataset, graph: Graph) -> None:
    target = dataset.graph(graph.identifier)
    target += graph


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
        data = union.serialize(format=format, encoding="utf-8")
    else:
        data = dataset.serialize(format=format, encoding="utf-8")
    if format in {"nt", "nquads"}:
        data = b"".join(sorted({line for line in data.splitlines(keepends=True) if line.strip()}))
    return data


def _trig(dataset: Dataset) -> bytes:
    """TriG with the named graphs in IRI order, each body as rdflib's sorted Turtle."""
    chunks, prefixes = [], set()
    for name in graph_names(dataset):
        graph = Graph()
        bind_prefixes(graph)
        graph += dataset.graph(name)
        text = graph.serialize(format="turtle", encoding="utf-8")
        head, _, body = text.partition(b"\n\n") if text.startswith(b"@prefix") else (b"", b"", text)
        prefixes.update(line for line in head.splitlines() if line)
        # not indented: that would change multi-line literals
        chunks.append(b"<" + str(name).encode() + b"> {\n" + body.strip() + b"\n}\n")
    return b"\n".join(sorted(prefixes)) + b"\n\n" + b"\n".join(chunks)


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
