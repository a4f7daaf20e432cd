"""A node's record: the values of its predicates (and its rdf:types) as one query read them."""

from __future__ import annotations

from collections import defaultdict

from beskgraph.api.graphql.fields import Path


class Record:
    """Values by (predicate, inverse); IRIs as str, literals as Python values."""

    __slots__ = ("positions", "types", "values")

    def __init__(self) -> None:
        self.values: dict[tuple[str, bool], list[object]] = defaultdict(list)
        self.types: set[str] = set()
        self.positions: dict[str, dict[str, int]] = defaultdict(dict)  # order link -> value -> position

    def along(self, path: Path) -> list[object]:
        """The values along ``path``: its first predicate that has any, in the order written
        (``path.order``), else by their text."""
        if path.sequence:
            return sorted(self.values.get((path.sparql, False), ()), key=str)
        for predicate in path.predicates:
            found = self.values.get((predicate, path.inverse))
            if found:
                if len(found) == 1:
                    return found
                written = self.positions.get(path.order, {}) if path.order else {}
                return sorted(found, key=lambda v: (written.get(str(v), len(written) + 1), str(v)))
        return []

    def first(self, path: Path) -> object | None:
        found = self.along(path)
        return found[0] if found else None

    def has(self, predicate: str, value: str) -> bool:
        return any(str(v) == value for v in self.values.get((predicate, False), ()))
