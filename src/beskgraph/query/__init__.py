"""Reading a SPARQL query from an anonymous client, once, before anything runs it.

1. :func:`decode_escapes` decodes codepoint escapes over the whole text (SPARQL §19.2)
   and refuses text that would decode again; every later reader gets this text.
2. :func:`check_shape` measures it in one linear pass (nesting, graph patterns,
   tokens, SERVICE-like words) and refuses what is over a limit, before any parser.
3. :func:`inspect_query` parses it with rdflib, refuses SERVICE in the parse tree and
   returns the form and FROM graphs; :func:`resolve_dataset` checks the graphs named.

Every refusal is a :class:`QueryRefused` (HTTP 400).
"""

from beskgraph.query.dataset import resolve_dataset
from beskgraph.query.errors import QueryRefused
from beskgraph.query.escapes import decode_escapes
from beskgraph.query.grammar import GrammarError, QueryInfo, inspect_query
from beskgraph.query.limits import QueryLimits, check_shape

__all__ = [
    "GrammarError",
    "QueryInfo",
    "QueryLimits",
    "QueryRefused",
    "check_shape",
    "decode_escapes",
    "inspect_query",
    "resolve_dataset",
]
