"""Filters and orderings of the lists, turned into SPARQL listings.

Each listable type has one :class:`ListSpec`: its filter and order inputs and how they
become graph patterns and a sort key. Top-level lists and nested connections of a type
take the same arguments. Paths come from the types' field declarations.

A ``text`` filter is the search index's: a node is kept when it has every word of the text
(Danish stemming: ``samtaler`` finds ``samtale``) in a searchable field; the loader asks
the index which nodes those are (``Listing.text``). Ordering interventions by score names
the aggregate holding the same key (``SortKey.measure``). Other filters are plain joins on
``?s``, not ``FILTER EXISTS``: the listing queries select
DISTINCT nodes, so a node matched twice still counts once, and the engine can start
from the most selective pattern. With ``FILTER EXISTS`` pyoxigraph ran each filter
once per node of the class (2 s for a filtered page of 1 000 cards; 0.1 s as joins).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError

from beskgraph.api.graphql import inputs, types
from beskgraph.api.graphql.fields import Path
from beskgraph.api.graphql.ids import node_iri
from beskgraph.api.graphql.indexes import score_measure
from beskgraph.api.graphql.queries import (
    NO_NUMBER,
    RDF_TYPE,
    XSD,
    Listing,
    Minimum,
    SortKey,
    by_iri,
    contains,
    field_key,
    iri,
)
from beskgraph.api.graphql.queries import string as lit
from beskgraph.api.graphql.registry import TypeInfo, candidates, declared, info_of

TYPE_CLASSES = set(declared())


def _screaming(name: str) -> str:
    return "".join(f"_{c}" if c.isupper() and i else c for i, c in enumerate(name)).upper()


if TYPE_CHECKING:

    class NodeType(Enum):
        """One member per declared node type, its value the type's name (made below)."""

else:
    NodeType = strawberry.enum(
        Enum(
            "NodeType",
            {
                _screaming(cls.__name__): strawberry.enum_value(
                    cls.__name__, description=cls.__strawberry_definition__.description
                )
                for cls in declared()
            },
        ),
        description="A type of node, to filter lists of any node (`search`, `readFrom`, `citedBy`).",
    )


@strawberry.input(description="Which nodes to list.")
class NodeFilter:
    types: list[NodeType] | None = strawberry.field(default=None, description="Only nodes of these types.")


@dataclass(frozen=True)
class ListSpec:
    """How lists of one node type are filtered and ordered."""

    filter: type | None
    order: type | None
    patterns: Callable[[Any], list[str]]  # the filter's graph patterns on ?s
    sort: Callable[[Any], SortKey]  # the order's sort key
    default_order: Enum | None = None  # the order field when no order is given (None: by IRI)
    indexed_text: bool = True  # the filter's ``text`` is matched by the search index
    minimums: Callable[[Any], tuple[Minimum, ...]] = lambda f: ()  # filters on an aggregate's values


def _chain(cls: type, *names: str) -> str:
    """A SPARQL sequence path through declared fields of successive types."""
    info, parts = info_of(cls), []
    for name in names:
        parts.append(info.path(name).sparql)
        target = next(f.target for f in info.fields.values() if f.python_name == name)
        if target in TYPE_CLASSES:
            info = info_of(target)
    return "/".join(parts)


def _code(cls: type, path_names: tuple[str, ...], code: str | None) -> list[str]:
    """``?s`` reaches a municipality with this kommunekode along the path."""
    if not code:
        return []
    return [f"?s {_chain(cls, *path_names)} {lit(code.zfill(3))} ."]


def _one_of(path: str, members: Iterable[Enum] | None, var: str) -> list[str]:
    wanted = [m.value for m in members or ()]
    if not wanted:
        return []
    return [f"?s {path} ?{var} . VALUES ?{var} {{ {' '.join(iri(v) for v in wanted)} }}"]


def _class_kind(kinds: type[Enum], members: Iterable[Enum] | None) -> list[str]:
    """Nodes whose kind (the first of ``kinds``' classes the node has, as :func:`class_value`
    reads it) is one of ``members``: a municipality is also an org:Organization, but of kind
    MUNICIPALITY only."""
    wanted = set(members or ())
    if not wanted:
        return []
    order = list(kinds)
    branches = []
    for member in (m for m in order if m in wanted):
        earlier = " ".join(iri(m.value) for m in order[: order.index(member)])
        exclude = ""
        if earlier:
            exclude = f" FILTER NOT EXISTS {{ ?s <{RDF_TYPE}> ?_k . VALUES ?_k {{ {earlier} }} }}"
        branches.append(f"{{ ?s <{RDF_TYPE}> {iri(member.value)} .{exclude} }}")
    return [" UNION ".join(branches)]


