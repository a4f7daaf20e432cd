"""SHACL validation with a readable report: focus node, path, message, file and line."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Self, SupportsIndex, TypeVar, overload

import pyshacl
from pyshacl import shape as pyshacl_shape
from pyshacl import validate as shacl_validate
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.pytypes import SHACLExecutor
from pyshacl.shapes_graph import ShapesGraph
from rdflib import Graph, Literal, URIRef
from rdflib.graph import (
    _QuadType,
    _TripleOrTriplePathType,
    _TriplePatternType,
    _TripleSelectorType,
    _TripleType,
)
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import IdentifiedNode, Node

from .config import SHAPES_DIR
from .model.common import Problem, Severity, Stage
from .rdf.ontology import load_turtle, ontology_graph
from .vocabulary import BG, DCTERMS, OWL, PROV, RDF, SH


@dataclass(frozen=True)
class Violation:
    focus: str | None
    path: str | None
    message: str
    severity: str
    source: str | None  # file name of the document the focus node came from
    line: int | None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.source and self.line else (self.source or "?")
        path = f" [{self.path}]" if self.path else ""
        return f"{where}: {self.severity}: <{self.focus}>{path}: {self.message}"

    @property
    def is_violation(self) -> bool:
        """A violation makes its node meaningless; a warning (or info) only incomplete."""
        return self.severity == "Violation"

    def problem(self) -> Problem:
        return Problem(
            Severity.VIOLATION if self.is_violation else Severity.WARNING,
            Stage.VALIDATE,
            self.message,
            self.line,
            self.focus,
            self.path,
        )


class ValidationFailed(Exception):
    """The graph violates the shapes; ``violations`` says where and why."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  {v}" for v in violations[:50])
        more = f"\n  … and {len(violations) - 50} more" if len(violations) > 50 else ""
        super().__init__(f"SHACL validation failed with {len(violations)} violation(s):\n{lines}{more}")


@cache
def shapes_graph() -> Graph:
    """Every shape in shapes/ (read-only: one graph for the whole process)."""
    return _ReadOnlyShapes(load_turtle(SHAPES_DIR))


class ReadOnlyGraph(TypeError):
    """A write to the shapes graph."""


class _ReadOnlyShapes(Graph):
    """The shapes, read-only, keeping the triples matching each pattern asked for. pyshacl
    reads a shape's constraints from the shapes graph anew each time it validates the shape
    (for every focus node a nested shape reaches): those reads were a sixth of a document's
    validation. pyshacl adds two triples of its own to the shapes graph it is given: they
    are added here at once, so its adds find them there; any other write is refused, so no
    kept answer can go stale (a write past this object, to its store, is not seen)."""

    def __init__(self, shapes: Graph) -> None:
        super().__init__()
        _bind_prefixes_of(shapes, self)
        super().addN((*triple, self) for triple in (*shapes, *ShapesGraph.system_triples))
        self._kept: dict[tuple[Node | None, Node | None, Node | None], tuple[_TripleType, ...]] = {}

    # one signature for rdflib's overloads of it (which differ only in how precise they are)
    def triples(  # type: ignore[override]  # (see above)
        self, triple: _TripleSelectorType
    ) -> Generator[_TripleOrTriplePathType, None, None]:
        subject, predicate, value = triple
        # a path: read through the patterns it expands to (told by not being an IRI: rdflib's
        # Path is an abstract class, slow to ask isinstance of)
        if predicate is not None and not isinstance(predicate, URIRef):
            yield from super().triples(triple)
            return
        pattern = (subject, predicate, value)
        kept = self._kept.get(pattern)
        if kept is None:
            kept = self._kept[pattern] = tuple(super().triples(pattern))
        yield from kept

    def add(self, triple: _TripleType) -> _ReadOnlyShapes:
        if None not in triple and triple in self:  # pyshacl's own triples, each time
            return self
        raise ReadOnlyGraph(f"the shapes graph is read-only: cannot add {triple}")

    def addN(self, quads: Iterable[_QuadType]) -> _ReadOnlyShapes:
        raise ReadOnlyGraph("the shapes graph is read-only")

    def remove(self, triple: _TriplePatternType) -> _ReadOnlyShapes:
        raise ReadOnlyGraph("the shapes graph is read-only")

    def __copy__(self) -> Graph:
        """A graph of its own, to change (rdflib's copy would share the store)."""
        copied = Graph()
        _bind_prefixes_of(self, copied)
        copied += self
        return copied


