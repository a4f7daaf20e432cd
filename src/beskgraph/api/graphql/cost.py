"""The cost of an operation: how many fields its response can hold at most.

Computed from the validated document and the variables, before anything runs:

- every field counts 1 (``__typename`` too);
- a connection's ``nodes`` and ``edges`` hold as many items as its page size: ``first``
  or ``last`` (a literal or a variable), else the default page size, never more than
  the maximum page size; each item costs what is selected on it;
- any other list is assumed to hold :data:`LIST_SIZE` items (a list of leaves counts
  that many fields); introspection lists too;
- a fragment costs what its selections cost wherever it is spread, and every spread
  and every inline fragment counts (an upper bound: a union member matches only one);
- each item of a joined list input (``minScore``: each adds a join to the field's query)
  counts :data:`JOIN_COST`, as a full page of rows would.

So ``municipalities(first: 100) { nodes { interventions(first: 100) { nodes { title } } } }``
costs 1 + (1 + 100 × (1 + (1 + 100 × 1))) = 10 202. Each fragment is costed once, in
dependency order (a selection set's cost is linear in the enclosing page size), so the
computation is linear in the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

from beskgraph.api.graphql.limits import DEFAULT_PAGE_SIZE, JOIN_COST, LIST_SIZE, MAX_PAGE_SIZE
from beskgraph.api.graphql.list_inputs import joined_items
from beskgraph.api.graphql.shape import fragment_map

PAGE_ARGUMENTS = ("first", "last")
ITEM_LISTS = ("nodes", "edges")  # the lists of a connection, one item per row of its page
META_FIELDS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef, "__typename": TypeNameMetaFieldDef}


@dataclass(frozen=True)
class Linear:
    """A selection set's cost: ``fixed + per_item × page size`` of the connection it is on."""

    fixed: int = 0
    per_item: int = 0

    def __add__(self, other: Linear) -> Linear:
        return Linear(self.fixed + other.fixed, self.per_item + other.per_item)

    def at(self, page: int) -> int:
        return self.fixed + self.per_item * page


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    fragment_order: tuple[str, ...],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> int:
    """The cost of ``operation`` of a validated ``document`` (see module doc)."""
    costing = _Costing(schema, operation, variables or {})
    fragments = fragment_map(document)
    for name in fragment_order:
        fragment = fragments[name]
        parent = schema.get_type(fragment.type_condition.name.value)
        if parent is not None:
            costing.fragments[name] = costing.selections(fragment.selection_set, parent)
    root = schema.get_root_type(operation.operation)
    return costing.selections(operation.selection_set, root).fixed if root else 0


class _Costing:
    def __init__(
        self, schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Mapping[str, Any]
    ) -> None:
        self.schema, self.variables = schema, variables
        self.defaults = {d.variable.name.value: d.default_value for d in operation.variable_definitions or ()}
        self.fragments: dict[str, Linear] = {}

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> Linear:
        """Recursive in nesting only; fragments are costed beforehand."""
        total = Linear()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, inner or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragments.get(selection.name.value, Linear())
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> Linear:
        definition = _definition(node.name.value, parent)
        if definition is None:  # not in a validated document
            return Linear(1)
        named = get_named_type(definition.type)
        joins = JOIN_COST * joined_items(tuple(node.arguments or ()), self.variables, self.defaults)
        return self.shaped(node, definition, parent, named) + Linear(joins)

    def shaped(
        self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType, named: GraphQLNamedType
    ) -> Linear:
        """What the field's response can hold."""
        inner = 0
        if node.selection_set:
            inner = self.selections(node.selection_set, named).at(self.page_size(node, named))
        if not is_list_type(get_nullable_type(definition.type)):
            return Linear(1 + inner)
        if _is_connection(parent) and node.name.value in ITEM_LISTS:
            return Linear(1, max(inner, 1))
        return Linear(LIST_SIZE if not node.selection_set else 1 + LIST_SIZE * inner)

    def page_size(self, node: FieldNode, named: GraphQLNamedType) -> int:
        """Rows of the page a connection field asks for (0 for other fields)."""
        if not _is_connection(named):
            return 0
        sizes = [self.integer(a.value) for a in node.arguments or () if a.name.value in PAGE_ARGUMENTS]
        given = [size for size in sizes if size is not None]
        return max(0, min(max(given) if given else DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))

    def integer(self, value: ValueNode | None) -> int | None:
        """An Int argument's value (None: not given); a value that is no int counts as the maximum."""
        if isinstance(value, VariableNode):
            name = value.name.value
            if name in self.variables:
                raw = self.variables[name]
                if raw is None:
                    return None
                return raw if isinstance(raw, int) and not isinstance(raw, bool) else MAX_PAGE_SIZE
            value = self.defaults.get(name)
        if value is None or isinstance(value, NullValueNode):
            return None
        return int(value.value) if isinstance(value, IntValueNode) else MAX_PAGE_SIZE


def _definition(name: str, parent: GraphQLNamedType) -> GraphQLField | None:
    if name in META_FIELDS:
        return META_FIELDS[name]
    fields = getattr(parent, "fields", None)
    return fields.get(name) if fields else None


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and "pageInfo" in named.fields
