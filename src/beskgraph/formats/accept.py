"""The media ranges of an HTTP ``Accept`` header (RFC 9110, section 12.5.1)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_QVALUE = re.compile(r"0(?:\.\d{0,3})?|1(?:\.0{0,3})?")  # RFC 9110's qvalue


def _ranges(accept: str | None) -> list[tuple[str, float, int]]:
    """Every media range of an Accept header with its q (a malformed q is ignored) and place."""
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q" and _QVALUE.fullmatch(value.strip()):
                q = float(value)
        ranges.append((fields[0].lower(), q, index))
    return ranges


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal q), without those of q=0."""
    ranges = sorted(_ranges(accept), key=lambda r: (-r[1], r[2]))
    return [(media, q) for media, q, _ in ranges if q > 0]


def refuses(accept: str | None, media: str, aliases: Mapping[str, str] | None = None) -> bool:
    """Whether the Accept header gives ``media`` q=0 by its most specific range
    (``text/turtle;q=0, */*``: anything but Turtle)."""
    best: tuple[int, float] | None = None  # (how specific, q)
    for given, q, _ in _ranges(accept):
        given = (aliases or {}).get(given, given)
        if given == media:
            rank = 2
        elif given == "*/*":
            rank = 0
        elif given.endswith("/*") and media.startswith(given[:-1]):
            rank = 1
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, q)
    return best is not None and best[1] == 0
