"""Which source documents a build added, changed, removed or left as they were, against
the previous build (an output file, or what a store holds): by file name and content hash."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .vocabulary import BG, DCTERMS

IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))
CONTENT_HASH = ox.NamedNode(str(BG.contentHash))


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]

    @classmethod
    def between(cls, previous: Mapping[str, str], current: Mapping[str, str]) -> Changes:
        """Compare ``{file name: content hash}`` of two builds."""
        return cls(
            added=tuple(sorted(n for n in current if n not in previous)),
            changed=tuple(sorted(n for n in current if n in previous and previous[n] != current[n])),
            removed=tuple(sorted(n for n in previous if n not in current)),
            unchanged=tuple(sorted(n for n in current if previous.get(n) == current[n])),
        )

    def __str__(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged"
        )


def hashes_in_quads(quads: Iterable[ox.Quad]) -> dict[str, str]:
    """``{file name: content hash}`` of the source documents described in ``quads``."""
    names: dict[ox.NamedNode | ox.BlankNode | ox.Triple, str] = {}
    hashes: dict[ox.NamedNode | ox.BlankNode | ox.Triple, str] = {}
    for quad in quads:
        if quad.predicate == IDENTIFIER and isinstance(quad.object, ox.Literal):
            names[quad.subject] = quad.object.value
        elif quad.predicate == CONTENT_HASH and isinstance(quad.object, ox.Literal):
            hashes[quad.subject] = quad.object.value
    return {names[node]: value for node, value in hashes.items() if node in names}


def hashes_in_file(path: Path, format: ox.RdfFormat) -> dict[str, str] | None:
    """The documents of a built graph file; None when there is none or it cannot be read."""
    try:
        with path.open("rb") as data:
            return hashes_in_quads(ox.parse(data, format=format))
    except (OSError, SyntaxError, ValueError):
        return None
