"""Request bodies read as a stream under a size limit (never buffered past it).

A client that disconnects before its body is complete raises :class:`ClientGone`, which
the endpoints answer as a refusal (499, one log line) rather than letting starlette's
``ClientDisconnect`` end the request with a traceback.
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

CLIENT_GONE = 499  # nginx's "client closed request": nobody reads it, the log line does


class BodyTooLarge(Exception):
    """The body is (or says it is) larger than the limit; nothing past it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than {limit} bytes")
        self.limit = limit


class ClientGone(Exception):
    """The client disconnected before its request body was complete."""

    status = CLIENT_GONE

    def __init__(self) -> None:
        super().__init__("the client disconnected while sending its request body")


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused as soon as its Content-Length or the bytes read pass ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise ClientGone() from exc
    return b"".join(chunks)
