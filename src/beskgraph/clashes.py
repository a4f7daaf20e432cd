"""Documents that would merge silently into another: they are left out, naming the other.

Two catalogue cards with the same municipality and title mint one intervention IRI, so
their answers and scores would be merged into one node. Which card is right only a person
can say; the first (by file name) is kept and the later one is left out, so nothing is
merged and the steward sees both names. Two files whose names give one named graph
(``a/x.txt`` and ``b/x.txt``, ``Brev 1.txt`` and ``brev-1.txt``) would overwrite each other's
graph: the later one is left out too, under its folder-qualified name. So is a file whose
name gives the graph of the build's own data (``reference.txt``, ``Ontology.txt``,
``build.md``): it would replace the reference data, the ontology or the build's provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .model.card import Card
from .model.common import ParsedDocument, Problem, Severity, Stage
from .rdf import iris
from .text import normalise
from .vocabulary import DCTERMS


def name_clashes(paths: Iterable[Path]) -> dict[Path, Problem]:
    """Files (in build order) whose named graph an earlier file or the build itself has."""
    first: dict[str, Path] = {}
    found: dict[Path, Problem] = {}
    for path in paths:
        graph = str(iris.named_graph(path.name))
        if (built_in := iris.built_in_graph(graph)) is not None:
            found[path] = Problem(
                Severity.VIOLATION,
                Stage.CORPUS,
                (
                    f"{qualified_name(path)} has the graph name of the build's {built_in} (<{graph}>); "
                    f"rename it"
                ),
            )
        elif graph in first:
            found[path] = Problem(
                Severity.VIOLATION,
                Stage.CORPUS,
                (
                    f"{qualified_name(path)} has the same graph name as {qualified_name(first[graph])} "
                    f"(<{graph}>); rename one of them"
                ),
            )
        else:
            first[graph] = path
    return found


def qualified_name(path: Path) -> str:
    """The name a clashing file is reported under: its folder and file name."""
    return f"{path.absolute().parent.name}/{path.name}"


def duplicate_cards(documents: Iterable[ParsedDocument]) -> dict[str, Problem]:
    """File name -> problem for each card whose municipality and title an earlier card has."""
    first: dict[str, Card] = {}
    found: dict[str, Problem] = {}
    for card in sorted((d for d in documents if isinstance(d, Card)), key=lambda c: c.source.name):
        node = str(iris.intervention(card.municipality_code, card.title.value))
        earlier = first.setdefault(node, card)
        if earlier is not card:
            same = (
                "title"
                if normalise(earlier.title.value) == normalise(card.title.value)
                else f"a title that gives the same IRI ({earlier.title.value!r})"
            )
            found[card.source.name] = Problem(
                Severity.VIOLATION,
                Stage.CORPUS,
                f"duplicate card: same municipality ({card.municipality.value}) and {same} as "
                f"{earlier.source.name}; left out so the two are not merged into one intervention",
                card.source.line_of(card.title.span.start),
                node,
                str(DCTERMS.title),
            )
    return found
