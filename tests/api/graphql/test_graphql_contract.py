"""The GraphQL contract: the committed schema, descriptions everywhere, one type per field name,
and the declarations held to the shapes (nullability) and the ontology (terms, descriptions)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from beskgraph.api.graphql.fields import ClassValue, Link, Value, class_value
from beskgraph.api.graphql.ontology import comment
from beskgraph.api.graphql.registry import TYPES, TypeInfo, candidates, type_info
from beskgraph.api.graphql.schema import schema
from beskgraph.api.graphql.sdl import printed
from beskgraph.config import ONTOLOGY_DIR, SHAPES_DIR
from tests.support.paths import ROOT

GRAPHQL = schema._schema
BG = "https://w3id.org/beskgraph/ontology#"
STANDARD_VOCABULARIES = (
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/2004/02/skos/core#",
    "https://schema.org/",
    "http://www.w3.org/ns/oa#",
    "http://data.europa.eu/eli/ontology#",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/org#",
)


def _graph(folder) -> Graph:
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _graph(SHAPES_DIR)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _graph(ONTOLOGY_DIR)


def _named_types() -> list:
    return [t for name, t in sorted(GRAPHQL.type_map.items()) if not name.startswith("__")]


# ---------------------------------------------------------------------------
# The committed schema


def test_the_printed_schema_is_the_committed_one() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert printed() == committed, (
        "the schema changed: if on purpose, run `python -m beskgraph.api.graphql.sdl > schema.graphql` "
        "and list any breaking change in CHANGELOG.md"
    )


def test_the_changelog_names_the_renamed_fields() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    for renamed in ("testKind", "partyKind", "targetGroupKind", "documentKind", "organisationRequirements"):
        assert renamed in changelog


# ---------------------------------------------------------------------------
# Documented


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = []
    for named in _named_types():
        if not named.description:
            missing.append(named.name)
        if isinstance(named, GraphQLEnumType):
            missing += [f"{named.name}.{v}" for v, value in named.values.items() if not value.description]
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for name, field in named.fields.items():
                if not field.description:
                    missing.append(f"{named.name}.{name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{named.name}.{name}({arg_name})")
    assert missing == []


def test_undescribed_declarations_take_the_ontology_comment(ontology: Graph) -> None:
    """A bg: term a field is declared over is in the ontology, with an English comment; a field that
    gives no description of its own shows that comment."""
    checked = 0
    for info in TYPES.values():
        for field in info.fields.values():
            path = getattr(field.spec, "path", None)
            if path is None or path.sequence:
                continue
            for predicate in path.predicates:
                if predicate.startswith(BG):
                    declared = {
                        (URIRef(predicate), RDF.type, OWL.ObjectProperty),
                        (URIRef(predicate), RDF.type, OWL.DatatypeProperty),
                    }
                    assert any(t in ontology for t in declared), (
                        f"{predicate} is not declared in the ontology"
                    )
                    assert comment(predicate), f"{predicate} has no rdfs:comment@en"
                else:
                    assert predicate.startswith(STANDARD_VOCABULARIES), predicate
            described = GRAPHQL.type_map[info.name].fields[field.name].description
            if (
                not path.inverse
                and comment(path.predicates[0])
                and field.definition.description == comment(path.predicates[0])
            ):
                assert described == comment(path.predicates[0])
                checked += 1
    assert checked >= 30


def test_a_field_whose_type_cannot_be_read_is_refused_by_name() -> None:
    """A class value is of an enum (its members are the classes); any other type is refused when
    the node type's fields are read, naming the field."""

    @strawberry.type
    class Misdeclared:
        kind: str = class_value("Its kind.")

    with pytest.raises(
        TypeError, match=r"^kind: a link holds objects, a class value an enum, not <class 'str'>$"
    ):
        type_info(Misdeclared, ())


# ---------------------------------------------------------------------------
# One name, one type


