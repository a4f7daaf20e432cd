"""Reading a query once: codepoint escapes, the linear shape pass, the grammar check, the dataset."""

from __future__ import annotations

import re

import pytest

from beskgraph.query import (
    QueryInfo,
    QueryLimits,
    QueryRefused,
    check_shape,
    decode_escapes,
    inspect_query,
    resolve_dataset,
)
from beskgraph.query.grammar import GrammarError
from beskgraph.query.lexer import measure, tokens
from beskgraph.query.line_ends import normalise_line_ends

# --- codepoint escapes (SPARQL 1.1 section 19.2) -----------------------------------


def test_escapes_are_decoded_over_the_whole_query() -> None:
    assert decode_escapes(r'SELECT ?x { ?x ?p "\u00E6\U0001F600" }') == 'SELECT ?x { ?x ?p "æ😀" }'
    assert decode_escapes(r"\u0053ELECT * {}") == "SELECT * {}"  # keywords too, not only strings
    assert decode_escapes(r"<http\u003A//e/x>") == "<http://e/x>"


def test_u_takes_exactly_four_digits() -> None:
    # rdflib read \u00000022 as U+0022 (a quote), pyoxigraph as U+0000 then "0022"
    assert decode_escapes(r'"\u00000022"') == '"\x000022"'


def test_an_escape_that_decodes_to_an_escape_is_refused() -> None:
    for text in (r"\u005Cu0053ERVICE", r"\u005C\u0075" + "0053", r"\U0000005CU00000053"):
        with pytest.raises(QueryRefused, match="decodes to another escape"):
            decode_escapes(text)
    assert decode_escapes(r"\\u0041") == "\\A"  # one backslash, then \u0041: decoded once


@pytest.mark.parametrize("text", [r"\uD800", r"\uDFFF", r"\U00110000", r"\UFFFFFFFF"])
def test_escapes_outside_unicode_scalar_values_are_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="not a Unicode scalar value"):
        decode_escapes(text)


def test_text_without_escapes_is_unchanged() -> None:
    text = 'SELECT * { ?s ?p "a \\" b\\n" } # \\u00'
    assert decode_escapes(text) == text


# --- the shape pass --------------------------------------------------------------


def test_strings_iris_and_comments_hide_nothing_and_count_nothing() -> None:
    query = """ASK { ?s ?p "SERVICE { { {" . ?s ?p '''
      UNION SERVICE ''' . ?s <http://e/SERVICE/x> ?o } # SERVICE { UNION"""
    shape = measure(query)
    assert not shape.service
    assert shape.depth == 1
    assert shape.patterns == 3  # the group and two "." between triple patterns


@pytest.mark.parametrize(
    "query",
    [
        "ASK { SERVICE <http://e/> {} }",
        "ask { sErViCe <http://e/> {} }",
        "ASK { ?s ?p trueSERVICE <http://e/> {} }",  # pyoxigraph reads true, then SERVICE
        "ASK { ?s ?p 1SERVICE <http://e/> {} }",
        "PREFIX service: <http://e/> ASK { ?s service:p ?o }",
        "PREFIX \u017fervice: <http://e/> ASK { ?s \u017fervice:p ?o }",  # long s: case-folds to s
        "ASK { #\rSERVICE <http://e/> {} }",  # a comment ends at CR as well as LF
        "ASK { FILTER(1<2)SERVICE<http://e/>{} FILTER(3>2) }",
    ],
)
def test_every_word_that_could_read_as_service_is_seen(query: str) -> None:
    assert measure(query).service
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_shape(query, QueryLimits())


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service { ?service <http://e/service> 'service' }",
        "PREFIX e: <http://e/> ASK { ?s e:service ?o ; e:p 'x'@service }",
        "ASK { _:service ?p ?o }",
    ],
)
def test_service_as_a_name_is_not_the_keyword(query: str) -> None:
    assert not measure(query).service


