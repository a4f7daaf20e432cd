"""The node types: their RDF classes, their fields' declarations read once, what their
records load, how a node's type is told from its rdf:types, and objects built from records.

A node has one GraphQL type wherever it appears (so one global ID): the first declared
type whose classes it has, among those the field may return.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.field import StrawberryField

from beskgraph.api.graphql.fields import SPEC, ClassValue, Link, Path, Relation, Spec, Value
from beskgraph.api.graphql.ids import encode_id
from beskgraph.api.graphql.ontology import describe
from beskgraph.api.graphql.records import Record

T = TypeVar("T")
_DECLARED: list[tuple[type, tuple[str, ...]]] = []  # node types with their classes, in precedence order


def node_type(*classes: str, description: str | None = None) -> Callable[[type[T]], type[T]]:
    """A strawberry object type over the nodes of ``classes`` (described as the first is, unless
    told). A node with the classes of several types is of the one declared first."""

    def wrap(cls: type[T]) -> type[T]:
        done = strawberry.type(cls, description=description or describe(classes[0]))
        done.__getattr__ = _scalar  # type: ignore[attr-defined]  # a strawberry type gets a class-level __getattr__ at run time
        _DECLARED.append((done, tuple(str(c) for c in classes)))
        return done

    return wrap


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


CONVERTERS: dict[object, Callable[[Any], object]] = {  # raise ValueError on what they cannot read
    str: str,
    int: int,
    float: float,
    bool: bool,
    dt.date: _date,
    strawberry.ID: str,
}


@dataclass
class FieldInfo:
    """One declared field of a node type, its GraphQL type read."""

    name: str  # as GraphQL shows it
    python_name: str
    spec: Spec
    definition: StrawberryField
    many: bool
    optional: bool
    target: type | None = None  # object, interface or enum class the field holds
    convert: Callable[[Any], object] | None = None

    members: tuple[tuple[str, Enum], ...] = ()  # a class value's (class IRI, member), in order

    def read(self, record: Record) -> object:
        """The value of a scalar field in ``record`` (unreadable values are left out)."""
        if self.members:
            return next((member for iri, member in self.members if iri in record.types), None)
        spec, convert = self.spec, self.convert
        assert isinstance(spec, Value) and convert is not None  # a class value's answered above
        path = spec.path
        if not self.many and not path.sequence and len(path.predicates) == 1:  # the common case, direct
            raw = record.values.get((path.predicates[0], path.inverse))
            if raw and len(raw) == 1:
                try:
                    return convert(raw[0])
                except (ValueError, KeyError):
                    return None
        found = []
        for value in record.along(path):
            try:
                found.append(convert(value))
            except (ValueError, KeyError):
                continue
        return found if self.many else (found[0] if found else None)


@dataclass
class TypeInfo:
    """A node type: its class, RDF classes, declared fields and what its record query loads."""

    cls: type
    name: str
    classes: tuple[str, ...]
    fields: dict[str, FieldInfo] = field(default_factory=dict)  # by GraphQL name
    values: list[FieldInfo] = field(default_factory=list)
    forward: tuple[str, ...] = ()
    inverse: tuple[str, ...] = ()
    sequences: tuple[Path, ...] = ()  # chained paths (read as one value each)
    orders: tuple[str, ...] = ()  # list-item links giving values' order as written
    paths: dict[str, Path] = field(default_factory=dict)  # scalar and link fields' paths, by Python name

    def path(self, python_name: str) -> Path:
        """The RDF path of a scalar or link field, by its Python name."""
        if not self.paths:
            self.paths.update(
                (f.python_name, f.spec.path)
                for f in self.fields.values()
                if isinstance(f.spec, (Value, Link)) and f.spec.path
            )
        if python_name not in self.paths:
            raise KeyError(f"{self.name}.{python_name} has no RDF path")
        return self.paths[python_name]

    def build(self, iri: str, record: Record) -> Any:
        """An object of this type over ``record``: its scalar fields are plain attributes, each
        read from the record the first time it is asked for (``_scalar``)."""
        obj: Any = object.__new__(self.cls)
        obj.__dict__.update(iri=iri, _record=record, _prefetched={})
        return obj


TYPES: dict[str, TypeInfo] = {}
_BY_CLASS: dict[type, TypeInfo] = {}
_SCALARS: dict[type, dict[str, FieldInfo]] = {}  # a node class's scalar fields, by Python name


def _scalar(obj: Any, name: str) -> Any:
    """A node object's scalar attribute not read yet: read from its record, and kept."""
    if name == "id":
        value: Any = encode_id(type(obj).__name__, obj.__dict__["iri"])
    else:
        field_info = _SCALARS.get(type(obj), {}).get(name)
        if field_info is None or "_record" not in obj.__dict__:
            raise AttributeError(name)
        value = field_info.read(obj.__dict__["_record"])
    obj.__dict__[name] = value
    return value


