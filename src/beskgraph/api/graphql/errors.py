"""Every GraphQL error a client sees has an ``extensions.code``; faults are told apart.

A *fault* is an exception a resolver did not mean to raise (a bug): the client gets
``INTERNAL_SERVER_ERROR`` without its text, and the server log gets its traceback. Every
other error is the request's (or the store's) and is described to the client; it is
logged as one line by the HTTP layer, never with a traceback or the query.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

log = logging.getLogger("beskgraph.graphql")
INTERNAL = "INTERNAL_SERVER_ERROR"
INCOMPLETE = "INCOMPLETE_DATA"  # a node lacks a value its shapes require (a store not built by beskgraph)
NON_NULL = "Cannot return null for non-nullable field"
BAD_USER_INPUT = "BAD_USER_INPUT"  # variables and arguments the schema cannot take
MAX_SHOWN = 160  # characters of a message kept in a log line


def is_fault(error: GraphQLError) -> bool:
    """Raised at a field by something other than a GraphQLError (variable errors have no path),
    and not graphql-core's report of a missing non-null value (data, not a bug)."""
    return (
        error.path is not None
        and error.original_error is not None
        and not isinstance(error.original_error, GraphQLError)
        and not _incomplete(error)
    )


def _incomplete(error: GraphQLError) -> bool:
    return isinstance(error.original_error, TypeError) and error.message.startswith(NON_NULL)


def code_of(error: GraphQLError) -> str:
    if is_fault(error):
        return INTERNAL
    if _incomplete(error):
        return INCOMPLETE
    return str((error.extensions or {}).get("code") or BAD_USER_INPUT)


def formatted(error: GraphQLError) -> dict[str, Any]:
    """The error as the response shows it: always with a code; a fault's text hidden."""
    shown = dict(error.formatted)
    if is_fault(error):
        shown["message"] = "internal server error (logged on the server)"
    shown["extensions"] = {**(error.extensions or {}), "code": code_of(error)}
    return shown


def summary(errors: list[GraphQLError]) -> str:
    """One short line naming the errors: the first one's code and message, and how many more."""
    first = errors[0]
    message = " ".join(first.message.split()) if not is_fault(first) else type(first.original_error).__name__
    if len(message) > MAX_SHOWN:
        message = message[: MAX_SHOWN - 1] + "…"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{code_of(first)}: {message}{more}"


def log_faults(errors: list[GraphQLError]) -> None:
    """Log each fault with its traceback (the only errors logged so)."""
    for error in errors:
        if is_fault(error):
            log.error(
                "GraphQL field %s failed", ".".join(map(str, error.path or ())), exc_info=error.original_error
            )
