"""One linear pass over a SPARQL query: its shape, measured before anything parses it.

The lexer reads SPARQL 1.1's terminals exactly as the grammar defines them (§19.8,
with its character classes ``PN_CHARS_BASE``, ``PN_CHARS_U``, ``PN_CHARS``,
``VARNAME`` and ``PN_LOCAL`` with its ``PLX`` escapes): strings (all four quotings,
only the escapes SPARQL knows), IRIs, comments, variables, blank nodes, prefixed names,
numbers, language tags, keywords and operators. A character it cannot place in one of
them - one SPARQL does not allow there - is refused, as is a string that is not
closed: where the lexer would have to guess, another reader might guess otherwise
(a name that ended early at a combining mark let ``\\'`` open a string that hid a
SERVICE from the checks). It does not check the grammar; it measures what a parser
or an engine will have to hold:

- ``depth``: the deepest nesting of ``{ ( [`` (parsers recurse on it);
- ``patterns``: graph patterns and the operators that chain them (triple patterns,
  groups, UNION, OPTIONAL, MINUS, FILTER, VALUES, GRAPH, ``AS`` in BIND and SELECT,
  DESCRIBE targets); an engine builds a tree as deep as such a chain is long;
- ``tokens``: everything, so parse time is bounded;
- ``service``: a word that any parser could read as the SERVICE keyword. Deliberately
  broad: ``SERVICE`` glued to a literal (``trueSERVICE``) or a prefix named
  ``service`` (case-folded: ``ſervice:``) count, because one engine or another reads
  each of them as the keyword. Variables, prefixed-name local parts, language tags,
  strings, IRIs and comments never count.

One place of the grammar is read by context, not by longest match: ``<``. SPARQL's
tokens make ``?a<STR('>')`` start with the IRI ``<STR('>``; pyoxigraph and rdflib,
which parse by the grammar, read less-than there (an IRI cannot follow an operand in
an expression). Both readings agree on what is hidden unless that would-be IRI holds
``'`` or ``#`` (which open a string or a comment when read as code), so such a ``<``
right after an operand inside an expression's brackets is refused.

The pass stops counting tokens once ``stop_after`` is reached, so a huge query costs
no more than a query at the limit. Every pattern runs without backtracking over what
it has read (possessive loops, or a run cached once read), so the pass is linear.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from beskgraph.query.errors import QueryRefused

# SPARQL 1.1 grammar, productions [164]-[173].
_BASE = (
    r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
    r"\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
)
_U = _BASE + "_"
_MARKS = r"\u00B7\u0300-\u036F\u203F-\u2040"
_CHARS = _U + r"\-0-9" + _MARKS  # PN_CHARS
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"""\\[tbnrf"'\\]"""


def _strings(q: str) -> re.Pattern[str]:
    """A string literal in quote ``q``: long (three quotes, any line) or short (one line)."""
    long = rf"{q * 3}(?:{q}{{0,2}}(?:[^{q}\\]++|{_ECHAR}))*+{q * 3}"
    short = rf"{q}(?:[^{q}\\\r\n]++|{_ECHAR})*+{q}"
    return re.compile(f"{long}|{short}")


_SPACE = re.compile(r"(?:[ \t\r\n]++|#[^\r\n]*+)++")
_STRING = {"'": _strings("'"), '"': _strings('"')}
_IRI = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*+)>')
_VAR = re.compile(rf"[?$][{_U}0-9][{_U}0-9{_MARKS}]*+")
_BLANK = re.compile(rf"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?")
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*+")
_EXPONENT = r"[eE][+-]?[0-9]+"
_NUMBER = re.compile(rf"[0-9]+\.[0-9]*{_EXPONENT}|[0-9]*\.[0-9]+(?:{_EXPONENT})?|[0-9]+(?:{_EXPONENT})?")
_PREFIX_RUN = re.compile(rf"[{_BASE}][{_CHARS}.]*+")
_LOCAL = re.compile(rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*+")
_OPERATOR = re.compile(r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*/|^!=<>+\-?]")

_OPEN, _CLOSE = "{([", "})]"
# Keywords that add a graph pattern or bind a variable (each a node in the algebra);
# ``AS`` counts every BIND and every projected expression.
_PATTERN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "VALUES", "GRAPH", "SERVICE", "AS"})
_SEPARATORS = frozenset(".;,")  # between triple patterns, inside { } or [ ]
_MODIFIERS = frozenset({"ORDER", "GROUP", "HAVING"})  # what follows holds expressions
# Brackets: a group, a VALUES block, a blank node, an expression's ( ), other ( )
# (collections, property paths, VALUES rows), where "<" cannot be less-than.
_GROUP, _DATA_BLOCK, _NODE, _EXPRESSION, _LIST = "{", "{v", "[", "(e", "(d"
_OPERAND_ENDS = frozenset({"string", "iri", "var", "blank", "langtag", "number", "pname"})


