"""The schema as SDL, the contract committed as schema.graphql at the project's root.

    python -m beskgraph.api.graphql.sdl > schema.graphql

tests/api/graphql/test_graphql_contract.py fails when the printed schema and the file differ; a
change to the contract is made on purpose, with the file and CHANGELOG.md.
"""

from __future__ import annotations

from beskgraph.api.graphql.schema import schema


def printed() -> str:
    """The schema's SDL, ending with a newline."""
    return schema.as_str().rstrip("\n") + "\n"


if __name__ == "__main__":
    print(printed(), end="")