def test_nesting_patterns_and_tokens_are_counted() -> None:
    shape = measure("SELECT (STR(?o) AS ?x) { { ?s ?p ?o } UNION { ?s ?q [ ?r ?o ; ?t 1 ] } BIND(1 AS ?y) }")
    assert shape.depth == 3  # { { [
    assert shape.patterns == 7  # AS, 3 groups, UNION, ";" in [ ], AS
    assert shape.tokens == 34
    assert measure("DESCRIBE <http://e/a> ?b <http://e/c> FROM <http://e/g> WHERE { ?b ?p ?o }").patterns == 4
    assert measure("ASK { ?s ?p 1. ?s ?p 1.5 . ?s ?p ex:a. }").patterns == 4  # a final "." ends the triple


def test_counting_stops_at_the_token_limit() -> None:
    shape = measure("?x " * 1_000_000, stop_after=100)
    assert shape.tokens == 101


@pytest.mark.parametrize(
    "text",
    ["'''" + "x\n" * 100_000, '"' + '\\"' * 100_000, '"x\n' * 50_000, "ASK {" + " \n" * 100_000 + "'"],
)
def test_unclosed_strings_are_refused_in_one_pass(text: str) -> None:
    # Each of these would make a backtracking or restarting lexer quadratic. An unclosed
    # string used to be skipped to the end of the line or query; it is now refused, since
    # another reader might end it elsewhere.
    with pytest.raises(QueryRefused, match="not closed"):
        measure(text, stop_after=10_000)


@pytest.mark.parametrize("text", ["<a" * 100_000, "'" * 100_000, "a." * 500_000, "_:a" + "." * 500_000 + "?"])
def test_long_runs_are_one_pass(text: str) -> None:
    # "a.a.a..." re-read the rest of the text at every name (95 s for 1 MB).
    shape = measure(text, stop_after=10_000)
    assert shape.tokens <= 10_001 and not shape.service


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        ("ASK " + "{ " * 301 + "} " * 301, "max_query_depth"),
        ("ASK { FILTER(" + "(" * 301 + "1" + ")" * 301 + ") }", "max_query_depth"),
        ("SELECT * { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(600)) + " }", "max_query_patterns"),
        ("SELECT * { " + " UNION ".join("{ ?s ?p ?o }" for _ in range(10_000)) + " }", "max_query_tokens"),
        ("SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(1001)) + " }", "max_query_patterns"),
        ("DESCRIBE " + " ".join(f"<http://e/{i}>" for i in range(1001)), "max_query_patterns"),
        ("SELECT * { VALUES ?x { " + "1 " * 10_000 + "} }", "max_query_tokens"),
    ],
)
def test_each_limit_refuses_and_names_its_setting(query: str, limit: str) -> None:
    with pytest.raises(QueryRefused) as info:
        check_shape(query, QueryLimits())
    assert info.value.limit == limit


def test_a_query_at_the_limits_passes() -> None:
    limits = QueryLimits(max_query_depth=300, max_query_patterns=1000, max_query_tokens=10_000)
    check_shape("ASK " + "{ " * 300 + "} " * 300, limits)
    check_shape("SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(999)) + " }", limits)


# --- the grammar check -------------------------------------------------------------


