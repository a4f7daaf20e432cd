"""SPARQL terms to Python values and back: what ``Store.select`` returns, and IRIs spliced into queries."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import pyoxigraph as ox

from beskgraph.store.errors import StoreError
from beskgraph.vocabulary import XSD

_INTEGER_TYPES = {
    str(XSD[name])
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {str(XSD.decimal), str(XSD.double), str(XSD.float)}

_N = TypeVar("_N", int, float)
Value = str | int | float | bool | dt.date  # (a dt.datetime is a dt.date)
Row = dict[str, Value]  # a SELECT's solution: its bound variables' values (``Store.select``)


def literal_value(lexical: str, datatype: str | None) -> Value:
    """A Python value for a literal; the lexical form when the value is not mapped or invalid."""
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype in _FLOAT_TYPES:
            return float(lexical)
        if datatype == str(XSD.boolean):
            return lexical.strip() in ("true", "1")
        if datatype == str(XSD.date):
            return dt.date.fromisoformat(lexical[:10])
        if datatype == str(XSD.dateTime):
            return dt.datetime.fromisoformat(lexical)
    except ValueError:
        return lexical
    return lexical


def term_value(term: object) -> Value:
    """Convert a pyoxigraph term to the Python value ``Store.select`` returns."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return literal_value(term.value, term.datatype.value)
    return str(term)


def binding_value(binding: dict[str, str]) -> Value:
    """Convert one SPARQL JSON results binding to the Python value ``select`` returns."""
    kind = binding["type"]
    if kind == "uri":
        return binding["value"]
    if kind == "bnode":
        return "_:" + binding["value"]
    if kind in ("literal", "typed-literal"):
        return literal_value(binding["value"], binding.get("datatype"))
    return str(binding.get("value", ""))  # a kind of term SPARQL 1.1 does not have: its text


def binding_term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert one SPARQL JSON results binding to a pyoxigraph term."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    raise StoreError(f"unsupported term in SPARQL results: {binding!r}")


def sparql_iri(iri: str) -> str:
    """``<iri>`` for splicing into SPARQL text; rejects anything that is not a valid IRI."""
    try:
        return f"<{ox.NamedNode(iri).value}>"
    except ValueError as exc:
        raise StoreError(f"not a valid graph IRI: {iri!r} ({exc})") from exc


def as_int(value: Value) -> int:
    """A value a query counts or numbers with, as an int (a store may answer a count as text)."""
    return _number(int, value)


def as_float(value: Value) -> float:
    """A value a query computes, as a float (a store may answer a decimal as text)."""
    return _number(float, value)


def _number(kind: type[_N], value: Value) -> _N:
    try:
        if not isinstance(value, dt.date):
            return kind(value)
    except ValueError:
        pass
    text = value.isoformat() if isinstance(value, dt.date) else value
    raise StoreError(f"the store answered {text!r} where a number belongs")
