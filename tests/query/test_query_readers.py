"""The three readers of a query against each other: whatever SERVICE the engine runs, the checks refuse.

A query from a client is read by the shape pass (``beskgraph.query.lexer``), by rdflib
(the grammar check) and by pyoxigraph (the engine), all three given the same text:
escapes decoded, line ends normalised. A place where they tokenise differently - a
name character one of them does not know, a local-name escape, a comment ended by
CR, a long string, ``<`` read as an IRI or as less-than - can hide a SERVICE from a
check and show it to the engine. Hypothesis builds queries from such pieces around a
real SERVICE clause; the engine runs each in a sandboxed process (``sandboxed_engine``),
and whenever it runs a SERVICE, the shape pass must refuse the query, and so must
rdflib on its own (two independent walls).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from beskgraph.query import QueryLimits, QueryRefused, check_shape, decode_escapes, inspect_query
from beskgraph.query.grammar import GrammarError
from beskgraph.query.line_ends import normalise_line_ends
from tests.query.sandboxed_engine import TARGET, SandboxedEngine

# integration: a long search, each query read by a sandboxed child
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs the seccomp sandbox"),
]

SERVICE = f"SERVICE <{TARGET}> {{ ?leak ?y ?z }}"
# Names where readers may disagree: combining marks and U+203F/U+2040 (raw and escaped),
# local-name escapes (\' \# \.), percent escapes.
NAMES = [
    "ex:p",
    "ex:a\u0301",
    "ex:a\u0301\\'",
    "ex:a\u203f",
    "ex:a\u2040\\#",
    "ex:\\'",
    "ex:a\\.b",
    "ex:a%27",
    "ex:p\u00b7",
    "<http://e/a'b>",
    "<http://e/a#b>",
    "?v\u0300",
    "ex:a\\u0301",
    "ex:a\\u203F\\'",
    "ex:a\\u0300\\#",
]
# Literals in the four quotings, holding quotes, "#", braces and CR.
LITERALS = [
    "''",
    '""',
    "'x'",
    '"x"',
    "'''x'''",
    '"""x"""',
    "'''#\r'''",
    '"""\'\'\'"""',
    "'#'",
    '"\'"',
    "'''\r}'''",
    '"""\n#"""',
    "'''\r\n'''",
    "'\\''",
    '"\\""',
    "1",
    "1.5",
    "true",
    "'x'@en",
    "'x'^^ex:t",
    "?o",
    "( ?o 1 )",
]
COMMENTS = ["", "'''", '"""', "'", '"', "}", "{", "SERVICE", "\\'", "\u0301", ">"]
FILTERS = [
    "FILTER(?o<STR('>'))",
    "FILTER(1<2)",
    "FILTER(?o != '#')",
    "FILTER(?o<'''x''')",
    "FILTER(?o<<http://e/a'b>)",
    'FILTER(STR(?o)<"\'")',
    "FILTER(?o<<a'>)",
    "FILTER(?o<?p#>\n)",
]
# Token-level noise.
PIECES = [
    "\\'",
    '\\"',
    "\\#",
    "'",
    '"',
    "'''",
    '"""',
    "#",
    "\r",
    "\n",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "\u00a0",
    "\u2028",
    "\x0b",
    "\x0c",
    "\\u000D",
    "\\u0022",
    "\\u0027",
    "@en",
    "^^",
    ".",
    "ex:a\u0301",
    "\u0301",
]
TEMPLATES = [  # {a} and {b}: where the generated text goes
    "PREFIX ex: <http://e/> SELECT * { { ?s ?p ?o . {a} } UNION { " + SERVICE + " } { {b} } }",
    "PREFIX ex: <http://e/> SELECT * { ?s ?p ?o . {a} " + SERVICE + " {b} }",
    "PREFIX ex: <http://e/> SELECT * { ?s ?p ?o . {a} OPTIONAL { " + SERVICE + " } {b} }",
    "PREFIX ex: <http://e/> SELECT * { ?s ?p ?o . {a} SERVICE {b} <" + TARGET + "> { } }",
    # subqueries: ( in a projection opens an expression, where < may be less-than
    "PREFIX ex: <http://e/> SELECT * { { SELECT ?s (1 AS ?w) (?s<STR('>') AS ?x) WHERE { ?s ?p ?o . {a} "
    + SERVICE
    + " {b} } } }",
    "PREFIX ex: <http://e/> SELECT * { { SELECT ?s WHERE { ?s ?p ?o . {a} } } { SELECT ?s (?s<1 AS ?x) { "
    + SERVICE
    + " {b} } } }",
]
# Found by hand (the reported query and variants): each must stay refused.
REPORTED = [
    "PREFIX ex: <http://e/> SELECT * { { ?s ex:a\\u0301\\''' . # \r } UNION { "
    + SERVICE
    + " } { # '''\n } }",
    "PREFIX ex: <http://e/> SELECT * { { ?s ex:a\u203f\\''' . # \r } UNION { " + SERVICE + " } { # '''\n } }",
    "PREFIX ex: <http://e/> SELECT * { { ?s ex:a\\u2040\\''' . # \r\n } UNION { "
    + SERVICE
    + " } { # '''\n } }",
    "PREFIX ex: <http://e/> SELECT * { { ?s ex:a\u0300\\''' . # \r\n } UNION { "
    + SERVICE
    + " } { # '''\n } }",
    "PREFIX ex: <http://e/> SELECT * { ?s ?p ?o FILTER(?o<STR('>')||true) "
    + SERVICE
    + " FILTER('x'||true) }",
    "SELECT * { { SELECT ?s (?s<STR('>') AS ?x) WHERE { " + SERVICE + " } } # '\n }",
    "SELECT * { { SELECT ?s (1 AS ?w) (?s<STR('>') AS ?x) WHERE { " + SERVICE + " } } # '\n }",
]

