"""Sending a complete, unchanging file: Content-Length, a strong ETag, HEAD, one byte range.

The file is read in chunks by worker threads of a limiter of its own, so a download never
waits for threads that other requests hold (GraphQL runs its SPARQL in the default ones).
A request for several ranges, a malformed one, or one whose ``If-Range`` does not match
gets the whole file, as RFC 9110 allows; a range starting beyond the end gets 416.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import anyio
from anyio import to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

CHUNK = 256 * 1024  # bytes a read: 64 KiB was 3x slower; 1 MiB raised the RSS plateau by ~120 MiB


@dataclass(frozen=True)
class CompleteFile:
    """A file that is written and will not change."""

    path: Path
    size: int
    etag: str  # a strong validator, e.g. '"<sha-256 of the content>"'


class Unsatisfiable(ValueError):
    """A byte range that starts beyond the end of the file."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``[start, end)`` of the single byte range a Range header asks for; None for the whole file."""
    unit, _, spec = (header or "").partition("=")
    first, dash, last = spec.strip().partition("-")
    if unit.strip().lower() != "bytes" or not dash or "," in spec:
        return None
    if not all(part.isdigit() or not part for part in (first, last)) or not (first or last):
        return None
    if not first:  # the last N bytes
        if int(last) == 0:
            raise Unsatisfiable(last)
        return max(0, size - int(last)), size
    start, end = int(first), int(last) + 1 if last else size
    if start >= size:
        raise Unsatisfiable(first)
    return (start, min(end, size)) if end > start else None


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison) or is ``*``."""
    tags = [tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")]
    return "*" in tags or etag in tags


class CompleteFileResponse(Response):
    """The whole ``file`` (200), one range of it (206), 304 for a matching If-None-Match, or 416."""

    def __init__(
        self, file: CompleteFile, media_type: str, headers: Mapping[str, str], limiter: anyio.CapacityLimiter
    ) -> None:
        self.file, self.limiter = file, limiter
        self.status_code = 200
        self.media_type = media_type
        self.background = None
        self.init_headers(
            {**headers, "ETag": file.etag, "Accept-Ranges": "bytes", "Content-Length": str(file.size)}
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = Headers(scope=scope)
        headers = MutableHeaders(raw=list(self.raw_headers))
        start, end, status = 0, self.file.size, 200
        if _matches(asked.get("if-none-match"), self.file.etag):
            status, end = 304, 0
            del headers["content-length"]
        elif asked.get("if-range", self.file.etag) == self.file.etag:
            try:
                chosen = byte_range(asked.get("range"), self.file.size)
            except Unsatisfiable:
                headers.update({"Content-Range": f"bytes */{self.file.size}", "Content-Length": "0"})
                await send({"type": "http.response.start", "status": 416, "headers": headers.raw})
                await send({"type": "http.response.body", "body": b""})
                return
            if chosen is not None:
                (start, end), status = chosen, 206
                headers.update(
                    {
                        "Content-Range": f"bytes {start}-{end - 1}/{self.file.size}",
                        "Content-Length": str(end - start),
                    }
                )
        await send({"type": "http.response.start", "status": status, "headers": headers.raw})
        if scope["method"] == "HEAD" or start >= end:
            await send({"type": "http.response.body", "body": b""})
            return
        async with anyio.create_task_group() as group:

            async def body() -> None:
                await self._send_body(send, start, end)
                group.cancel_scope.cancel()

            group.start_soon(body)
            while (await receive())["type"] != "http.disconnect":
                pass
            group.cancel_scope.cancel()  # the client left: stop reading

    async def _send_body(self, send: Send, start: int, end: int) -> None:
        handle = await to_thread.run_sync(os.open, self.file.path, os.O_RDONLY, limiter=self.limiter)
        try:
            while start < end:
                chunk = await to_thread.run_sync(
                    os.pread, handle, min(CHUNK, end - start), start, limiter=self.limiter
                )
                if not chunk:
                    raise RuntimeError(f"{self.file.path.name} is shorter than {self.file.size} bytes")
                start += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": start < end})
        finally:
            os.close(handle)
