"""The dataset a query runs over: protocol parameters, else its FROM clauses, else the union."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from beskgraph.query.errors import QueryRefused
from beskgraph.query.grammar import QueryInfo


def resolve_dataset(
    info: QueryInfo,
    protocol_default: Sequence[str],
    protocol_named: Sequence[str],
    graphs: Callable[[], Iterable[str]],
) -> tuple[list[str], list[str]]:
    """The explicit dataset (default, named) to query; empty lists mean the union.

    SPARQL Protocol ``default-graph-uri`` / ``named-graph-uri`` override FROM / FROM
    NAMED. Every graph named must be one of ``graphs()`` (asked only when needed): the
    endpoint never fetches a graph.
    """
    if protocol_default or protocol_named:
        default, named = list(protocol_default), list(protocol_named)
    else:
        default, named = list(info.from_graphs), list(info.from_named)
    if not default and not named:
        return [], []
    unknown = sorted({*default, *named} - set(graphs()))
    if unknown:
        raise QueryRefused(
            "not a graph of this dataset (the endpoint never fetches graphs): "
            + ", ".join(f"<{g}>" for g in unknown)
        )
    return default, named
