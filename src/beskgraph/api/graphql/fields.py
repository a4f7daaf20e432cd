"""Declaring a GraphQL field once, with the RDF path its values are read along.

    @node_type(BG.Municipality)
    class Municipality(Node):
        code: str = value(BG.kommunekode)
        region: Region = link(BG.region)
        letters: Connection[Letter] = relation(BG.municipality, inverse=True)

The annotation is the field's GraphQL type (non-null where the shapes require a value;
tests/api/graphql/test_graphql_contract.py holds the two together); the declaration names the path
and, unless it gives its own, takes its description from the ontology. Record queries,
the planner's loads, filter and sort paths and the drift checks all derive from these.

Scalars are plain attributes of objects built from their records in one step: they have
no resolver. Fields returning objects read what the planner prefetched for their response
key, and ask it (``fallback``) only when it did not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.types import Info
from strawberry.types.arguments import StrawberryArgument

from beskgraph.api.graphql.ontology import describe

if TYPE_CHECKING:
    from beskgraph.api.graphql.records import Record

SPEC = "beskgraph"  # key of a field's declaration in strawberry's field metadata


@dataclass(frozen=True)
class Path:
    """How a field's values are reached from its node."""

    predicates: tuple[str, ...]  # the predicate, then those read in turn when it has no value
    inverse: bool = False  # the node is the object of the predicate(s)
    order: str | None = None  # link to the schema:ListItems giving the values' order as written
    sequence: bool = False  # the predicates are steps, one after the other (``^a/^b`` when inverse)

    @property
    def sparql(self) -> str:
        """The SPARQL property path (fallbacks as alternatives, so filters look in each)."""
        hat = "^" if self.inverse else ""
        if self.sequence:
            return "/".join(f"{hat}<{p}>" for p in self.predicates)
        path = "|".join(f"<{p}>" for p in self.predicates)
        if len(self.predicates) > 1:
            path = f"({path})"
        return f"{hat}{path}"


@dataclass(frozen=True)
class Value:
    """A scalar (or list of scalars) read along a path."""

    path: Path


@dataclass(frozen=True)
class ClassValue:
    """An enum value told by the node's rdf:types (the enum's values are class IRIs)."""


@dataclass(frozen=True)
class Link:
    """Nodes reached along a path (``None``: the node itself), as objects of the annotated type."""

    path: Path | None
    where: tuple[tuple[str, str], ...] = ()  # (predicate, IRI) every node kept must have
    sort: Callable[[Record], Any] | None = None  # their order (default: as written, then by IRI)
    matches: Callable[[Mapping[str, Any], Record, Any], bool] | None = None  # (arguments, node, parent type)


@dataclass(frozen=True)
class Relation:
    """A connection (paged, filtered, ordered) of the nodes reached along a path."""

    path: Path | None  # None: a top-level list
    order: Enum | None = None  # its default ordering field, else the listed type's


Spec = Value | ClassValue | Link | Relation


def _path(predicate: str, fallbacks: tuple[str, ...], inverse: bool, order: str | None) -> Path:
    return Path(
        tuple(str(p) for p in (predicate, *fallbacks)), inverse, None if order is None else str(order)
    )


def _described(predicate: str, inverse: bool, description: str | None) -> str | None:
    if description is None and inverse:
        raise ValueError(f"a field along the inverse of {predicate} needs its own description")
    return description or describe(predicate)


def value(
    predicate: str,
    *fallbacks: str,
    inverse: bool = False,
    order: str | None = None,
    description: str | None = None,
) -> Any:
    """A scalar field read along ``predicate`` (then ``fallbacks``, in turn, when it has no value)."""
    return strawberry.field(
        description=_described(predicate, inverse, description),
        metadata={SPEC: Value(_path(predicate, fallbacks, inverse, order))},
    )


def class_value(description: str) -> Any:
    """An enum field whose value is the first of the enum's class IRIs the node has."""
    return strawberry.field(description=description, metadata={SPEC: ClassValue()})


