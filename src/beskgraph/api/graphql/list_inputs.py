"""The length of list inputs: every list an argument takes, written in the document or
given in the variables, and the joins such lists add to the generated SPARQL.

Each item of a list input goes into the SPARQL a request runs, and an item of a joined
list (``minScore``) adds a join and a FILTER: the embedded engine's time grows much
faster than the items (40 took 0.6 s, 80 past 10 s, 400 minutes; 5 000 crashed it), and
a store query cannot be interrupted. So a list longer than :data:`MAX_LIST_ITEMS`
(:data:`MAX_JOINED_ITEMS` for a joined list) is refused before anything runs, with
``BAD_USER_INPUT`` naming the argument and the limit; :func:`joined_items` tells the
cost model how many joins a field's arguments add.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    ValueNode,
    VariableNode,
    Visitor,
    visit,
)

from beskgraph.api.graphql.finite import BAD_USER_INPUT
from beskgraph.api.graphql.limits import JOINED_LISTS, MAX_JOINED_ITEMS, MAX_LIST_ITEMS, limit_error


def list_limit(name: str) -> int:
    """The most items a list input called ``name`` may hold."""
    return MAX_JOINED_ITEMS if name in JOINED_LISTS else MAX_LIST_ITEMS


def document_list_errors(document: DocumentNode) -> list[GraphQLError]:
    """Lists written in the document (arguments, variables' default values) past their limit."""
    places = _Places()
    visit(document, places)
    used = _uses(places)
    written = [*places.arguments]
    for name, value in places.defaults:
        owner, place = used.get(name, ("the operation", f"${name}"))
        written.append((f"{owner}, the default value of ${name}", place, value))
    errors: list[GraphQLError] = []
    for owner, place, value in written:
        for path, node in _walk(value, place):
            if isinstance(node, ListValueNode):
                errors.extend(_too_long(path, owner, len(node.values)))
    return errors[:10]


def variable_list_errors(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
) -> list[GraphQLError]:
    """Lists in the variables past their limit, each named by the argument it is given to."""
    places = _Places()
    visit(document, places)
    used = _uses(places)
    errors: list[GraphQLError] = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if variables is None or name not in variables:
            continue
        owner, place = used.get(name, ("the operation", f"${name}"))
        for path, length in _json_lists(variables[name], place):
            errors.extend(_too_long(path, f"{owner}, given in ${name}", length))
    return errors[:10]


def joined_items(
    arguments: tuple[ArgumentNode, ...],
    variables: Mapping[str, Any],
    defaults: Mapping[str, ValueNode | None],
) -> int:
    """Items of the joined lists in a field's arguments (each adds a join to its query)."""
    count = 0
    todo: list[tuple[str, Any]] = [(a.name.value, a.value) for a in arguments]
    while todo:
        name, value = todo.pop()
        if isinstance(value, VariableNode):
            key = value.name.value
            value = variables[key] if key in variables else defaults.get(key)
        if isinstance(value, ListValueNode):
            value = list(value.values)
        if isinstance(value, ObjectValueNode):
            todo.extend((f.name.value, f.value) for f in value.fields)
        elif isinstance(value, dict):
            todo.extend(value.items())
        elif isinstance(value, list):
            count += len(value) if name in JOINED_LISTS else 0
            todo.extend((name, item) for item in value if isinstance(item, (dict, ObjectValueNode)))
    return count


def _too_long(path: str, owner: str, length: int) -> list[GraphQLError]:
    limit = list_limit(path.rsplit(".", 1)[-1])
    if length <= limit:
        return []
    return [
        limit_error(
            BAD_USER_INPUT,
            f"the list `{path}` ({owner}) holds {length} items; at most {limit} are allowed",
            limit=limit,
            actual=length,
        )
    ]


class _Places(Visitor):
    """Every argument value of a document, (whose, path, value), and every variable default."""

    def __init__(self) -> None:
        super().__init__()
        self.arguments: list[tuple[str, str, ValueNode]] = []
        self.defaults: list[tuple[str, ValueNode]] = []

    def enter_argument(self, node: ArgumentNode, _key: Any, _parent: Any, _path: Any, ancestors: Any) -> None:
        owner = ancestors[-1]  # the field or directive (the parent is its tuple of arguments)
        kind = "field" if isinstance(owner, FieldNode) else "directive"
        whose = f"an argument of the {kind} `{owner.name.value}`"
        self.arguments.append((whose, node.name.value, node.value))

    def enter_variable_definition(self, node: Any, *_args: Any) -> None:
        if node.default_value is not None:
            self.defaults.append((node.variable.name.value, node.default_value))


def _uses(places: _Places) -> dict[str, tuple[str, str]]:
    """For each variable, the (first) argument it is given to: (whose, path)."""
    used: dict[str, tuple[str, str]] = {}
    for owner, place, value in places.arguments:
        for path, node in _walk(value, place):
            if isinstance(node, VariableNode):
                used.setdefault(node.name.value, (owner, path))
    return used


def _walk(value: ValueNode, path: str) -> Iterator[tuple[str, ValueNode]]:
    """Every node of a written value, with its path (``filter.minScore``); iterative."""
    todo = [(path, value)]
    while todo:
        where, node = todo.pop()
        yield where, node
        if isinstance(node, ListValueNode):
            todo.extend((where, item) for item in node.values)
        elif isinstance(node, ObjectValueNode):
            todo.extend((f"{where}.{f.name.value}", f.value) for f in node.fields)


def _json_lists(value: Any, path: str) -> Iterator[tuple[str, int]]:
    """The lists in decoded JSON, each with its path and length (iterative: any depth)."""
    todo = [(path, value)]
    while todo:
        where, item = todo.pop()
        if isinstance(item, list):
            yield where, len(item)
            todo.extend((where, inner) for inner in item if isinstance(inner, (list, dict)))
        elif isinstance(item, dict):
            todo.extend((f"{where}.{key}", inner) for key, inner in item.items())
