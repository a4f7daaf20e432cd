"""Computing the aggregates from a store, and their materialised form: a derived named graph.

The graph ``{base}graph/derived/aggregates`` holds one triple per node and measure
(``<municipality/410> bg:interventionCount 12``) and states the source graphs it was
computed from (``bg:sourcesDigest``, see :func:`beskgraph.derived.sources_fingerprint`),
so a reader can tell whether it is current. It is written whole, in one Graph Store
Protocol PUT (or one update), so any store, remote ones too, serves it to SPARQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pyoxigraph as ox

from beskgraph.aggregates.measures import MEASURES, Score, Tally
from beskgraph.derived import derived_graph
from beskgraph.store import Store, as_float, as_int
from beskgraph.vocabulary import BG, XSD

GRAPH = derived_graph("aggregates")
SOURCES_DIGEST = str(BG.sourcesDigest)
Value = int | float
Values = dict[str, dict[str, Value]]  # measure -> node -> value


def compute(store: Store) -> Values:
    """Every measure's value per node, from the store's union graph (a query or two a measure)."""
    values: Values = {}
    for measure in MEASURES:
        if isinstance(measure, Score):
            table = values.setdefault(measure.predicate, {})
            table.update({str(r["n"]): as_float(r["v"]) for r in store.select(measure.query()) if "v" in r})
            continue
        by_value: dict[str, str] | None = None  # a tally: the predicate of each value of ?by
        if isinstance(measure, Tally):
            by_value = dict(measure.predicates)
            names = list(by_value.values())
        else:
            names = [measure.predicate]
        tables = [values.setdefault(p, {}) for p in names]
        parents = {str(row["n"]) for row in store.select(measure.parents())}
        for table in tables:
            table.update(dict.fromkeys(parents, 0))
        for row in store.select(measure.query()):
            predicate = by_value.get(str(row["by"])) if by_value is not None else names[0]
            if predicate is not None and str(row["n"]) in parents:
                values[predicate][str(row["n"])] = as_int(row["v"])
    return values


def ntriples(values: Mapping[str, Mapping[str, Value]], fingerprint: str) -> bytes:
    """The derived graph's content, sorted (the same values give the same bytes)."""
    triples = [ox.Triple(ox.NamedNode(GRAPH), ox.NamedNode(SOURCES_DIGEST), ox.Literal(fingerprint))]
    for predicate in sorted(values):
        for node in sorted(values[predicate]):
            triples.append(
                ox.Triple(ox.NamedNode(node), ox.NamedNode(predicate), _literal(values[predicate][node]))
            )
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _literal(value: Value) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD.integer))
    return ox.Literal(format(Decimal(repr(value)), "f"), datatype=ox.NamedNode(XSD.decimal))


def read_stored(store: Store) -> tuple[str, Values] | None:
    """(sources digest, values) of the derived graph in the store, or None when there is none."""
    fingerprint: str | None = None
    values: Values = {}
    for row in store.select(f"SELECT ?n ?p ?v WHERE {{ GRAPH <{GRAPH}> {{ ?n ?p ?v }} }}"):
        predicate, value = str(row["p"]), row["v"]
        if predicate == SOURCES_DIGEST:
            fingerprint = str(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values.setdefault(predicate, {})[str(row["n"])] = value
    return (fingerprint, values) if fingerprint is not None else None


def write(store: Store, values: Values, fingerprint: str) -> None:
    store.replace_graph(GRAPH, ntriples(values, fingerprint), "application/n-triples")
