"""The response body: JSON under a size limit, and ``explain`` output under its own."""

from __future__ import annotations

import json
from typing import Any

from anyio import to_thread

INLINE_BYTES = 1_000_000  # estimated size up to which the body is encoded on the event loop


class TooLarge(Exception):
    """The encoded body would pass the limit."""


def _encoder() -> json.JSONEncoder:
    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def encode(body: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON (C speed; blocks the caller for the whole body)."""
    return _encoder().encode(body).encode("utf-8")


def _encode_capped(body: dict[str, Any], limit: int) -> bytes:
    """Encode piece by piece, giving up as soon as ``limit`` characters are passed."""
    parts, size = [], 0
    for part in _encoder().iterencode(body):
        size += len(part)
        if size > limit:
            raise TooLarge
        parts.append(part)
    return "".join(parts).encode("utf-8")


async def encode_limited(body: dict[str, Any], limit: int, estimate: int) -> bytes:
    """The encoded body, or ``TooLarge``. A body estimated large is encoded in a worker
    thread piece by piece (the event loop keeps serving) and abandoned at the limit."""
    if estimate <= INLINE_BYTES:
        content = encode(body)
    else:
        content = await to_thread.run_sync(_encode_capped, body, limit)
    if len(content) > limit:
        raise TooLarge
    return content


def explain(queries: list[str], limit: int) -> dict[str, Any]:
    """The SPARQL a request ran, as much of it as fits ``limit`` characters (in order)."""
    shown: list[str] = []
    used = 0
    for query in queries:
        if used + len(query) > limit:
            break
        shown.append(query)
        used += len(query)
    result: dict[str, Any] = {"sparql": shown}
    if len(shown) < len(queries):
        result["omitted"] = len(queries) - len(shown)
        result["note"] = f"queries past the first {limit} characters of SPARQL are left out"
    return result
