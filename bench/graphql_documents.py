"""The worst GraphQL documents an attacker can send, and how long preparing each takes.

Preparing is everything done before a request runs (parse, document limits,
validation); it must stay in milliseconds for any document under the limits. The
baseline, measured in the same run, is what the server did before: graphql-core's
validation plus strawberry's depth and alias limiters, which walk every copy of a
fragment (so only small fan-outs are timed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, get_named_type, is_leaf_type, parse, specified_rules, validate
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter

from beskgraph.api.graphql.limits import MAX_ALIASES, MAX_DEPTH, MAX_NESTING, MAX_TOKENS
from beskgraph.api.graphql.preparation import prepare
from beskgraph.api.graphql.schema import schema

GRAPHQL = schema._schema


def fan_out(levels: int) -> str:
    """Each fragment spreads the previous one twice: 2^levels copies of ``__typename``."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"{{ ...F{levels} }}\n" + "\n".join(fragments)


def every_leaf() -> str:
    """Every leaf of every node type, by fragments (a leaf non-null on one type and nullable on
    another, such as ``name``, is asked on the first type that has it only: they would not merge)."""
    fragments, spreads, seen = [], [], {}
    for name, kind in sorted(GRAPHQL.type_map.items()):
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__") and "iri" in kind.fields:
            leaves = [
                field
                for field, definition in kind.fields.items()
                if is_leaf_type(get_named_type(definition.type))
                and seen.setdefault(field, str(definition.type)) == str(definition.type)
            ]
            fragments.append(f"fragment All{name} on {name} {{ {' '.join(leaves)} }}")
            spreads.append(f"...All{name}")
    return f'{{ node(id: "x") {{ {" ".join(spreads)} }} }}\n' + "\n".join(fragments)


def attacks() -> dict[str, str]:
    """Hostile documents, each at or just past a limit."""
    chain = ["fragment C0 on Query { __typename }"] + [
        f"fragment C{i} on Query {{ ...C{i - 1} }}" for i in range(1, 199)
    ]
    return {
        "fan-out 2^22 (1 KB)": fan_out(22),
        "fan-out 2^40": fan_out(40),
        "chain of 199 fragments": "{ ...C198 }\n" + "\n".join(chain),
        "220 same fields (overlaps)": "{ " + " ".join(['municipality(code: "1") { name }'] * 220) + " }",
        "220 conflicting fields": "{ "
        + " ".join(f'municipality(code: "{i}") {{ name }}' for i in range(220))
        + " }",
        f"{MAX_TOKENS} tokens, one field 1 970 times": "{ "
        + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES))
        + " __typename" * (MAX_TOKENS - 3 * MAX_ALIASES - 3)
        + " }",
        "1 950 tokens in 150 operations (valid)": "\n".join(
            f'query Q{i} {{ municipality(code: "{i}") {{ name }} }}' for i in range(150)
        ),
        "every leaf of every type": every_leaf(),
        f"depth {MAX_DEPTH + 1} through fragments": "{ criteria { nodes { ...D5 } } }\n"
        + "fragment D0 on Criterion { statement }\n"
        + "\n".join(
            f"fragment D{i} on Criterion {{ assessments {{ nodes {{ criterion {{ ...D{i - 1} }} }} }} }}"
            for i in range(1, 6)
        ),
        f"brackets {MAX_NESTING + 1} deep": "{ m: municipalities(first: "
        + "[" * (MAX_NESTING + 1)
        + "]" * (MAX_NESTING + 1)
        + ") { totalCount } }",
        "1 000 comment lines (99 KB)": ("#" + "x" * 97 + "\n") * 1000 + "{ __typename }",
        "a 99 KB string": '{ search(text: "' + "x" * 99_000 + '") { totalCount } }',
        "1 MB of whitespace": "{ __typename }" + " " * 1_000_000,
        "300 levels of braces": "{ a" * 300 + " }" * 300,
    }


def best_ms(run: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in ms (the machine is shared; the minimum is the cost)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def strawberry_before(query: str) -> list[Any]:
    """The validation the server ran before: graphql-core's rules and strawberry's limiters."""
    limiters = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    return validate(GRAPHQL, parse(query, max_tokens=MAX_TOKENS), [*specified_rules, *limiters])


def measure(repeat: int = 5) -> dict[str, Any]:
    """Preparation time and outcome of each attack; fan-outs against the old validation."""
    documents = []
    for name, query in attacks().items():
        prepared = prepare(GRAPHQL, query)
        codes = sorted({e.extensions["code"] for e in prepared.errors}) if prepared.errors else ["OK"]
        took = best_ms(lambda q=query: prepare(GRAPHQL, q), repeat)
        documents.append({"document": name, "chars": len(query), "ms": took, "outcome": codes})
    fan_outs = []
    for levels in (10, 12, 14, 16, 18):
        query = fan_out(levels)
        before = best_ms(lambda q=query: strawberry_before(q), 1 if levels > 14 else repeat)
        now = best_ms(lambda q=query: prepare(GRAPHQL, q), repeat)
        fan_outs.append({"copies": 2**levels, "before_ms": before, "now_ms": now, "ratio": before / now})
    return {"documents": documents, "fan_out": fan_outs}


def report(result: dict[str, Any]) -> str:
    lines = ["Preparing hostile documents (parse, limits, validation; best of 5):", ""]
    for row in result["documents"]:
        lines.append(
            f"  {row['document']:<36} {row['chars']:>9} chars {row['ms']:8.1f} ms  "
            f"{', '.join(row['outcome'])}"
        )
    lines += ["", "Fragment fan-out, before (strawberry limiters) and now:", ""]
    for row in result["fan_out"]:
        lines.append(
            f"  {row['copies']:>8} copies  before {row['before_ms']:9.1f} ms  "
            f"now {row['now_ms']:6.2f} ms  ({row['ratio']:.0f}x)"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
