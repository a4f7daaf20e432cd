"""A client's query read once: the text every later reader - the check and the engine - gets."""

from __future__ import annotations

from beskgraph.query.escapes import decode_escapes
from beskgraph.query.limits import QueryLimits, check_shape
from beskgraph.query.line_ends import normalise_line_ends


def read_query(query: str, limits: QueryLimits) -> str:
    """``query`` with escapes decoded and line ends normalised, its shape within ``limits``.

    Raises :class:`~beskgraph.query.errors.QueryRefused` for a bad escape, a character
    SPARQL does not allow where it stands, a SERVICE-like word or a shape over a limit.
    """
    text = normalise_line_ends(decode_escapes(query))
    check_shape(text, limits)
    return text
