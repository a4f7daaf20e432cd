"""Filters and orderings of the GraphQL lists, turned into SPARQL listings.

Filters are plain joins on ``?s``, not ``FILTER EXISTS``: the listing queries select
DISTINCT nodes, so a node matched twice still counts once, and the engine can start
from the most selective pattern. With ``FILTER EXISTS`` pyoxigraph ran each filter
once per node of the class (2 s for a filtered page of 1 000 cards; 0.1 s as joins).
"""

from __future__ import annotations

from beskgraph.api.graphql import inputs
from beskgraph.api.graphql.ids import node_iri
from beskgraph.api.graphql.mapping import ENTITIES, TEST_KIND_IRIS, XSD
from beskgraph.api.graphql.queries import (
    BY_IRI,
    Listing,
    SortKey,
    contains,
    field_key,
    iri,
    score_key,
    text_pattern,
)
from beskgraph.api.graphql.queries import string as lit

MUNICIPALITY = ENTITIES["Municipality"]
INTERVENTION = ENTITIES["Intervention"]
TEST_RESULT = ENTITIES["TestResult"]
CRITERION = ENTITIES["Criterion"]
LETTER = ENTITIES["Letter"]


def _path(type_name: str, *fields: str) -> str:
    """A SPARQL sequence path through fields of successive types."""
    entity, parts = ENTITIES[type_name], []
    for name in fields:
        prop = entity.prop(name)
        parts.append(prop.sparql_path)
        if prop.node in ENTITIES:
            entity = ENTITIES[prop.node]
    return "/".join(parts)


def _descending(direction: inputs.Direction) -> bool:
    return direction is inputs.Direction.DESC


def municipalities(
    filter: inputs.MunicipalityFilter | None, order: inputs.MunicipalityOrder | None
) -> Listing:
    patterns = []
    if filter and filter.region:
        region = _path("Municipality", "region", "name")
        patterns.append(f"?s {region} ?_r . {contains('_r', filter.region)}")
    if filter and filter.text:
        patterns.append(text_pattern(MUNICIPALITY, filter.text))
    order = order or inputs.MunicipalityOrder(field=inputs.MunicipalityOrderField.CODE)
    sort = field_key(MUNICIPALITY, order.field.value, descending=_descending(order.direction))
    return Listing(MUNICIPALITY, tuple(patterns), sort)


def interventions(
    filter: inputs.InterventionFilter | None, order: inputs.InterventionOrder | None
) -> Listing:
    patterns = []
    if filter:
        if filter.municipality:
            code = _path("Intervention", "municipality", "code")
            patterns.append(f"?s {code} {lit(filter.municipality)} .")
        if filter.target_group:
            group = iri(node_iri(filter.target_group, "TargetGroup"))
            patterns.append(f"?s {_path('Intervention', 'targetGroups')} {group} .")
        if filter.legal_provision:
            provision = iri(node_iri(filter.legal_provision, "LegalProvision"))
            path = _path("Intervention", "targetGroups", "legalProvision")
            patterns.append(f"?s {path} {provision} .")
        for index, minimum in enumerate(filter.min_score or ()):
            patterns.append(_min_score(index, minimum))
        if filter.text:
            patterns.append(text_pattern(INTERVENTION, filter.text))
    if order is None:
        return Listing(INTERVENTION, tuple(patterns), BY_IRI)
    descending = _descending(order.direction)
    if order.field is inputs.InterventionOrderField.SCORE:
        sort = score_key(TEST_KIND_IRIS[order.test_kind.value], descending=descending)
    else:
        sort = field_key(INTERVENTION, "title", descending=descending)
    return Listing(INTERVENTION, tuple(patterns), sort)


def _min_score(index: int, minimum: inputs.MinScore) -> str:
    kind = iri(TEST_KIND_IRIS[minimum.test_kind.value])
    tests = _path("Intervention", "tests")
    kind_path, score_path = _path("TestResult", "kind"), _path("TestResult", "score")
    value = f'"{float(minimum.score)!r}"^^<{XSD}double>'
    return (
        f"?s {tests} ?_t{index} . ?_t{index} {kind_path} {kind} ; "
        f"{score_path} ?_s{index} . FILTER(?_s{index} >= {value})"
    )


def criteria(filter: inputs.CriterionFilter | None, order: inputs.CriterionOrder | None) -> Listing:
    patterns = []
    if filter and filter.test_kind:
        kind = iri(TEST_KIND_IRIS[filter.test_kind.value])
        patterns.append(f"?s {_path('Criterion', 'testKind')} {kind} .")
    if filter and filter.text:
        patterns.append(text_pattern(CRITERION, filter.text))
    sort = BY_IRI
    if order:
        sort = field_key(CRITERION, order.field.value, descending=_descending(order.direction))
    return Listing(CRITERION, tuple(patterns), sort)


def letters(filter: inputs.LetterFilter | None, order: inputs.LetterOrder | None) -> Listing:
    patterns = []
    if filter:
        if filter.municipality:
            code = lit(filter.municipality)
            about = _path("Letter", "municipality", "code")
            mentions = f"{_path('Letter', 'mentions')}/{_path('Municipality', 'code')}"
            patterns.append(f"?s {about}|{mentions} {code} .")
        date = _path("Letter", "date")
        for index, (bound, op) in enumerate(((filter.date_from, ">="), (filter.date_to, "<="))):
            if bound:
                check = f"FILTER(STR(?_d{index}) {op} {lit(bound.isoformat())})"
                patterns.append(f"?s {date} ?_d{index} . {check}")
        if filter.sender:
            sender = _path("Letter", "sender", "name")
            patterns.append(f"?s {sender} ?_n . {contains('_n', filter.sender)}")
        if filter.text:
            patterns.append(text_pattern(LETTER, filter.text))
    sort = BY_IRI
    if order:
        sort = field_key(LETTER, order.field.value, descending=_descending(order.direction))
    return Listing(LETTER, tuple(patterns), sort)


def by_field(type_name: str, field: str | None = None, *, numeric: bool = False) -> Listing:
    """All nodes of a type, by one field (or by IRI)."""
    entity = ENTITIES[type_name]
    sort: SortKey = field_key(entity, field, numeric=numeric) if field else BY_IRI
    return Listing(entity, (), sort)
