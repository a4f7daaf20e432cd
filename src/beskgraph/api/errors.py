"""Store errors as HTTP answers, in one place: Starlette's exception handlers.

An endpoint lets a :class:`~beskgraph.store.StoreError` propagate; the handler answers
with the status its kind calls for and a short plain-text reason (a page for a browser),
and records the reason for the refusal log. Whatever waits may get ``Retry-After``.
"""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from beskgraph.api.body import CLIENT_GONE
from beskgraph.api.pages import render_store_error, wants_html
from beskgraph.api.refusals import refuse
from beskgraph.api.settings import Settings
from beskgraph.store.errors import (
    Busy,
    NotAcceptable,
    QueryCancelled,
    QueryLimitExceeded,
    QuerySyntaxError,
    StoreAnswerBroken,
    StoreError,
    StoreUnavailable,
)


def status_and_reason(exc: StoreError, settings: Settings) -> tuple[int, str, dict[str, str]]:
    """The HTTP status, the reason and any headers for a store error."""
    if isinstance(exc, QuerySyntaxError):
        return 400, f"SPARQL syntax error: {exc}", {}
    if isinstance(exc, NotAcceptable):
        return 406, str(exc), {"Vary": "Accept"}
    if isinstance(exc, QueryCancelled):
        return CLIENT_GONE, str(exc), {}
    if isinstance(exc, Busy):
        retry = str(max(1, math.ceil(settings.query_timeout)))
        return 503, f"too many queries: {exc}; retry in {retry} s", {"Retry-After": retry}
    if isinstance(exc, QueryLimitExceeded):
        return 503, f"query stopped: {exc}", {}
    if isinstance(exc, StoreAnswerBroken):
        return 502, f"bad answer from the store: {exc}", {}
    if isinstance(exc, StoreUnavailable):
        return 503, f"store unavailable: {exc}", {}
    return 500, f"store error: {exc}", {}


async def store_error(request: Request, exc: Exception) -> Response:
    """The exception handler of :class:`StoreError` and its kinds."""
    assert isinstance(exc, StoreError)
    status, reason, headers = status_and_reason(exc, request.app.state.settings)
    refuse(request, reason)
    if wants_html(request) and status >= 500:
        return render_store_error(request, status, str(exc))
    return PlainTextResponse(reason, status_code=status, headers=headers)


EXCEPTION_HANDLERS = {StoreError: store_error}