@dataclass(frozen=True)
class QueryShape:
    """What one pass over a query found (see module doc)."""

    depth: int
    patterns: int
    tokens: int
    service: bool


@dataclass(frozen=True)
class Token:
    """One terminal: its kind, its text and where it starts."""

    kind: str  # string iri var blank langtag number pname word op
    text: str
    start: int


def _is_service(word: str) -> bool:
    return "SERVICE" in word.upper() or "service" in word.casefold()


def _where(query: str, pos: int) -> str:
    line = query.count("\n", 0, pos) + 1
    return f"line {line}, column {pos - query.rfind(chr(10), 0, pos)}"


def _character(char: str) -> str:
    code = f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()
    return f"{char!r} ({code})" if char.isprintable() and not char.isspace() else code


class _Tokens:
    """SPARQL's terminals of ``query`` in order, white space and comments skipped."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.pos = 0
        self._no_prefix_before = 0  # inside a run of name characters known not to end in ":"

    def next(self) -> Token | None:
        query, pos = self.query, self.pos
        space = _SPACE.match(query, pos)
        if space:
            pos = space.end()
        if pos >= len(query):
            self.pos = pos
            return None
        token = self._read(pos)
        self.pos = token.start + len(token.text)
        return token

    def _read(self, pos: int) -> Token:
        query = self.query
        char = query[pos]
        if char in _STRING:
            match = _STRING[char].match(query, pos)
            if not match:
                raise QueryRefused(
                    f"a string that is not closed (on its line, for one in single quotes), "
                    f"or holds an escape SPARQL does not know ({_where(query, pos)})"
                )
            return Token("string", match.group(), pos)
        for kind, pattern in (
            ("iri", _IRI),
            ("var", _VAR),
            ("blank", _BLANK),
            ("langtag", _LANGTAG),
            ("number", _NUMBER),
        ):
            match = pattern.match(query, pos)
            if match:
                return Token(kind, match.group(), pos)
        name = self._name(pos)
        if name:
            return name
        match = _OPERATOR.match(query, pos)
        if match:
            return Token("op", match.group(), pos)
        raise QueryRefused(f"SPARQL allows no {_character(char)} here ({_where(query, pos)})")

    def _name(self, pos: int) -> Token | None:
        """A prefixed name (``PN_PREFIX? ':' PN_LOCAL?``) or a keyword at ``pos``."""
        query = self.query
        colon = pos
        if pos >= self._no_prefix_before:
            run = _PREFIX_RUN.match(query, pos)
            if run:
                end = run.end()
                if end < len(query) and query[end] == ":" and query[end - 1] != ".":
                    colon = end
                else:  # the same holds from any later start inside this run
                    self._no_prefix_before = end
        if colon < len(query) and query[colon] == ":":
            local = _LOCAL.match(query, colon + 1)
            return Token("pname", query[pos : local.end() if local else colon + 1], pos)
        word = _WORD.match(query, pos)
        return Token("word", word.group(), pos) if word else None


def tokens(query: str) -> Iterator[Token]:
    """SPARQL's terminals of ``query`` (refused as :func:`measure` refuses, bar the ``<`` check)."""
    reader = _Tokens(query)
    while (token := reader.next()) is not None:
        yield token