def _node(value: str | None, cls: type, path: str) -> list[str]:
    if not value:
        return []
    return [f"?s {path} {iri(node_iri(value, cls.__name__))} ."]


def _between(path: str, low: Any, high: Any, var: str) -> list[str]:
    found = []
    for index, (bound, op) in enumerate(((low, ">="), (high, "<="))):
        if bound:
            found.append(
                f"?s {path} ?{var}{index} . FILTER(STR(?{var}{index}) {op} {lit(bound.isoformat())})"
            )
    return found


def _descending(order: Any) -> bool:
    return order is not None and order.direction is inputs.Direction.DESC


def _sorted_by(cls: type, numeric: tuple[str, ...] = ()) -> Callable[[Any], SortKey]:
    """Sort by the declared field an order names (its ``field`` value is the field's Python name),
    by IRI without an order."""

    def sort(order: Any) -> SortKey:
        name = cls.__name__
        if order is None:
            return by_iri(f"{name}.iri")
        field = order.field.value
        return field_key(
            info_of(cls).path(field),
            f"{name}.{field}",
            numeric=field in numeric,
            descending=_descending(order),
        )

    return sort


# ---------------------------------------------------------------------------
# Per type


def _municipalities(f: inputs.MunicipalityFilter | None) -> list[str]:
    if f is None:
        return []
    region = (
        [f"?s {_chain(types.Municipality, 'region', 'name')} ?_r . {contains('_r', f.region)}"]
        if f.region
        else []
    )
    return region


def _interventions(f: inputs.InterventionFilter | None) -> list[str]:
    if f is None:
        return []
    cls = types.Intervention
    found = _code(cls, ("municipality", "code"), f.municipality)
    found += _node(f.target_group, types.TargetGroup, _chain(cls, "target_groups"))
    return found + _node(
        f.legal_provision, types.LegalProvision, _chain(cls, "target_groups", "legal_provision")
    )


def _min_scores(f: inputs.InterventionFilter | None) -> tuple[Minimum, ...]:
    """Published scores at least these: the aggregate holding each score checks them as well."""
    return tuple(_min_score(index, minimum) for index, minimum in enumerate(f.min_score or ())) if f else ()


def _min_score(index: int, minimum: inputs.MinScore) -> Minimum:
    tests = _chain(types.Intervention, "tests")
    kind, score = _chain(types.TestResult, "test_kind"), _chain(types.TestResult, "score")
    value = f'"{float(minimum.score)!r}"^^<{XSD}double>'
    pattern = (
        f"?s {tests} ?_t{index} . ?_t{index} {kind} {iri(minimum.test_kind.value)} ; "
        f"{score} ?_s{index} . FILTER(?_s{index} >= {value})"
    )
    measure = score_measure(minimum.test_kind.value)
    assert measure is not None  # each test kind's score has its aggregate (``aggregates.measures``)
    return Minimum(measure, float(minimum.score), pattern)


def _intervention_sort(order: inputs.InterventionOrder | None) -> SortKey:
    if order is None:
        return by_iri("Intervention.iri")
    if order.field is not inputs.InterventionOrderField.SCORE:
        return _sorted_by(types.Intervention)(order)
    tests = _chain(types.Intervention, "tests")
    kind, score = _chain(types.TestResult, "test_kind"), _chain(types.TestResult, "score")
    pattern = (
        f"OPTIONAL {{ ?s {tests} ?_t . ?_t {kind} {iri(order.test_kind.value)} ; {score} ?_v }} "
        f"BIND(COALESCE(?_v, {NO_NUMBER}) AS ?k)"
    )
    return SortKey(
        pattern,
        f"Intervention.score.{order.test_kind.name}",
        _descending(order),
        score_measure(order.test_kind.value),
    )


def _criteria(f: inputs.CriterionFilter | None) -> list[str]:
    if f is None:
        return []
    kind = [f"?s {_chain(types.Criterion, 'test_kind')} {iri(f.test_kind.value)} ."] if f.test_kind else []
    return kind


