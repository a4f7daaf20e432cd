"""SPARQL 1.1 codepoint escapes (§19.2), processed once over the whole query text.

``\\uXXXX`` and ``\\UXXXXXXXX`` are replaced before the query is parsed. Query engines
disagree on them (one reads ``\\u00000022`` as U+0022, another as U+0000 then
``0022``; one processes them everywhere, another only inside strings and IRIs), so
the endpoint decodes them itself and hands every later reader - the check and the
engine - the decoded text. That text must not contain an escape any more: an escape
that decodes to another escape (``\\u005Cu0053``) is refused, so no reader can decode
a second time and see something else.
"""

from __future__ import annotations

import re

from beskgraph.query.errors import QueryRefused

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _codepoint(match: re.Match[str]) -> str:
    digits = match.group(1) or match.group(2)
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise QueryRefused(f"{match.group(0)} is not a Unicode scalar value")
    return chr(value)


def decode_escapes(query: str) -> str:
    """The query with its codepoint escapes decoded; refused if escapes remain after that."""
    decoded = _ESCAPE.sub(_codepoint, query)
    left = _ESCAPE.search(decoded)
    if left:
        raise QueryRefused(
            f"a codepoint escape decodes to another escape ({left.group(0)}); "
            "write the character itself or escape it once"
        )
    return decoded
