"""One log line for every refused request: method, path, status, client and reason.

Handlers give the reason with :func:`refuse` (``request.state``); the middleware writes
the line when the response starts. Never the query string or the body: a refused
request may be megabytes of hostile input, and logs must stay readable and bounded.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("beskgraph.refused")
MAX_REASON = 200  # characters of the reason kept in the log line
REASON_KEY = "refusal"


def refuse(request: Request, reason: str) -> None:
    """Record why this request is refused; the log line carries it (shortened)."""
    setattr(request.state, REASON_KEY, reason)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_REASON else line[: MAX_REASON - 1] + "…"


class RefusalLog:
    """ASGI middleware: log each HTTP response with status >= 400 as one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_and_log(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                client = scope.get("client") or ("-", 0)
                reason = scope.get("state", {}).get(REASON_KEY, "")
                log.warning(
                    "refused %s %s %d from %s%s",
                    scope["method"],
                    scope["path"],
                    message["status"],
                    client[0],
                    f": {_one_line(reason)}" if reason else "",
                )
            await send(message)

        await self.app(scope, receive, send_and_log)