def _assessments(f: inputs.AssessmentFilter | None) -> list[str]:
    if f is None:
        return []
    cls = types.Assessment
    found = _one_of(_chain(cls, "answer"), f.answer, "_a")
    if f.test_kind:
        found.append(f"?s {_chain(cls, 'test_result', 'test_kind')} {iri(f.test_kind.value)} .")
    found += _node(f.criterion, types.Criterion, _chain(cls, "criterion"))
    found += _code(cls, ("intervention", "municipality", "code"), f.municipality)
    if f.inferred is not None:
        found.append(f"?s {_chain(cls, 'inferred')} {'true' if f.inferred else 'false'} .")
    return found


def _letters(f: inputs.LetterFilter | None) -> list[str]:
    if f is None:
        return []
    cls = types.Letter
    found = _code(cls, ("municipality", "code"), f.municipality)
    if f.mentions:
        found.append(
            f"?s {_chain(cls, 'mentions')}/{_chain(types.Municipality, 'code')} {lit(f.mentions.zfill(3))} ."
        )
    found += _between(_chain(cls, "date"), f.date_from, f.date_to, "_d")
    if f.sender:
        found.append(f"?s {_chain(cls, 'sender')}/{_name_path()} ?_n . {contains('_n', f.sender)}")
    if f.referred_only is not None:
        found.append(f"?s {_chain(cls, 'referred_only')} {'true' if f.referred_only else 'false'} .")
    return found


def _name_path() -> str:
    """Any party's name, whatever its type names it by."""
    names = {p for info in candidates(types.Party) for p in info.path("name").predicates}
    return "(" + "|".join(f"<{p}>" for p in sorted(names)) + ")"


def _commitments(f: inputs.CommitmentFilter | None) -> list[str]:
    if f is None:
        return []
    cls = types.Commitment
    found = _code(cls, ("municipality", "code"), f.municipality)
    found += _node(f.letter, types.Letter, _chain(cls, "letter"))
    return found + _between(_chain(cls, "deadline"), f.deadline_from, f.deadline_to, "_d")


def _initiatives(f: inputs.InitiativeFilter | None) -> list[str]:
    if f is None:
        return []
    cls = types.Initiative
    found = _code(cls, ("municipality", "code"), f.municipality)
    return found + _node(f.letter, types.Letter, _chain(cls, "letter"))


def _parties(f: inputs.PartyFilter | None) -> list[str]:
    if f is None:
        return []
    found = _class_kind(inputs.PartyKind, f.party_kind)
    if f.name:
        found.append(f"?s {_name_path()} ?_n . {contains('_n', f.name)}")
    if f.municipality:
        code = _chain(types.Municipality, "code")
        found.append(
            f"?s ({_chain(types.Person, 'municipality')}|{_chain(types.Post, 'municipality')})?/{code} "
            f"{lit(f.municipality.zfill(3))} ."
        )
    return found


def _party_sort(order: inputs.PartyOrder | None) -> SortKey:
    names = sorted({p for info in candidates(types.Party) for p in info.path("name").predicates})
    return field_key(Path(tuple(names)), "Party.name", descending=_descending(order))


def _target_groups(f: inputs.TargetGroupFilter | None) -> list[str]:
    if f is None:
        return []
    return _one_of(_chain(types.TargetGroup, "target_group_kind"), f.target_group_kind, "_kind")


def _documents(f: inputs.DocumentFilter | None) -> list[str]:
    if f is None:
        return []
    cls = types.Document
    return _one_of(_chain(cls, "status"), f.status, "_status") + _one_of(
        _chain(cls, "document_kind"), f.document_kind, "_kind"
    )


def _mentions(f: inputs.MentionFilter | None) -> list[str]:
    """A mention's text is its surface form, a name as written: matched as a part of it."""
    if f is None or not f.text:
        return []
    return [f"?s {_chain(types.Mention, 'surface_form')} ?_n . {contains('_n', f.text)}"]


def _no_patterns(f: Any) -> list[str]:
    return []  # only a text (see listing()), or, for nodes, types: the listing's classes


