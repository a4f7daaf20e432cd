"""One linear pass over a SPARQL query: its shape, measured before anything parses it.

The lexer knows what can hide text - strings (all four quotings), IRIs and comments -
and reads everything else as tokens. It does not check the grammar; it measures what
a parser or an engine will have to hold:

- ``depth``: the deepest nesting of ``{ ( [`` (parsers recurse on it);
- ``patterns``: graph patterns and the operators that chain them (triple patterns,
  groups, UNION, OPTIONAL, MINUS, FILTER, VALUES, GRAPH, ``AS`` in BIND and SELECT,
  DESCRIBE targets); an engine builds a tree as deep as such a chain is long;
- ``tokens``: everything, so parse time is bounded;
- ``service``: a word that any parser could read as the SERVICE keyword. Deliberately
  broad: ``SERVICE`` glued to a literal (``trueSERVICE``), a prefix named ``service``,
  or case-folded look-alikes (``ſervice``) count, because one engine or another reads
  each of them as the keyword. Variables, prefixed-name local parts, language tags,
  strings, IRIs and comments never count.

The pass stops counting tokens once ``stop_after`` is reached, so a huge query costs
no more than a query at the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _quoted(q: str) -> str:
    """A string literal in quote ``q``: long (three quotes, any line) or short (one line).

    Possessive loops: a scan never backtracks, so an unclosed string costs one pass.
    """
    long = rf"{q * 3}(?:{q}{{0,2}}(?:[^{q}\\]++|\\.))*+{q * 3}"
    short = rf"{q}(?!{q * 2})(?:[^{q}\\\r\n]++|\\.)*+{q}"
    return f"{long}|{short}"


def _unclosed(q: str) -> str:
    """An opening quote with no end: a syntax error, so the rest (of the query, of the line) is skipped."""
    return rf"{q * 3}.*|{q}[^\r\n]*"


_TOKEN = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in [
            ("space", r"(?:[ \t\r\n]+|#[^\r\n]*)+"),
            ("string", f"{_quoted(chr(39))}|{_quoted(chr(34))}"),
            ("unclosed", f"{_unclosed(chr(39))}|{_unclosed(chr(34))}"),
            ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
            ("var", r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+"),
            ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
            ("number", r"\d+\.\d*[eE][+-]?\d+|\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?"),
            ("pname", r"(?:[^\W\d][\w.\-\u00B7]*)?:(?:[\w.\-:%\u00B7]|\\.)*"),
            ("word", r"[^\W\d]\w*"),
            ("op", r"\|\||&&|!=|<=|>=|\^\^"),
            ("other", r"."),
        ]
    ),
    re.DOTALL,
)
_OPEN, _CLOSE = "{([", "})]"
# Keywords that add a graph pattern or bind a variable (each a node in the algebra);
# ``AS`` counts every BIND and every projected expression.
_PATTERN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "VALUES", "GRAPH", "SERVICE", "AS"})
_SEPARATORS = frozenset(".;,")  # between triple patterns, inside { } or [ ]


@dataclass(frozen=True)
class QueryShape:
    """What one pass over a query found (see module doc)."""

    depth: int
    patterns: int
    tokens: int
    service: bool


def _is_service(word: str) -> bool:
    return "SERVICE" in word.upper() or "service" in word.casefold()


def measure(query: str, stop_after: int | None = None) -> QueryShape:
    """The shape of ``query``; token counting stops after ``stop_after`` tokens."""
    stack: list[str] = []
    depth = patterns = tokens = 0
    service = describing = False
    pos, end = 0, len(query)
    while pos < end:
        match = _TOKEN.match(query, pos)
        assert match is not None  # ``other`` matches any character
        kind, text = match.lastgroup, match.group()
        pos = match.end()
        if kind == "space":
            continue
        if kind == "pname" and text.endswith("."):  # a final "." ends the triple instead
            pos -= len(text) - len(text.rstrip("."))
            text = text.rstrip(".")
        tokens += 1
        if stop_after is not None and tokens > stop_after:
            break
        if kind == "word":
            upper = text.upper()
            service = service or _is_service(text)
            patterns += upper in _PATTERN_WORDS
            describing = describing or upper == "DESCRIBE"
            describing = describing and upper not in ("WHERE", "FROM")
        elif kind == "pname":
            service = service or _is_service(text.partition(":")[0])
            patterns += describing and not stack
        elif kind in ("iri", "var"):
            patterns += describing and not stack
        elif text in _OPEN:
            stack.append(text)
            depth = max(depth, len(stack))
            patterns += text == "{"
            describing = False
        elif text in _CLOSE:
            if stack:
                stack.pop()
        elif text in _SEPARATORS and stack and stack[-1] in "{[":
            patterns += 1
    return QueryShape(depth, patterns, tokens, service)