@dataclass
class _Context:
    """What the shape pass keeps while it walks the tokens."""

    stack: list[str]
    previous: Token | None = None
    before_previous: Token | None = None
    modifiers: bool = False  # after ORDER / GROUP / HAVING at this level
    projecting: bool = False  # after SELECT, until WHERE or its group opens: ( is (expr AS ?v)
    values: bool = False  # after VALUES, until its block opens

    def opening(self, text: str) -> str:
        """The kind of bracket ``text`` opens here."""
        parent = self.stack[-1] if self.stack else None
        if text == "{":
            return _DATA_BLOCK if self.values else _GROUP
        if text == "[":
            return _NODE
        previous, before = self.previous, self.before_previous
        if parent in (_EXPRESSION, None) or self.modifiers or self.projecting:
            return _EXPRESSION
        if parent in (_DATA_BLOCK, _LIST):
            return _LIST
        if previous is not None and previous.kind == "word":
            return _LIST if previous.text.upper() == "VALUES" else _EXPRESSION
        if (
            previous is not None
            and previous.kind in ("iri", "pname")
            and before is not None
            and before.text.upper() == "FILTER"
        ):
            return _EXPRESSION  # FILTER ex:f(...)
        return _LIST

    def less_than_possible(self) -> bool:
        """Whether ``<`` here could be the less-than of an expression (after an operand)."""
        previous = self.previous
        if not self.stack or self.stack[-1] != _EXPRESSION or previous is None:
            return False
        return (
            previous.kind in _OPERAND_ENDS
            or previous.text in (")", "]")
            or previous.text.lower() in ("true", "false")
        )


def _check_iri(token: Token, context: _Context, query: str) -> None:
    if ("'" in token.text or "#" in token.text) and context.less_than_possible():
        raise QueryRefused(
            f"'<' at {_where(query, token.start)} reads as less-than to a parser and as the start of "
            f"the IRI {token.text[:60]} to the SPARQL tokens; write a space after '<'"
        )


def measure(query: str, stop_after: int | None = None) -> QueryShape:
    """The shape of ``query``; token counting stops after ``stop_after`` tokens.

    Raises :class:`QueryRefused` at a character SPARQL does not allow where it stands,
    a string that is not closed, or an ambiguous ``<`` (see module doc).
    """
    context = _Context([])
    depth = patterns = count = 0
    service = describing = False
    for token in tokens(query):
        count += 1
        if stop_after is not None and count > stop_after:
            break
        kind, text = token.kind, token.text
        if kind == "word":
            upper = text.upper()
            service = service or _is_service(text)
            patterns += upper in _PATTERN_WORDS
            describing = describing or upper == "DESCRIBE"
            describing = describing and upper not in ("WHERE", "FROM")
            context.modifiers = context.modifiers or upper in _MODIFIERS
            context.values = context.values or upper == "VALUES"
            context.projecting = (context.projecting or upper == "SELECT") and upper != "WHERE"
        elif kind == "pname":
            service = service or _is_service(text.partition(":")[0])
            patterns += describing and not context.stack
        elif kind in ("iri", "var"):
            if kind == "iri":
                _check_iri(token, context, query)
            patterns += describing and not context.stack
        elif text in _OPEN:
            opened = context.opening(text)
            context.stack.append(opened)
            depth = max(depth, len(context.stack))
            patterns += text == "{"
            describing = False
            if text == "{":
                context.modifiers = context.values = context.projecting = False
        elif text in _CLOSE:
            if context.stack:
                context.stack.pop()
            if text == "}":
                context.modifiers = False
        elif text in _SEPARATORS and context.stack and context.stack[-1] in (_GROUP, _DATA_BLOCK, _NODE):
            patterns += 1
        context.before_previous, context.previous = context.previous, token
    return QueryShape(depth, patterns, count, service)