LISTS: dict[type, ListSpec] = {
    types.Municipality: ListSpec(
        inputs.MunicipalityFilter,
        inputs.MunicipalityOrder,
        _municipalities,
        _sorted_by(types.Municipality),
        inputs.MunicipalityOrderField.CODE,
    ),
    types.Region: ListSpec(
        inputs.RegionFilter,
        inputs.RegionOrder,
        _no_patterns,
        _sorted_by(types.Region),
        inputs.RegionOrderField.NAME,
    ),
    types.Intervention: ListSpec(
        inputs.InterventionFilter,
        inputs.InterventionOrder,
        _interventions,
        _intervention_sort,
        inputs.InterventionOrderField.TITLE,
        minimums=_min_scores,
    ),
    types.Criterion: ListSpec(
        inputs.CriterionFilter,
        inputs.CriterionOrder,
        _criteria,
        _sorted_by(types.Criterion),
        inputs.CriterionOrderField.STATEMENT,
    ),
    types.Assessment: ListSpec(
        inputs.AssessmentFilter,
        inputs.AssessmentOrder,
        _assessments,
        _sorted_by(types.Assessment, numeric=("position",)),
    ),
    types.Letter: ListSpec(
        inputs.LetterFilter,
        inputs.LetterOrder,
        _letters,
        _sorted_by(types.Letter),
        inputs.LetterOrderField.DATE,
    ),
    types.Commitment: ListSpec(
        inputs.CommitmentFilter,
        inputs.CommitmentOrder,
        _commitments,
        _sorted_by(types.Commitment),
        inputs.CommitmentOrderField.DEADLINE,
    ),
    types.Initiative: ListSpec(
        inputs.InitiativeFilter,
        inputs.InitiativeOrder,
        _initiatives,
        _sorted_by(types.Initiative, numeric=("position",)),
        inputs.InitiativeOrderField.TITLE,
    ),
    types.Party: ListSpec(inputs.PartyFilter, inputs.PartyOrder, _parties, _party_sort),
    types.TargetGroup: ListSpec(
        inputs.TargetGroupFilter,
        inputs.TargetGroupOrder,
        _target_groups,
        _sorted_by(types.TargetGroup),
        inputs.TargetGroupOrderField.LABEL,
    ),
    types.LegalProvision: ListSpec(
        inputs.LegalProvisionFilter,
        inputs.LegalProvisionOrder,
        _no_patterns,
        _sorted_by(types.LegalProvision),
        inputs.LegalProvisionOrderField.CITATION,
    ),
    types.Document: ListSpec(
        inputs.DocumentFilter,
        inputs.DocumentOrder,
        _documents,
        _sorted_by(types.Document),
        inputs.DocumentOrderField.NAME,
    ),
    types.Mention: ListSpec(
        inputs.MentionFilter,
        inputs.MentionOrder,
        _mentions,
        _sorted_by(types.Mention),
        inputs.MentionOrderField.SURFACE_FORM,
        indexed_text=False,
    ),
    types.Node: ListSpec(NodeFilter, None, _no_patterns, lambda order: by_iri("Node.iri")),
}


def _classes(infos: Iterable[TypeInfo]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for info in infos for c in info.classes))


def listing(cls: type, filter: Any, order: Any, default: Enum | None = None) -> Listing:
    """The listing of nodes of ``cls`` (a type or an interface) a filter and order ask for."""
    spec = LISTS[cls]
    among = candidates(cls)
    if isinstance(filter, NodeFilter) and filter.types:
        wanted = {member.value for member in filter.types}
        among = tuple(info for info in among if info.name in wanted)
    default = default or spec.default_order
    if order is None and default is not None and spec.order is not None:
        order = spec.order(field=default)
    text = getattr(filter, "text", None) if spec.indexed_text else None
    return Listing(
        _classes(among) or NONE,
        tuple(spec.patterns(filter)),
        spec.sort(order),
        text if text and text.strip() else None,
        minimums=spec.minimums(filter),
    )


NONE = ("urn:beskgraph:none",)  # the class of a listing that can have no node


def search(text: str, types_wanted: list[NodeType] | None) -> Listing:
    """Nodes of these types (every type when None) matching ``text``, in the search index's
    ranking, best first. The ordering's name is the query's own, so a cursor of one search is
    refused by another."""
    if not text.strip():
        raise GraphQLError("give a text to search for (it is empty)", extensions={"code": "BAD_USER_INPUT"})
    wanted = {member.value for member in types_wanted or ()}
    classes = _classes(info for info in candidates(types.Node) if not wanted or info.name in wanted) or NONE
    digest = hashlib.sha256("\n".join((text, *classes)).encode()).hexdigest()[:16]
    return Listing(classes, (), SortKey("", f"relevance.{digest}", descending=True), text, ranked=True)
