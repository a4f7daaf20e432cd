"""A request body must arrive in time: a client that sends it slower than that (one byte
every few seconds, to hold a connection) gets 408 and the connection is closed.

uvicorn bounds how long an idle connection stays open and how many are served at once,
but not how long a request body may take; this middleware does, counted from the
request's start to the body's last byte. Reading the body after it has arrived (and
waiting for the client to go) is not bounded.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from beskgraph.api.refusals import REASON_KEY


class BodyTimeout:
    """ASGI middleware: 408 (Connection: close) when the body is not complete ``seconds``
    after the request started; 0 turns the limit off."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        deadline = anyio.current_time() + self.seconds
        body_done = timed_out = responded = False

        async def timed_receive() -> Message:
            nonlocal body_done, timed_out
            if body_done or timed_out:
                return await receive()
            with anyio.move_on_after(deadline - anyio.current_time()):
                message = await receive()
                body_done = message["type"] != "http.request" or not message.get("more_body", False)
                return message
            timed_out = True
            if not responded:
                await self._refuse(scope, send)
            return {"type": "http.disconnect"}  # the app stops reading

        async def guarded_send(message: Message) -> None:
            nonlocal responded
            if timed_out:
                return  # the 408 was the answer
            responded = responded or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, timed_receive, guarded_send)
        except Exception:
            if not timed_out:
                raise  # the app's own error; a body it stopped waiting for is not one

    async def _refuse(self, scope: Scope, send: Send) -> None:
        reason = f"the request body did not arrive within {self.seconds:g} s"
        scope.setdefault("state", {})[REASON_KEY] = reason
        body = f"{reason}\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 408,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
