"""The schema, assembled once: the node types and their fields read (``registry``), every
connection given its list's arguments (``listings.LISTS``), the root, strawberry's schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLObjectType, GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionResult
from strawberry.types.field import StrawberryField

from beskgraph.api.graphql import planner, registry, types
from beskgraph.api.graphql.connections import PAGE_ARGUMENTS
from beskgraph.api.graphql.execution import _RUN, PRECHARGED, Guard, GuardedSchema, Run
from beskgraph.api.graphql.fields import PREFETCHED, SPEC, Relation, argument, fast
from beskgraph.api.graphql.listings import LISTS
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.planner import Planner
from beskgraph.api.graphql.root import Query

INTERFACES = (types.Node, types.Sourced, types.Mentionable, types.Party)


def _list_arguments(definition: StrawberryField) -> None:
    """Paging, and the listed type's filter and order, on a connection field."""
    spec = LISTS[registry.connection_node(registry.unwrap(definition.type)[0])]
    found = list(PAGE_ARGUMENTS)
    if spec.filter is not None:
        found.append(argument("filter", spec.filter | None, "Only the items matching this."))
    if spec.order is not None:
        found.append(argument("order_by", spec.order | None, "The order of the list."))
    definition.arguments = found


def _assemble() -> None:
    registry.finalise()
    for cls in (*registry.declared(), *INTERFACES, Query):
        for definition in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]  # strawberry adds __strawberry_definition__ at run time
            spec = (definition.metadata or {}).get(SPEC)
            if isinstance(spec, Relation) and definition.base_resolver.wrapped_func.__name__ != "search":
                _list_arguments(definition)
    planner.ROOT.append(registry.type_info(Query, ()))


def _fast(graphql: GraphQLSchema) -> None:
    """Give every prefetched field graphql-core's plain resolver (``fields.fast``)."""
    for named in graphql.type_map.values():
        for graphql_field in (
            getattr(named, "fields", {}).values() if isinstance(named, GraphQLObjectType) else ()
        ):
            definition = graphql_field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            resolver = getattr(definition, "base_resolver", None)
            if resolver is not None and resolver.wrapped_func in PREFETCHED:
                graphql_field.resolve = fast(graphql_field.resolve)


_assemble()
schema = GuardedSchema(query=Query, types=registry.declared())
_fast(schema._schema)
PRECHARGED.update(registry.TYPES)


@dataclass
class Context:
    """Per-request context: the loader (and through it, the SPARQL sent) and the planner."""

    loader: Loader
    planner: Planner = field(init=False)

    def __post_init__(self) -> None:
        self.planner = Planner(self.loader)


async def execute_prepared(
    document: DocumentNode, query: str, variables: dict[str, Any] | None, loader: Loader
) -> ExecutionResult:
    """Run a parsed and validated document as the server runs it (``http.py``), without its limits:
    for benchmarks, which time what a request costs once its document is in the cache."""
    _RUN.set(Run(document, Guard(max_bytes=2**62, max_objects=2**62)))
    return await schema.execute(query, variable_values=variables, context_value=Context(loader))