def test_grammar_check_reads_form_and_from_graphs() -> None:
    info = inspect_query("SELECT * FROM <http://e/g> FROM NAMED <http://e/h> { ?s ?p ?o }", 10)
    assert info == QueryInfo("SelectQuery", ("http://e/g",), ("http://e/h",))
    assert inspect_query("ASK {}", 10).form == "AskQuery"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://e/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o OPTIONAL { SERVICE SILENT ?u { ?s ?q ?r } } }",
        "ASK { FILTER EXISTS { { SELECT * { GRAPH ?g { SERVICE <http://e/> {} } } } } }",
        "PREFIX : <http://e/> ASK { SERVICE:x {} }",
    ],
)
def test_grammar_check_finds_service_anywhere(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        inspect_query(query, 300)


@pytest.mark.parametrize("depth", [50, 300])
def test_deep_nesting_parses_instead_of_exceeding_the_recursion_limit(depth: int) -> None:
    # rdflib needed ~40 frames a level: 50 nested groups hit Python's default limit of 1000.
    assert inspect_query("ASK " + "{ " * depth + "?s ?p ?o " + "} " * depth, depth).form == "AskQuery"
    call = "SELECT (" + "STR(" * depth + "1" + ")" * depth + " AS ?x) {}"
    assert inspect_query(call, depth).form == "SelectQuery"


def test_nesting_beyond_the_configured_depth_is_refused_not_a_crash() -> None:
    with pytest.raises(QueryRefused) as info:
        inspect_query("ASK { FILTER(" + "STR(" * 400 + "1" + ")" * 400 + ") }", 10)
    assert info.value.limit == "max_query_depth"


def test_grammar_errors_name_the_place() -> None:
    with pytest.raises(GrammarError, match="col"):
        inspect_query("SELECT * WHERE { ?s ", 10)
    with pytest.raises(GrammarError):
        inspect_query("LOAD <http://e/data.ttl>", 10)


# --- the dataset ----------------------------------------------------------------------


def test_protocol_graphs_override_from_and_unknown_graphs_are_refused() -> None:
    info = QueryInfo("SelectQuery", ("http://e/g1",), ())
    known = ["http://e/g1", "http://e/g2"]
    assert resolve_dataset(info, [], [], lambda: known) == (["http://e/g1"], [])
    assert resolve_dataset(info, ["http://e/g2"], [], lambda: known) == (["http://e/g2"], [])
    with pytest.raises(QueryRefused, match=re.escape("<http://127.0.0.1:1/x>")):
        resolve_dataset(info, [], ["http://127.0.0.1:1/x"], lambda: known)


def test_the_graphs_are_asked_only_when_a_dataset_is_named() -> None:
    def never() -> list[str]:
        raise AssertionError("graphs() asked")

    assert resolve_dataset(QueryInfo("AskQuery"), [], [], never) == ([], [])


# --- the exact terminals of SPARQL 1.1 -----------------------------------------------


def texts(query: str) -> list[str]:
    return [token.text for token in tokens(query)]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ex:a\u0301", "pname"),  # combining marks are PN_CHARS
        ("ex:a\u203f\u2040\u00b7-b", "pname"),
        ("ex:a\u0301\\'", "pname"),  # local-name escapes (PLX)
        ("ex:\\#b\\.c\\~%2F:d", "pname"),
        ("\u00e6\u0300x.y:z", "pname"),  # a prefix with marks and inner dots
        ("?v\u0300\u203f", "var"),
        ("$1a\u00b7", "var"),
        ("_:b\u0301.c", "blank"),
        ("'''a\n'b''c'''", "string"),
        ('"""a\n"b""c"""', "string"),
        ("'a\\'\\n'", "string"),
    ],
)
def test_names_and_strings_are_read_with_sparqls_own_classes(name: str, kind: str) -> None:
    read = list(tokens(f"{name} ."))
    assert [(t.kind, t.text) for t in read] == [(kind, name), ("op", ".")]


def test_a_name_ends_where_sparql_ends_it() -> None:
    assert texts("ex:a. ex:b.c.") == ["ex:a", ".", "ex:b.c", "."]  # a final "." ends the triple
    assert texts("_:b..") == ["_:b", ".", "."]
    assert texts("ex:a#c\n?x") == ["ex:a", "?x"]  # "#" unescaped starts a comment
    assert texts("'''x''' ''") == ["'''x'''", "''"]
    assert texts("''''") == ["''", "''"]  # no long string closes: two empty ones, as SPARQL reads it
    assert texts("trueSERVICE") == ["trueSERVICE"]
    assert texts("1SERVICE 1.5e3x") == ["1", "SERVICE", "1.5e3", "x"]