def _bind_prefixes_of(source: Graph, target: Graph) -> None:
    for prefix, namespace in source.namespaces():
        target.bind(prefix, namespace, override=True, replace=True)


def check(data: Graph, focus: Iterable[Node] | None = None) -> list[Violation]:
    """Validate ``data`` against the project's shapes; return every result, violations and
    warnings (none: valid and complete).

    ``focus``: validate only these nodes and the nodes they link to (each against the shapes
    that target it), e.g. one document's nodes while the reference nodes they point at are in
    ``data`` too. The linked nodes are in focus because pyshacl evaluates a shape nested in a
    constraint (``sh:or``, ``sh:node``) on a value only if that value is a focus node, and
    passes it otherwise. The ontology's own values (test kinds, answers, their schemes) are
    then added to ``data``, in place (as pyshacl's in-place mode adds to it).
    """
    # the same triples, seen through a graph that parses each SPARQL constraint once
    data = _PreparedQueries(store=data.store, identifier=data.identifier)
    if focus is not None:
        data.addN((*triple, data) for triple in ontology_values())
        focus = set(focus)
        focus |= {o for s in focus for o in data.objects(s) if isinstance(o, URIRef)}
    _, results, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
        inplace=True,
        focus_nodes=sorted(n for n in focus if isinstance(n, IdentifiedNode)) if focus is not None else None,
    )
    return sorted(
        _violations(results, data),
        key=lambda v: (v.source or "", v.line or 0, v.focus or "", v.path or "", v.message),
    )


_T = TypeVar("_T")


class _Members(list[_T]):
    """A list that answers ``in`` from a set. pyshacl keeps lists it asks ``in`` of for
    nearly everything it does: the focus nodes (for every node a shape targets and every
    value a nested shape reaches: a quarter of a document's validation went into those
    scans) and the constraint parameters (for every predicate of a shape, each time it
    validates the shape: another sixth). Every change to the list is made to the set too
    (those that may take items away build it again); ``sort``, ``reverse`` and slices read
    from it (plain lists) change no membership."""

    def __init__(self, nodes: Iterable[_T] = ()) -> None:
        super().__init__(nodes)
        self._members = set(self)

    def __contains__(self, node: object) -> bool:
        return node in self._members

    def _again(self) -> None:
        self._members = set(self)

    def append(self, node: _T) -> None:
        super().append(node)
        self._members.add(node)

    def insert(self, index: SupportsIndex, node: _T) -> None:
        super().insert(index, node)
        self._members.add(node)

    def extend(self, nodes: Iterable[_T]) -> None:
        super().extend(nodes)
        self._again()

    # (typeshed's list.__iadd__ is itself ignored so: it takes any iterable, __add__ only lists)
    def __iadd__(self, nodes: Iterable[_T]) -> Self:  # type: ignore[override,misc]
        self.extend(nodes)
        return self

    def __imul__(self, times: SupportsIndex) -> Self:
        super().__imul__(times)
        self._again()
        return self

    @overload
    def __setitem__(self, index: SupportsIndex, node: _T) -> None: ...
    @overload
    def __setitem__(self, index: slice, node: Iterable[_T]) -> None: ...
    def __setitem__(self, index: SupportsIndex | slice, node: _T | Iterable[_T]) -> None:
        super().__setitem__(index, node)  # type: ignore[index,assignment]  # (either overload)
        self._again()

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        super().__delitem__(index)
        self._again()

    def remove(self, node: _T) -> None:
        super().remove(node)
        self._again()

    def pop(self, index: SupportsIndex = -1) -> _T:
        node = super().pop(index)
        self._again()
        return node

    def clear(self) -> None:
        super().clear()
        self._members = set()

    def copy(self) -> _Members[_T]:
        return _Members(self)

    __copy__ = copy


_make_executor = pyshacl.Validator.make_executor


def _executor_with_a_focus_set(validator: pyshacl.Validator) -> SHACLExecutor:
    executor = _make_executor(validator)
    if executor.focus_nodes:
        executor.focus_nodes = _Members(executor.focus_nodes)
    return executor