def info_of(cls: type) -> TypeInfo:
    return _BY_CLASS[cls]


def candidates(cls: type) -> tuple[TypeInfo, ...]:
    """The node types an object field of type ``cls`` (a node type or an interface) may hold."""
    found = _CANDIDATES.get(cls)
    if found is None:
        found = tuple(info for info in TYPES.values() if issubclass(info.cls, cls))
        if TYPES:  # read once the types are
            _CANDIDATES[cls] = found
    return found


_CANDIDATES: dict[type, tuple[TypeInfo, ...]] = {}


def resolve(types: Iterable[str], among: tuple[TypeInfo, ...]) -> TypeInfo | None:
    """The type of a node with these rdf:types: the first of ``among`` whose classes it has."""
    held = set(types)
    return next((info for info in among if held.intersection(info.classes)), None)


def unwrap(annotation: object) -> tuple[object, bool, bool]:
    """(inner type, is a list, is optional) of a strawberry field type."""
    optional = many = False
    if isinstance(annotation, StrawberryOptional):
        optional, annotation = True, annotation.of_type
    if isinstance(annotation, StrawberryList):
        many, annotation = True, annotation.of_type
        if isinstance(annotation, StrawberryOptional):
            annotation = annotation.of_type
    if isinstance(annotation, StrawberryEnumDefinition):
        annotation = annotation.wrapped_cls
    return annotation, many, optional


def connection_node(annotation: object) -> type:
    """The node class of a ``Connection[T]`` type."""
    definition = annotation.__strawberry_definition__  # type: ignore[attr-defined]  # strawberry adds __strawberry_definition__ at run time
    nodes = next(f for f in definition.fields if f.python_name == "nodes")
    return unwrap(nodes.type)[0]  # type: ignore[return-value]  # the nodes field of a Connection is a list of a node class


def _field_info(definition: StrawberryField, spec: Spec) -> FieldInfo:
    inner, many, optional = unwrap(definition.type)
    info = FieldInfo(
        definition.graphql_name or _camel(definition.python_name),
        definition.python_name,
        spec,
        definition,
        many,
        optional,
    )
    if isinstance(spec, Relation):
        info.target = connection_node(inner)
    elif isinstance(spec, Value):
        if isinstance(inner, type) and issubclass(inner, Enum):
            members = inner._value2member_map_
            info.convert = lambda raw: members[str(raw)]
        else:
            info.convert = CONVERTERS[inner]
        info.target = inner if isinstance(inner, type) else None
    elif isinstance(spec, ClassValue) and isinstance(inner, type) and issubclass(inner, Enum):
        info.target = inner
        info.members = tuple((member.value, member) for member in inner)
    elif isinstance(spec, Link) and isinstance(inner, type):
        info.target = inner
    else:
        raise TypeError(f"{definition.python_name}: a link holds objects, a class value an enum, not {inner}")
    return info


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def type_info(cls: type, classes: tuple[str, ...]) -> TypeInfo:
    info = TypeInfo(cls, cls.__strawberry_definition__.name, classes)  # type: ignore[attr-defined]  # strawberry adds __strawberry_definition__ at run time
    paths: list[Path] = []
    for definition in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]  # strawberry adds __strawberry_definition__ at run time
        spec = (definition.metadata or {}).get(SPEC)
        if spec is None:
            continue
        found = info.fields[definition.graphql_name or _camel(definition.python_name)] = _field_info(
            definition, spec
        )
        if isinstance(spec, (Value, ClassValue)):
            info.values.append(found)
        if isinstance(spec, (Value, Link)) and spec.path is not None:
            paths.append(spec.path)
    info.forward = tuple(
        dict.fromkeys(p for path in paths if not path.inverse and not path.sequence for p in path.predicates)
    )
    info.inverse = tuple(
        dict.fromkeys(p for path in paths if path.inverse and not path.sequence for p in path.predicates)
    )
    info.sequences = tuple(dict.fromkeys(path for path in paths if path.sequence))
    info.orders = tuple(dict.fromkeys(path.order for path in paths if path.order))
    return info


def finalise() -> None:
    """Read every declared node type's fields (once all types exist)."""
    for cls, classes in _DECLARED:
        if cls not in _BY_CLASS:
            info = type_info(cls, classes)
            TYPES[info.name] = _BY_CLASS[cls] = info
            _SCALARS[cls] = {f.python_name: f for f in info.values}


def declared() -> list[type]:
    return [cls for cls, _ in _DECLARED]
