"""Typed literals in the form a store keeps them, so the graph validated is the graph served.

A SPARQL store stores values, not lexical forms: Oxigraph gives back every integer type as
``xsd:integer``, ``"89.0"^^xsd:decimal`` as ``"89"``, ``"P12M"^^xsd:duration`` as ``"P1Y"``.
The mapping writes those forms itself (XSD 1.1 canonical ones), so a built graph and the
dump of the store it was loaded into hold the same quads. Ranges such as "an integer from
1" are said by the shapes (``sh:minInclusive``), not by a derived datatype.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal

from ..vocabulary import XSD


def integer(value: int) -> Literal:
    """``xsd:integer``, its canonical form (no sign, no leading zeros)."""
    return Literal(str(int(value)), datatype=XSD.integer)


def decimal(value: Decimal | float | int | str) -> Literal:
    """``xsd:decimal`` in canonical form: ``89``, ``4.3``, ``0.9`` (never ``89.0`` or ``0.90``)."""
    return Literal(canonical_decimal(value), datatype=XSD.decimal)


def canonical_decimal(value: Decimal | float | int | str) -> str:
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


_DURATION = re.compile(r"^P(\d+)([YMWD])$")


def duration(iso: str) -> Literal:
    """A ``PnY``/``PnM``/``PnW``/``PnD`` duration as canonical ``xsd:duration``: months over a
    year become years and months (``P18M`` → ``P1Y6M``), weeks become days (``P2W`` → ``P14D``:
    XSD has no weeks)."""
    match = _DURATION.match(iso)
    if match is None:
        raise ValueError(f"not a one-unit ISO 8601 duration: {iso!r}")
    n, unit = int(match.group(1)), match.group(2)
    if unit == "W":
        n, unit = 7 * n, "D"
    if unit == "M":
        years, months = divmod(n, 12)
        parts = (f"{years}Y" if years else "") + (f"{months}M" if months else "")
    else:
        parts = f"{n}{unit}" if n else ""
    # written as is: rdflib would turn the store's zero, PT0S, into P0D
    return Literal(f"P{parts}" if parts else "PT0S", datatype=XSD.duration, normalize=False)
