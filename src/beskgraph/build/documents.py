"""One document's named graph: mapped, validated and serialised (in a forked worker), or
taken from the cache when neither the document nor the criteria it was matched to changed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from rdflib import Graph

from .. import cache as build_cache
from ..cache import BuildCache
from ..model.card import Card, CriterionIndex
from ..model.common import ParsedDocument, Problem, Severity, Stage
from ..model.correspondence import Correspondence
from ..model.publication import Publication
from ..rdf import iris
from ..rdf.cards import card_to_rdf
from ..rdf.letters import correspondence_to_rdf
from ..rdf.provenance import add_source_document
from ..rdf.publication import publication_to_rdf
from ..rdf.status import add_status, left_out_graph
from ..reading import DocumentOutcome
from ..validate import check, ontology_graph, shapes_graph
from ..vocabulary import bind_prefixes
from .chunks import GraphChunk, graph_chunk
from .result import BuildFailed


@dataclass
class DocumentJob:
    """Map, validate and serialise document ``i`` (run in a forked worker)."""

    documents: list[ParsedDocument]
    outcomes: list[DocumentOutcome]  # of reading them
    criteria: CriterionIndex
    reference: Graph
    validate: bool
    cache: BuildCache | None

    def entry(self, index: int) -> str:
        """The cache key of document ``index``'s graph."""
        document, read = self.documents[index], self.outcomes[index]
        return build_cache.key(
            "graph",
            read.name,
            read.content_hash or "",
            criteria_signature(document, self.criteria),
            str(self.validate),
        )

    def validates(self) -> bool:
        """Whether some document will be validated (its graph is not in the cache)."""
        if not self.validate:
            return False
        cache = self.cache
        indices = range(len(self.documents))
        return cache is None or not all(cache.holds("graph", self.entry(i)) for i in indices)

    def __call__(self, index: int) -> tuple[GraphChunk, DocumentOutcome]:
        document, read = self.documents[index], self.outcomes[index]
        entry = self.entry(index)
        if self.cache is not None and (hit := self.cache.get("graph", entry)) is not None:
            chunk, outcome = hit
            return chunk, replace(outcome, parsed=read.parsed, validated=False)
        if self.validate:  # read before the fork, but for an entry that could not be read
            require(shapes_graph)
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
            graph = left_out_graph(
                read.name, read.kind, len(document.source.text), read.content_hash, problems
            )
        chunk = graph_chunk(graph)
        outcome.seconds["serialise"] = lap()
        outcome.triples = chunk.triples if outcome.ok else 0
        if self.cache is not None:
            self.cache.put("graph", entry, (chunk, outcome))
        return chunk, outcome


def require(load: Callable[[], Graph]) -> None:
    """Read the ontology or the shapes (once a process), or fail the build saying they cannot
    be read (a document is not left out for what no document can be built without)."""
    try:
        load()
    except Exception as error:
        raise BuildFailed(f"the shapes or the ontology cannot be read: {error}") from error


def criteria_signature(document: ParsedDocument, criteria: CriterionIndex) -> str:
    """What a card's graph takes from the corpus: the criteria its answers were matched to."""
    if not isinstance(document, Card):
        return ""
    parts = sorted(
        {
            f"{t.kind.value}\0{a.criterion_key}\0{criterion.key}\0{criterion.statement}"
            for t in document.tests
            for a in t.assessments
            for criterion in (criteria[(t.kind, a.criterion_key)],)
        }
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def ontology_named_graph() -> Graph:
    graph = Graph(identifier=iris.ontology_graph())
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