def link(
    predicate: str | None,
    *fallbacks: str,
    inverse: bool = False,
    order: str | None = None,
    then: str | None = None,
    where: Mapping[str, str] | None = None,
    sort: Callable[[Record], Any] | None = None,
    arguments: tuple[StrawberryArgument, ...] = (),
    matches: Callable[[Mapping[str, Any], Record, Any], bool] | None = None,
    description: str | None = None,
) -> Any:
    """A field of objects reached along ``predicate`` (``None``: the node itself; ``then``: a
    second step after it)."""
    path = None if predicate is None else _path(predicate, fallbacks, inverse, order)
    if path is not None and then is not None:
        path = Path((path.predicates[0], str(then)), inverse, sequence=True)
    if predicate is None and description is None:
        raise ValueError("a field of the node itself needs its own description")
    spec = Link(path, tuple((str(p), str(o)) for p, o in (where or {}).items()), sort, matches)
    text = description if predicate is None else _described(predicate, inverse, description)
    field = strawberry.field(
        resolver=_with_arguments if arguments else prefetched, description=text, metadata={SPEC: spec}
    )
    if arguments:
        field.arguments = list(arguments)
    return field


def relation(
    predicate: str, *, inverse: bool = False, order: Enum | None = None, description: str | None = None
) -> Any:
    """A connection along ``predicate``; its filter and order arguments are those of the listed
    type (added when the schema is built, see ``schema.py``)."""
    spec = Relation(_path(predicate, (), inverse, None), order)
    return strawberry.field(
        resolver=_with_arguments,
        description=_described(predicate, inverse, description),
        metadata={SPEC: spec},
    )


def listed(description: str) -> Any:
    """A top-level list of the connection's node type (arguments as for :func:`relation`)."""
    return strawberry.field(
        resolver=_with_arguments, description=description, metadata={SPEC: Relation(None)}
    )


@dataclass(frozen=True)
class Failed:
    """What the planner keeps for a field whose loading failed: its resolver raises the error, so it
    is reported at the field's own path."""

    error: Exception


def read(holder: Any, key: str | int) -> Any:
    """What was prefetched for a response key (a field's ``info.path.key``), raising a failure's error."""
    found = holder._prefetched[key]
    if isinstance(found, Failed):
        raise found.error
    return found


def prefetched(self: Any, info: Info) -> Any:
    """What the planner prefetched for this response key, else the planner's answer (awaitable)."""
    if info.path.key not in self._prefetched:
        return info.context.planner.fallback(self, info, {})
    return read(self, info.path.key)


def fast(resolve: Callable[..., Any]) -> Callable[..., Any]:
    """graphql-core's resolver of a prefetched field: a dict lookup, without the conversion of
    arguments and the ``Info`` strawberry makes for every call; ``resolve`` (strawberry's) when
    the value was not prefetched."""

    def read_prefetched(source: Any, info: Any, **arguments: Any) -> Any:
        found = source._prefetched.get(info.path.key, _MISSING) if source is not None else _MISSING
        if found is _MISSING:
            return resolve(source, info, **arguments)
        if isinstance(found, Failed):
            raise found.error
        return found

    read_prefetched.prefetched = True  # type: ignore[attr-defined]  # execution.py completes it by key
    return read_prefetched


PREFETCHED: tuple[Callable[..., Any], ...] = ()  # the resolvers ``fast`` may replace (set below)
_MISSING = object()


def _with_arguments(self: Any, info: Info, **arguments: Any) -> Any:
    if self is None or info.path.key not in self._prefetched:  # None: a field of Query
        return info.context.planner.fallback(self, info, arguments)
    return read(self, info.path.key)


def argument(name: str, annotation: Any, description: str, default: Any = None) -> StrawberryArgument:
    """A field argument (``name`` as in Python; the schema shows it in camelCase)."""
    return StrawberryArgument(
        python_name=name,
        graphql_name=None,
        type_annotation=StrawberryAnnotation(annotation),
        default=default,
        description=description,
    )


PREFETCHED = (prefetched, _with_arguments)