@pytest.mark.parametrize(
    ("query", "character"),
    [
        ("ASK {\u00a0}", "U+00A0 NO-BREAK SPACE"),
        ("ASK {\u2028}", "U+2028 LINE SEPARATOR"),
        ("ASK {\x0b}", "U+000B"),
        ("\ufeffASK {}", "U+FEFF"),
        ("ASK { \u017fERVICE <http://e/> {} }", "U+017F LATIN SMALL LETTER LONG S"),  # uppercases to S
        ("ASK { SERV\u0131CE <http://e/> {} }", "U+0131 LATIN SMALL LETTER DOTLESS I"),
        ('ASK { ?s ex:a\\"b ?o }', "U+005C"),  # \" is not a local-name escape
        ("ASK { ?s ?p ?o } % x", "U+0025"),
        ("ASK { ?s ?p _x }", "U+005F"),
        ("ASK { ?s ?p 'x'@ }", "U+0040"),
        ("ASK { ?s ?p \u00e9 }", "U+00E9"),  # a name character, but no name
    ],
)
def test_a_character_sparql_does_not_allow_there_is_refused(query: str, character: str) -> None:
    with pytest.raises(QueryRefused, match=re.escape(character)) as info:
        check_shape(query, QueryLimits())
    assert "line 1, column" in info.value.message


def test_the_place_of_a_refused_character_is_named() -> None:
    with pytest.raises(QueryRefused, match=r"line 3, column 3"):
        measure("ASK {\n?s ?p\n?o\u00a0}")


@pytest.mark.parametrize(
    "query",
    [
        "ASK { FILTER(?a<STR('>')) }",
        "ASK { FILTER(?a<'x'&&?b>'y') }",
        "ASK { FILTER(?a<?b#>\n) }",
        "ASK { FILTER(ex:f(?a)<ex:b#>\n) }",
        "ASK { FILTER(true<a'>) }",
    ],
)
def test_a_less_than_that_reads_as_an_iri_holding_quote_or_hash_is_refused(query: str) -> None:
    # The SPARQL tokens read an IRI here, the parsers less-than; the quote or "#" then
    # opens a string or a comment for one reader only.
    with pytest.raises(QueryRefused, match="write a space after '<'"):
        measure(query)


@pytest.mark.parametrize(
    "query",
    [
        "ASK { FILTER(?a<?b) FILTER(?a < '#') FILTER(?x = <http://e/a#b>) }",
        "ASK { FILTER(?x IN (<http://e/a#b>, <http://e/c'd>)) }",
        "ASK { ?s ?p (<http://e/a#b> <http://e/c#d>) }",  # a collection: no less-than there
        "ASK { ?s (<http://e/p#a>|<http://e/p#b>) ?o }",
        "SELECT * { ?s ?p ?o } VALUES (?a ?b) { (<http://e/a#b> <http://e/c#d>) }",
        "SELECT (COUNT(DISTINCT <http://e/f#x>(?y)) AS ?n) { }",
        "SELECT * { } ORDER BY ?x <http://e/f#x>(?y)",
        "PREFIX ex:<http://e/#> ASK { ex:a <http://e/p#q> ex:b }",
    ],
)
def test_iris_where_less_than_cannot_stand_are_read_as_iris(query: str) -> None:
    check_shape(query, QueryLimits())


def test_line_ends_become_one() -> None:
    assert normalise_line_ends("a\r\nb\rc\nd\r\r\n") == "a\nb\nc\nd\n\n"
    assert normalise_line_ends(decode_escapes("'''x\\u000D\\u000Ay'''")) == "'''x\ny'''"
    assert normalise_line_ends("'\\r'") == "'\\r'"  # the escape keeps a CR in a value


def test_a_comment_ends_at_the_same_place_for_every_reader() -> None:
    # rdflib ended a comment at LF only, the SPARQL grammar and pyoxigraph at CR too.
    text = normalise_line_ends("ASK { # c\r SERVICE <http://e/> { } }")
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_shape(text, QueryLimits())
    with pytest.raises(QueryRefused, match="SERVICE"):
        inspect_query(text, 300)
