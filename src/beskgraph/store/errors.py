"""Errors raised by every store implementation (the API maps them to HTTP statuses)."""

from __future__ import annotations

from beskgraph.formats.table import Format


class StoreError(Exception):
    """The store refused or failed an operation (bad request, bad data, 4xx from a server)."""


class StoreUnavailable(StoreError):
    """The store is down, unreachable or did not answer in time."""


class StoreAnswerBroken(StoreUnavailable):
    """The store's answer is cut short or malformed (it failed after it had started to answer)."""


class QuerySyntaxError(StoreError):
    """The SPARQL query (or update) is not valid."""


class NotAcceptable(StoreError):
    """No result format matching the requested media types exists for this query form."""


def accepted(fmt: Format | None, form: str) -> Format:
    """The format chosen for an answer of this form; NotAcceptable when the client accepts none."""
    if fmt is None:
        raise NotAcceptable(f"none of the accepted media types holds {form}, the answer of this query")
    return fmt


class QueryLimitExceeded(StoreError):
    """A query was stopped by a resource limit (base of the two below)."""


class QueryTimeout(QueryLimitExceeded):
    """A query ran longer than its time limit and was stopped."""


class ResultTooLarge(QueryLimitExceeded):
    """A query result grew beyond the byte limit and was stopped."""


class NetworkRefused(StoreError):
    """The engine tried to open a network connection and the query process's sandbox refused it.

    A client's query gets this far only past the checks: it is a refusal, and a sign
    that a check has a gap.
    """


class QueryCancelled(StoreError):
    """A query was stopped because its caller gave up on it (the client went away)."""


class Busy(StoreError):
    """No query slot is free and the wait queue is full, or the wait for a slot timed out."""
