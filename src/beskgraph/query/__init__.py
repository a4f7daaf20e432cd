"""Reading a SPARQL query from an anonymous client, once, before anything runs it.

1. :func:`decode_escapes` decodes codepoint escapes over the whole text (SPARQL §19.2)
   and refuses text that would decode again; :func:`normalise_line_ends` makes CR LF
   and CR into LF; every later reader gets this text.
2. :func:`check_shape` reads it in one linear pass with SPARQL's own terminals and
   measures it (nesting, graph patterns, tokens, SERVICE-like words); it refuses what
   it cannot place and what is over a limit, before any parser.
   :func:`read_query` does steps 1 and 2.
3. :func:`inspect_query` parses it with rdflib, refuses SERVICE in the parse tree and
   returns the form and FROM graphs; :func:`resolve_dataset` checks the graphs named.

Every refusal is a :class:`QueryRefused` (HTTP 400).
"""

from beskgraph.query.dataset import resolve_dataset
from beskgraph.query.errors import QueryRefused
from beskgraph.query.escapes import decode_escapes
from beskgraph.query.grammar import GrammarError, QueryInfo, inspect_query
from beskgraph.query.limits import QueryLimits, check_shape
from beskgraph.query.line_ends import normalise_line_ends
from beskgraph.query.reading import read_query

__all__ = [
    "GrammarError",
    "QueryInfo",
    "QueryLimits",
    "QueryRefused",
    "check_shape",
    "decode_escapes",
    "inspect_query",
    "normalise_line_ends",
    "read_query",
    "resolve_dataset",
]
