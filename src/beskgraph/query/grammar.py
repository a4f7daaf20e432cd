"""The grammar check: parse the (escape-decoded) query with rdflib and read its algebra.

Refuses SERVICE anywhere in the parse tree and collects the query form and its FROM /
FROM NAMED graphs. rdflib's parser recurses about 40 Python frames per level of
nesting, so it runs on a thread with a deep stack and a recursion limit sized for the
deepest query the shape check lets through; deeper still is a refusal, never a crash.
pyparsing keeps class-level state, so this runs in a query's own child process (see
``beskgraph.store.children``), never on a server thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from beskgraph.isolation.stack import call_with_stack
from beskgraph.query.errors import QueryRefused
from beskgraph.query.limits import SERVICE_REFUSED

FRAMES_PER_LEVEL = 60  # measured: up to 41 (nested function calls), plus a margin
BASE_FRAMES = 2_000


class GrammarError(Exception):
    """rdflib could not parse the query (a syntax error; the message says where)."""


@dataclass(frozen=True)
class QueryInfo:
    """What the endpoint needs to know about a parsed query."""

    form: str  # SelectQuery | AskQuery | ConstructQuery | DescribeQuery
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()


def _walk(node: object) -> list[CompValue]:
    """Every CompValue in a parse tree (iteratively; trees can be deep)."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)  # type: ignore[arg-type]  # (a ParseResults is iterable; told by name)
    return found


def _parse(query: str) -> object:
    try:
        return parseQuery(query)
    except RecursionError:
        raise
    except Exception as exc:  # pyparsing raises several types; all mean "not a query"
        raise GrammarError(str(exc)) from exc


def inspect_query(query: str, max_depth: int) -> QueryInfo:
    """Parse ``query`` (nested at most ``max_depth`` deep); refuse SERVICE; form and FROM graphs."""
    try:
        tree = call_with_stack(
            lambda: _parse(query), recursion_limit=BASE_FRAMES + FRAMES_PER_LEVEL * max_depth
        )
    except RecursionError as exc:
        raise QueryRefused("the query is nested too deeply to parse", "max_query_depth") from exc
    body = tree[1]  # type: ignore[index]  # (rdflib's tree: prologue, query)
    if any(n.name == "ServiceGraphPattern" for n in _walk(tree)):
        raise QueryRefused(SERVICE_REFUSED)
    # CompValue.get() answers the key itself when absent, hence the ``in`` tests.
    clauses = body["datasetClause"] if "datasetClause" in body else []  # noqa: SIM401
    return QueryInfo(
        form=body.name,
        from_graphs=tuple(str(c["default"]) for c in clauses if "default" in c),
        from_named=tuple(str(c["named"]) for c in clauses if "named" in c),
    )


# pyparsing prepares (streamlines) the grammar on its first parse: do that once here,
# in the server, rather than in every query child.
parseQuery("ASK {}")
