"""The planner: loads what a request asks for, level by level, before graphql-core walks it.

A top-level field hands its selection to the planner, which reads it as graphql-core
will (fragments, type conditions, ``@skip``/``@include``, aliases) and loads level by
level: for every field returning nodes across all objects of a level, one query per
relation and one per node type (``loaders.py`` batches and caches them). It builds each
object with its scalar fields set from its record, and attaches what each field returns
to its parent under the field's response key. graphql-core then walks plain objects; no
resolver waits for the store.

A field the planner did not prefetch (it asks the planner itself, see ``fields.py``)
is loaded the same way from where it stands, so the planner is an optimisation, never a
condition of a right answer. A field whose loading failed keeps its error, raised when
graphql-core reaches it, so it is reported at its own path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    get_argument_values,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_directive_values
from strawberry.types import Info
from strawberry.types.arguments import convert_arguments

from beskgraph.api.graphql import listings
from beskgraph.api.graphql.connections import Connection, Edge, PageInfo, new
from beskgraph.api.graphql.fields import Failed, Link, Relation, read
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.pagination import Page, PageRequest, encode_cursor, slice_rows
from beskgraph.api.graphql.queries import Listing
from beskgraph.api.graphql.records import Record
from beskgraph.api.graphql.registry import FieldInfo, TypeInfo, candidates, info_of, resolve

ONLY_COUNTED = {"totalCount", "__typename"}  # a connection asked for these alone needs no rows


class Holder:
    """Stands in for the root (Query) as the parent of top-level fields."""


@dataclass
class Group:
    """Objects of one type that one selection (these field nodes) is asked of."""

    info: TypeInfo
    nodes: list[FieldNode]
    objects: list[Any] = field(default_factory=list)


@dataclass
class Work:
    """One field to load for the objects of a group, under one response key."""

    parent: TypeInfo
    objects: list[Any]
    key: str
    field: FieldInfo
    definition: GraphQLField
    nodes: list[FieldNode]
    arguments: dict[str, Any]


class Planner:
    """Prefetches one request's objects (see the module doc)."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self._info: Any = None  # graphql-core's resolve info of the operation (fragments, variables)
        self._strawberry: Any = None  # the strawberry schema (argument conversion)
        self._variables: VariableValues | None = None

    # -- entry points ---------------------------------------------------------------

    async def fallback(self, parent: Any, info: Info, arguments: dict[str, Any]) -> Any:
        """The value of a field the planner did not prefetch, with everything below it prefetched."""
        raw = self._setup(info)
        parent_type = info_of(type(parent)) if parent is not None else root_info()
        holder = parent if parent is not None else new(Holder)
        field_info = parent_type.fields.get(raw.field_name)
        if field_info is None:
            raise RuntimeError(f"{raw.parent_type.name}.{raw.field_name} is answered by the planner only")
        definition = raw.parent_type.fields[raw.field_name]
        work = Work(
            parent_type, [holder], raw.path.key, field_info, definition, list(raw.field_nodes), arguments
        )
        await self._descend(await self._load(work))
        return read(holder, raw.path.key)

    async def nodes(self, info: Info, cls: type, iris: Sequence[str]) -> list[Any]:
        """Objects of ``cls`` (a type or interface) for these IRIs, prefetched for the field's selection;
        an IRI that is no node of it is left out."""
        raw = self._setup(info)
        found = await self._objects(cls, iris)
        groups: dict[tuple[str, int], Group] = {}
        built = [self._build(*found[iri], iri, list(raw.field_nodes), groups) for iri in iris if iri in found]
        await self._descend(list(groups.values()))
        return built

    async def connection(self, info: Info, cls: type, listing: Listing, request: PageRequest) -> Any:
        """A top-level connection of ``listing`` (search), prefetched for the field's selection."""
        raw = self._setup(info)
        holder = new(Holder)
        field_info = root_info().fields[raw.field_name]
        work = Work(
            root_info(),
            [holder],
            raw.path.key,
            field_info,
            raw.parent_type.fields[raw.field_name],
            list(raw.field_nodes),
            {},
        )
        await self._descend(await self._connect(work, cls, listing, request))
        return read(holder, raw.path.key)

    def _setup(self, info: Info) -> Any:
        raw = info._raw_info
        if self._info is None:
            self._info, self._strawberry = raw, info.schema
            # strawberry gives resolvers the coerced dict; graphql-core's helpers want the container
            self._variables = VariableValues(sources={}, coerced=raw.variable_values)
        return raw

    # -- levels ---------------------------------------------------------------------

    async def _descend(self, groups: list[Group]) -> None:
        while groups:
            works = [work for group in groups for work in self._works(group)]
            loaded = await asyncio.gather(*(self._load(work) for work in works))
            groups = [group for found in loaded for group in found]

    def _works(self, group: Group) -> list[Work]:
        runtime = self._info.schema.get_type(group.info.name)
        found = []
        for key, nodes in self.collect(runtime, group.nodes).items():
            field_info = group.info.fields.get(nodes[0].name.value)
            if field_info is None or not isinstance(field_info.spec, (Link, Relation)):
                continue
            definition = runtime.fields[nodes[0].name.value]
            found.append(
                Work(
                    group.info,
                    group.objects,
                    key,
                    field_info,
                    definition,
                    nodes,
                    self._arguments(definition, field_info, nodes[0]),
                )
            )
        return found

    async def _load(self, work: Work) -> list[Group]:
        """Load one field for its objects; the next level's groups. A failure is kept per object."""
        try:
            if isinstance(work.field.spec, Relation):
                spec = work.field.spec
                listing = listings.listing(
                    work.field.target,
                    work.arguments.get("filter"),  # type: ignore[arg-type]
                    work.arguments.get("order_by"),
                    spec.order,
                )
                request = PageRequest.of(
                    *(work.arguments.get(a) for a in ("first", "after", "last", "before"))
                )
                return await self._connect(work, work.field.target, listing, request)  # type: ignore[arg-type]
            return await self._link(work)
        except Exception as exc:  # reported where graphql-core meets the field (see ``read``)
            for obj in work.objects:
                obj._prefetched[work.key] = Failed(exc)
            return []

    async def _link(self, work: Work) -> list[Group]:
        spec: Link = work.field.spec  # type: ignore[assignment]
        linked = [
            [obj.iri] if spec.path is None else [str(v) for v in obj._record.along(spec.path)]
            for obj in work.objects
        ]
        found = await self._objects(work.field.target, [iri for iris in linked for iri in iris])  # type: ignore[arg-type]
        groups: dict[tuple[str, int], Group] = {}
        for obj, iris in zip(work.objects, linked, strict=True):
            kept = [iri for iri in iris if iri in found and self._keeps(spec, work, found[iri][1])]
            if spec.sort is not None:
                kept.sort(key=lambda iri: spec.sort(found[iri][1]))  # type: ignore[misc]
            built = [self._build(*found[iri], iri, work.nodes, groups) for iri in kept]
            obj._prefetched[work.key] = built if work.field.many else (built[0] if built else None)
        return list(groups.values())

    @staticmethod
    def _keeps(spec: Link, work: Work, record: Record) -> bool:
        if any(not record.has(predicate, wanted) for predicate, wanted in spec.where):
            return False
        return spec.matches is None or spec.matches(work.arguments, record, work.parent)

    async def _connect(self, work: Work, cls: type, listing: Listing, request: PageRequest) -> list[Group]:
        """Connections of ``listing`` for the work's objects (along its relation, or top-level)."""
        request.position(listing.ordering)  # a cursor of another list is refused even when no row is read
        runtime = get_named_type(work.definition.type)
        selected = self.collect(runtime, work.nodes)  # type: ignore[arg-type]
        rows_needed = any(nodes[0].name.value not in ONLY_COUNTED for nodes in selected.values())
        counted = any(nodes[0].name.value == "totalCount" for nodes in selected.values())
        path = work.field.spec.path if isinstance(work.field.spec, Relation) else None
        pages: dict[str | None, Page] = {}
        counts: dict[str | None, int] = {}
        if path is None:
            page, count = await asyncio.gather(
                self.loader.page(listing, request) if rows_needed else _none(),
                self.loader.count(listing) if counted else _none(),
            )
            pages[None], counts[None] = page or Page([], False, False), count or 0
        else:
            parents = [obj.iri for obj in work.objects]
            if rows_needed:
                rows = await self.loader.related(path, listing, parents)
                for parent, found in rows.items():
                    pages[parent] = slice_rows(found, request, listing.sort.descending, listing.ordering)
                    counts[parent] = len(found)
            else:
                counts.update(await self.loader.related_counts(path, listing, parents))
        children = await self._objects(cls, [iri for page in pages.values() for _, iri in page.rows])
        groups: dict[tuple[str, int], Group] = {}
        for obj in work.objects:
            key = obj.iri if path is not None else None
            page = pages.get(key, Page([], False, False))
            obj._prefetched[work.key] = self._connection(
                page, counts.get(key, 0), listing.ordering, children, runtime, selected, groups
            )  # type: ignore[arg-type]
        return list(groups.values())

    def _connection(
        self,
        page: Page,
        count: int,
        ordering: str,
        children: dict[str, tuple[TypeInfo, Record]],
        runtime: GraphQLObjectType,
        selected: dict[str, list[FieldNode]],
        groups: dict[tuple[str, int], Group],
    ) -> Any:
        rows = [(key, iri) for key, iri in page.rows if iri in children]
        info = PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=encode_cursor(ordering, page.rows[0]) if page.rows else None,
            end_cursor=encode_cursor(ordering, page.rows[-1]) if page.rows else None,
        )
        made = new(Connection, page_info=info)
        for key, nodes in selected.items():
            name = nodes[0].name.value
            if name == "totalCount":
                made._prefetched[key] = count
            elif name == "nodes":
                made._prefetched[key] = [self._build(*children[iri], iri, nodes, groups) for _, iri in rows]
            elif name == "edges":
                edge_type = get_named_type(runtime.fields["edges"].type)
                made._prefetched[key] = [
                    self._edge(ordering, row, children[row[1]], edge_type, nodes, groups) for row in rows
                ]
        return made

    def _edge(
        self,
        ordering: str,
        row: tuple[Any, str],
        child: tuple[TypeInfo, Record],
        runtime: Any,
        nodes: list[FieldNode],
        groups: dict[tuple[str, int], Group],
    ) -> Any:
        edge = new(Edge, cursor=encode_cursor(ordering, row))
        for key, node_nodes in self.collect(runtime, nodes).items():
            if node_nodes[0].name.value == "node":
                edge._prefetched[key] = self._build(*child, row[1], node_nodes, groups)
        return edge

    # -- nodes ----------------------------------------------------------------------

    async def _objects(self, cls: type, iris: Sequence[str]) -> dict[str, tuple[TypeInfo, Record]]:
        """The type and record of each IRI that is a node of ``cls`` (a type or interface)."""
        if not iris:
            return {}
        among = candidates(cls)
        if len(among) == 1:
            typed: dict[str, TypeInfo] = dict.fromkeys(iris, among[0])
        else:
            told = await self.loader.types(iris)
            typed = {iri: found for iri, types in told.items() if (found := resolve(types, among))}
        by_type: dict[str, list[str]] = {}
        for iri, info in typed.items():
            by_type.setdefault(info.name, []).append(iri)
        loaded = await asyncio.gather(
            *(self.loader.records(typed[batch[0]], batch) for batch in by_type.values())
        )
        found = {}
        for records in loaded:
            for iri, record in records.items():
                info = typed[iri]
                if record.types.intersection(info.classes):
                    found[iri] = (info, record)
        return found

    @staticmethod
    def _build(
        info: TypeInfo, record: Record, iri: str, nodes: list[FieldNode], groups: dict[tuple[str, int], Group]
    ) -> Any:
        obj = info.build(iri, record)
        group = groups.get((info.name, id(nodes)))
        if group is None:
            group = groups[(info.name, id(nodes))] = Group(info, nodes)
        group.objects.append(obj)
        return obj

    # -- the selection ------------------------------------------------------------------

    def collect(self, runtime: GraphQLObjectType, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        """The fields selected on an object of type ``runtime`` below ``nodes``, by response key."""
        fields: dict[str, list[FieldNode]] = {}
        todo: list[SelectionSetNode] = [node.selection_set for node in nodes if node.selection_set]
        while todo:
            for selection in todo.pop(0).selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    fields.setdefault((selection.alias or selection.name).value, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if self._applies(selection.type_condition, runtime):
                        todo.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self._info.fragments.get(selection.name.value)
                    if fragment is not None and self._applies(fragment.type_condition, runtime):
                        todo.append(fragment.selection_set)
        return fields

    def _included(self, node: Any) -> bool:
        if not node.directives:
            return True
        variables = self._variables
        skip = get_directive_values(GraphQLSkipDirective, node, variables)
        include = get_directive_values(GraphQLIncludeDirective, node, variables)
        return not (skip and skip["if"]) and not (include and not include["if"])

    def _applies(self, condition: NamedTypeNode | None, runtime: GraphQLObjectType) -> bool:
        if condition is None or condition.name.value == runtime.name:
            return True
        named = self._info.schema.get_type(condition.name.value)
        return named is not None and self._info.schema.is_sub_type(named, runtime)

    def _arguments(self, definition: GraphQLField, field_info: FieldInfo, node: FieldNode) -> dict[str, Any]:
        """A field's arguments as its resolver would get them (coerced, inputs as objects)."""
        if not definition.args:
            return {}
        raw = get_argument_values(definition, node, self._variables)
        converter = self._strawberry.schema_converter
        return convert_arguments(
            raw,
            field_info.definition.arguments,
            scalar_registry=converter.scalar_registry,
            config=self._strawberry.config,
        )


async def _none() -> None:
    return None


ROOT: list[TypeInfo] = []  # the Query type's declared fields, set when the schema is built


def root_info() -> TypeInfo:
    return ROOT[0]