# The two places beskgraph reaches into pyshacl, both to give it a list that answers ``in``
# from a set (:class:`_Members`): the executor Validator.run validates with gets the focus
# nodes so (it reads them only with ``len`` and ``in``), and a shape's validation the
# constraint parameters (which pyshacl keeps in its shape module once it has read them; it
# copies them, appends to the copy, and asks ``in``). The same lists, the same results
# (tests/validate/test_shacl.py holds both to pyshacl's own). Importing beskgraph.validate
# does it for the whole process, so for every caller of pyshacl in it; written for pyshacl
# 0.40.1 (pinned in pyproject.toml).
setattr(pyshacl.Validator, "make_executor", _executor_with_a_focus_set)  # noqa: B010
setattr(  # noqa: B010
    pyshacl_shape, "CONSTRAINT_PARAMS", (_Members(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
)


ONTOLOGY_TERM_KINDS = {
    OWL.Ontology,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
}


@cache
def ontology_values() -> tuple[tuple[URIRef, URIRef, URIRef], ...]:
    """What the ontology says of the values it defines (test kinds, answers, their schemes)."""
    ontology = ontology_graph()
    values = {
        s
        for s, o in ontology.subject_objects(RDF.type)
        if isinstance(s, URIRef) and o not in ONTOLOGY_TERM_KINDS
    }
    # ignored below: its triples are of IRIs
    return tuple(sorted(t for value in values for t in ontology.triples((value, None, None))))  # type: ignore[misc]


class _PreparedQueries(Graph):
    """A graph whose SPARQL queries are parsed once per text: pyshacl asks a SPARQL-based
    constraint's query anew for every focus node, and rdflib takes ~25 ms to parse one."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=64)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def validate(data: Graph) -> None:
    """Raise :class:`ValidationFailed` if ``data`` violates a shape (warnings pass)."""
    if violations := [v for v in check(data) if v.is_violation]:
        raise ValidationFailed(violations)


def _violations(results: Graph, data: Graph) -> list[Violation]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        source, line = locate(data, focus) if isinstance(focus, URIRef) else (None, None)
        found.append(
            Violation(
                focus=str(focus) if isinstance(focus, URIRef) else None,
                path=str(path) if isinstance(path, URIRef) else None,
                message=str(message or "violates a shape"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                source=source,
                line=line,
            )
        )
    return found


def locate(data: Graph, node: URIRef) -> tuple[str | None, int | None]:
    """The source file and first line a node was extracted from, as far as the graph says; for
    a node without provenance of its own, those of the first node (in IRI order) that points
    at it and has a source span, and so on. A line that is not a number is passed over."""
    seen: set[URIRef] = set()
    while True:
        seen.add(node)
        names, lines = _document_names(data, node), _lines(data, node)
        pointing = None if names else _first_pointing_at(data, node, seen)
        if pointing is None:
            return (names[0] if names else None), (min(lines) if lines else None)
        node = pointing


def _document_names(data: Graph, node: URIRef) -> list[str]:
    documents = list(data.objects(node, PROV.wasDerivedFrom)) + list(data.objects(node, DCTERMS.isPartOf))
    if (node, RDF.type, BG.SourceDocument) in data:  # a source document names itself
        documents.append(node)
    return sorted(str(name) for doc in documents for name in data.objects(doc, DCTERMS.identifier))


def _lines(data: Graph, node: URIRef) -> list[int]:
    spans = list(data.objects(node, BG.sourceSpan))
    if (node, BG.line, None) in data:
        spans.append(node)
    lines = (_number(line) for span in spans for line in data.objects(span, BG.line))
    return [line for line in lines if line is not None]


def _number(line: Node) -> int | None:
    try:
        return int(str(line)) if isinstance(line, Literal) and str(line).isdecimal() else None
    except ValueError:  # more digits than Python reads
        return None


def _first_pointing_at(data: Graph, node: URIRef, seen: set[URIRef]) -> URIRef | None:
    pointing = (
        subject
        for subject in data.subjects(None, node)
        if isinstance(subject, URIRef) and subject not in seen and (subject, BG.sourceSpan, None) in data
    )
    return min(pointing, default=None)
