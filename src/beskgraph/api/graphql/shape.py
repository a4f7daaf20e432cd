"""The shape of a parsed document, measured in time linear in its text.

Each fragment is measured once, in dependency order, and a spread adds the measures
of its fragment: a document whose fragments spread each other twice over (2^22
copies in 1 KB) is measured as fast as it is read and refused for what it expands to.
Only a document within :data:`MAX_FIELDS` is ever expanded (to count overlaps).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TokenKind,
)

from beskgraph.api.graphql.limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FIELDS,
    MAX_OVERLAPS,
    limit_error,
)

CAP = 10**9  # counts saturate here: a measure past every limit needs no exact value
OPENING = {TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L}
CLOSING = {TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R}
STRINGS = {TokenKind.STRING, TokenKind.BLOCK_STRING}
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


@dataclass(frozen=True)
class Shape:
    """Measures of a selection set with its fragments inlined."""

    fields: int = 0  # field selections, each copy counted
    aliases: int = 0
    depth: int = 0  # levels of nested fields

    def __add__(self, other: Shape) -> Shape:
        return Shape(
            min(self.fields + other.fields, CAP),
            min(self.aliases + other.aliases, CAP),
            max(self.depth, other.depth),
        )


def token_measures(document: DocumentNode) -> tuple[int, int, int]:
    """Tokens of a parsed document (comments too), the most brackets open at once, and the
    characters of its longest string (a literal argument or a default value)."""
    count = depth = deepest = longest = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        count += 1
        if token.kind in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind in CLOSING:
            depth -= 1
        elif token.kind in STRINGS:
            longest = max(longest, len(token.value or ""))
        token = token.next
    return count, deepest, longest


def fragment_order(document: DocumentNode) -> tuple[list[str], list[GraphQLError]]:
    """Fragment names, each after those it spreads; errors for cycles and unused fragments."""
    fragments = fragment_map(document)
    needs = {name: set(spreads(f.selection_set)) & fragments.keys() for name, f in fragments.items()}
    users: dict[str, list[str]] = defaultdict(list)
    for name, needed in needs.items():
        for other in needed:
            users[other].append(name)
    waiting = {name: len(needed) for name, needed in needs.items()}
    ready = deque(sorted(name for name, count in waiting.items() if count == 0))
    order: list[str] = []
    while ready:
        name = ready.popleft()
        order.append(name)
        for user in users[name]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    errors = []
    cyclic = sorted(set(fragments) - set(order))
    if cyclic:
        errors.append(
            limit_error(VALIDATION_FAILED, "fragments spread themselves (a cycle): " + ", ".join(cyclic[:10]))
        )
    used = _reachable(document, needs)
    unused = [name for name in fragments if name not in used]
    if unused:
        errors.append(limit_error(VALIDATION_FAILED, "fragments never used: " + ", ".join(unused[:10])))
    return order, errors


def _reachable(document: DocumentNode, needs: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [name for op in operations(document) for name in spreads(op.selection_set) if name in needs]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(needs[name] - seen)
    return seen


def shape_errors(document: DocumentNode, order: list[str]) -> list[GraphQLError]:
    """Depth, aliases, fields and overlaps of each operation against their limits."""
    fragments = fragment_map(document)
    memo: dict[str, Shape] = {}
    for name in order:
        memo[name] = _shape(fragments[name].selection_set, memo)
    shapes = [_shape(op.selection_set, memo) for op in operations(document)]
    errors = []
    for shape in shapes:
        if shape.depth > MAX_DEPTH:
            errors.append(
                limit_error(
                    "MAX_DEPTH_LIMIT",
                    f"the operation exceeds maximum operation depth of {MAX_DEPTH} ({shape.depth} levels)",
                    limit=MAX_DEPTH,
                    actual=shape.depth,
                )
            )
        if shape.aliases > MAX_ALIASES:
            errors.append(
                limit_error(
                    "MAX_ALIASES_LIMIT",
                    f"{shape.aliases} aliases found; at most {MAX_ALIASES} are allowed",
                    limit=MAX_ALIASES,
                    actual=shape.aliases,
                )
            )
    fields = min(sum(shape.fields for shape in shapes), CAP)
    if fields > MAX_FIELDS:
        errors.append(
            limit_error(
                "MAX_FIELDS_LIMIT",
                f"the document selects {fields} fields once its "
                f"fragments are inlined; at most {MAX_FIELDS} are allowed",
                limit=MAX_FIELDS,
                actual=fields,
            )
        )
    if errors:
        return errors
    overlaps = sum(_overlaps(op.selection_set, fragments) for op in operations(document))
    if overlaps > MAX_OVERLAPS:
        errors.append(
            limit_error(
                "MAX_OVERLAPS_LIMIT",
                f"the document selects the same response keys at "
                f"the same places too often (more than {MAX_OVERLAPS} pairs to merge)",
                limit=MAX_OVERLAPS,
            )
        )
    return errors


def _shape(selection_set: SelectionSetNode, memo: dict[str, Shape]) -> Shape:
    """Recursive in nesting only (at most MAX_NESTING levels); fragments come from ``memo``."""
    total = Shape()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = _shape(selection.selection_set, memo) if selection.selection_set else Shape()
            total += Shape(1 + inner.fields, (1 if selection.alias else 0) + inner.aliases, 1 + inner.depth)
        elif isinstance(selection, InlineFragmentNode):
            total += _shape(selection.selection_set, memo)
        elif isinstance(selection, FragmentSpreadNode):
            total += memo.get(selection.name.value, Shape())
    return total


def _overlaps(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> int:
    """Pairs of selections sharing a response key at one place, fragments inlined (stops
    counting past the limit). Each pair is compared when validation checks that fields merge."""
    pairs = 0
    root: dict[str, list] = {}
    todo: list[tuple[dict[str, list], SelectionSetNode]] = [(root, selection_set)]
    while todo and pairs <= MAX_OVERLAPS:
        place, current = todo.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                entry = place.setdefault(key, [0, {}])
                pairs += entry[0]
                entry[0] += 1
                if selection.selection_set:
                    todo.append((entry[1], selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                todo.append((place, selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                todo.append((place, fragments[selection.name.value].selection_set))
    return pairs


def fragment_map(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def spreads(selection_set: SelectionSetNode) -> Iterator[str]:
    """Names of the fragments spread anywhere inside a selection set."""
    todo = [selection_set]
    while todo:
        for selection in todo.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set:
                todo.append(selection.selection_set)