def _shape_of(graphql_type) -> str:
    """A field's type without its nullability: the named type and where lists are."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _shape_of(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return f"[{_shape_of(graphql_type.of_type)}]"
    return graphql_type.name


def test_a_field_name_means_one_type_wherever_a_node_may_be() -> None:
    """Any node type may be where a ``Node`` is (``node(id:)``), so a fragment on several of them may
    ask for the same name: it must be the same type (nullability aside: non-null where the shapes
    are sure)."""
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for info in TYPES.values():
        for name, field in GRAPHQL.type_map[info.name].fields.items():
            seen[name][_shape_of(field.type)].append(info.name)
    conflicts = {name: dict(shapes) for name, shapes in seen.items() if len(shapes) > 1}
    assert conflicts == {}
    assert {"testKind", "partyKind", "targetGroupKind", "documentKind"} <= set(seen)
    assert "kind" not in seen


def test_a_node_has_one_type_and_parties_are_an_interface() -> None:
    party = GRAPHQL.type_map["Party"]
    assert isinstance(party, GraphQLInterfaceType)
    implementations = {t.name for t in GRAPHQL.get_implementations(party).objects}
    assert implementations == {"Municipality", "Organisation", "Post", "Person"}
    assert {info.name for info in candidates(TYPES["Municipality"].cls)} == {"Municipality"}
    every_class = [c for info in TYPES.values() for c in info.classes]
    assert len(every_class) == len(set(every_class)), "a class belongs to two types"


# ---------------------------------------------------------------------------
# Held to the shapes


def _required(shapes: Graph) -> dict[tuple[str, str, bool], bool]:
    """(class, predicate, inverse) -> whether a violation-severity shape requires a value (one
    allowing values of alternative classes, ``sh:or``, requires none of each)."""
    found: dict[tuple[str, str, bool], bool] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        if (shape, SH.severity, SH.Warning) in shapes:
            continue
        for prop in shapes.objects(shape, SH.property):
            if (prop, SH.severity, SH.Warning) in shapes:
                continue
            path = shapes.value(prop, SH.path)
            inverse = shapes.value(path, SH.inversePath)
            key = (str(cls), str(inverse if inverse is not None else path), inverse is not None)
            minimum = shapes.value(prop, SH.minCount)
            either = (prop, SH["or"], None) in shapes
            found[key] = found.get(key, False) or (minimum is not None and int(minimum) >= 1 and not either)
    return found


def _targets_what_is_required(shapes: Graph, info: TypeInfo, path: Any, target: type) -> bool:
    """Whether the field's type is the class the shapes require along its path (or the shapes
    name no class there)."""
    wanted = {
        str(c)
        for cls in info.classes
        for shape in shapes.subjects(SH.targetClass, URIRef(cls))
        for prop in shapes.objects(shape, SH.property)
        if str(shapes.value(prop, SH.path)) in path.predicates
        for c in shapes.objects(prop, SH["class"])
    }
    return not wanted or any(wanted & set(found.classes) for found in candidates(target))


def _nullability_cases() -> list[tuple[TypeInfo, str]]:
    cases = []
    for info in TYPES.values():
        for name, field in info.fields.items():
            spec = field.spec
            if field.many or isinstance(spec, ClassValue):
                continue
            if isinstance(spec, Value) and spec.path.sequence:
                continue
            if isinstance(spec, Link) and (spec.path is None or spec.path.sequence or spec.where):
                continue
            if isinstance(spec, (Value, Link)):
                cases.append((info, name))
    return cases


def test_non_null_exactly_where_the_shapes_require_a_value(shapes: Graph) -> None:
    required = _required(shapes)
    wrong = []
    for info, name in _nullability_cases():
        field = info.fields[name]
        path = field.spec.path
        needed = any(required.get((cls, p, path.inverse)) for cls in info.classes for p in path.predicates)
        if isinstance(field.spec, Link) and len(candidates(field.target)) > 1:
            needed = False  # a node of a type told at run time may be of none of the field's types
        if isinstance(field.spec, Link) and not _targets_what_is_required(shapes, info, path, field.target):
            needed = False  # e.g. a post's municipality: the post is in an organisation, maybe not one
        if needed == field.optional:
            wrong.append(
                f"{info.name}.{name}: {'nullable' if field.optional else 'non-null'}, "
                f"shapes {'require' if needed else 'do not require'} a value"
            )
    assert wrong == []


def test_every_shape_property_of_an_exposed_class_has_a_field(shapes: Graph) -> None:
    by_class = {cls: info for info in TYPES.values() for cls in info.classes}
    checked = 0
    for shape, cls in shapes.subject_objects(SH.targetClass):
        info = by_class.get(str(cls))
        if info is None:
            continue
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            inverse = shapes.value(path, SH.inversePath)
            predicate, backwards = (str(inverse), True) if inverse is not None else (str(path), False)
            fields = [
                name
                for name, f in info.fields.items()
                if getattr(f.spec, "path", None)
                and predicate in f.spec.path.predicates
                and f.spec.path.inverse == backwards
            ]
            relations = [
                name
                for name, f in info.fields.items()
                if getattr(f.spec, "path", None) is not None
                and not isinstance(f.spec, (Value, Link))
                and predicate in f.spec.path.predicates
            ]
            if predicate == str(RDFS.label) and not fields:
                continue
            assert fields or relations, (
                f"{info.name}: shape property {predicate} (inverse={backwards}) has no field"
            )
            checked += 1
    assert checked >= 40
