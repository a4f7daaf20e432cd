"""The formats a query's answer may take, chosen before the query runs.

Which format fits depends on the form of the query (solutions, a boolean, a graph), which
is known only once the query is parsed, and that happens where it runs. So the API
chooses one format for each form from what the client accepts, and the store writes the
answer in the one for its form; a form the client accepts no format for is refused then.
"""

from __future__ import annotations

from dataclasses import dataclass

from .table import BOOLEAN_ANSWERS, GRAPH_ANSWERS, SOLUTIONS_ANSWERS, SPARQL_JSON, TURTLE, Format


@dataclass(frozen=True)
class AnswerFormats:
    """One format for each form of answer; None where the client accepts none."""

    solutions: Format | None = SPARQL_JSON
    boolean: Format | None = SPARQL_JSON
    graph: Format | None = TURTLE

    def __post_init__(self) -> None:
        for fmt, allowed in (
            (self.solutions, SOLUTIONS_ANSWERS),
            (self.boolean, BOOLEAN_ANSWERS),
            (self.graph, GRAPH_ANSWERS),
        ):
            if fmt is not None and fmt not in allowed:
                raise ValueError(f"{fmt.name} cannot hold this form of answer")

    @property
    def accept(self) -> str:
        """The chosen media types as an Accept header, for a store that forwards the query."""
        chosen = [f.media_type for f in (self.solutions, self.boolean, self.graph) if f is not None]
        return ", ".join(dict.fromkeys(chosen))