gap = st.one_of(
    st.sampled_from([" ", "\r", "\n", "\r\n", "\t"]),
    st.builds(
        lambda text, end: f"#{text}{end}", st.sampled_from(COMMENTS), st.sampled_from(["\r", "\n", "\r\n"])
    ),
)
separator = st.one_of(gap, st.just(""))  # or glued
triple = st.builds(
    lambda s, a, p, b, o, c: f"{s}{a}{p}{b}{o}{c}.",
    st.sampled_from(["?s", "_:b\u0301", "ex:s", "ex:a\u0301\\'"]),
    gap,
    st.sampled_from([*NAMES, "a"]),
    separator,
    st.sampled_from(NAMES + LITERALS),
    separator,
)
QUOTES = ["'''", '"""', "''", '""', "'", '"']
statement = st.one_of(triple, triple, st.sampled_from(FILTERS), st.sampled_from(PIECES))
fragment = st.lists(st.tuples(statement, separator), max_size=3).map(
    lambda parts: "".join(a + b for a, b in parts)
)


@st.composite
def halves(draw: st.DrawFn) -> tuple[str, str]:
    """Text before and after the SERVICE: a name glued to quotes (one reader may end the name
    early and open a string there) before, the same quotes after, among other statements."""
    quotes = draw(st.sampled_from(QUOTES))
    disguise = f"?s {draw(st.sampled_from(NAMES))}{quotes}{draw(separator)}.{draw(separator)}"
    closer = f"{draw(separator)}{quotes}{draw(separator)}"
    glued = draw(st.booleans())
    return (
        draw(fragment) + (disguise if glued else "") + draw(fragment),
        draw(fragment) + (closer if glued else "") + draw(fragment),
    )


def handed_on(query: str) -> str:
    """The text every reader gets: escapes decoded, line ends normalised (or a refusal)."""
    return normalise_line_ends(decode_escapes(query))


def shape_refuses(text: str) -> bool:
    """The first wall, before any parser: the shape pass."""
    try:
        check_shape(text, QueryLimits())
    except QueryRefused:
        return True
    return False


def grammar_refuses(text: str) -> bool:
    """The second wall on its own: rdflib's parse tree."""
    try:
        inspect_query(text, 300)
    except (QueryRefused, GrammarError):
        return True
    return False


@pytest.fixture(scope="module")
def engine() -> Iterator[SandboxedEngine]:
    with SandboxedEngine() as running:
        yield running


def test_the_oracle_sees_a_service_the_engine_runs(engine: SandboxedEngine) -> None:
    assert engine.verdict(f"SELECT * {{ ?s ?p ?o {SERVICE} }}")[0] == "service"
    assert engine.verdict(f"SELECT * {{ ?s ?p ?o FILTER('{SERVICE}' != '') }}")[0] == "ran"
    assert engine.verdict("SELECT * {")[0] == "syntax"


@pytest.mark.parametrize("query", REPORTED)
def test_the_reported_disguises_run_a_service_and_are_refused(engine: SandboxedEngine, query: str) -> None:
    text = handed_on(query)
    assert engine.verdict(text)[0] == "service"  # the engine would run it: a real disguise
    assert shape_refuses(text)
    assert grammar_refuses(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from(TEMPLATES), text=halves())
@example(template=TEMPLATES[0], text=("?s ex:a\u0301\\''' . # \r", "# '''\n"))
def test_whatever_service_the_engine_runs_is_refused(
    engine: SandboxedEngine, template: str, text: tuple[str, str]
) -> None:
    before, after = text
    try:
        query = handed_on(template.replace("{a}", before).replace("{b}", after))
    except QueryRefused:
        return  # refused before anything reads it
    verdict = engine.verdict(query)[0]
    event(verdict)  # --hypothesis-show-statistics: how many ran a SERVICE
    if verdict == "service":
        assert shape_refuses(query), f"the shape pass lets through a SERVICE the engine runs: {query!r}"
        assert grammar_refuses(query), f"rdflib lets through a SERVICE the engine runs: {query!r}"
