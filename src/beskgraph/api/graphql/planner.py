"""The planner: loads what a request asks for, level by level, before graphql-core walks it.

A top-level field hands its selection to the planner, which reads it as graphql-core
will (fragments, type conditions, ``@skip``/``@include``, aliases) and loads level by
level. A level is loaded in three steps over all the fields of all its objects: the
rows of each relation (one query each), the rdf:types of nodes whose type is to be told
(one query), the records of the new nodes (one query per node type). Each object is
built over its record, its scalars plain attributes, and what each field returns is
attached to its parent under the field's response key. graphql-core then walks plain
objects; no resolver waits for the store.

A field the planner did not prefetch (it asks the planner itself, see ``fields.py``)
is loaded the same way from where it stands, so the planner is an optimisation, never a
condition of a right answer. A field whose loading failed keeps its error, raised when
graphql-core reaches it, so it is reported at its own path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

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
from beskgraph.api.graphql.execution import Guard, current_guard
from beskgraph.api.graphql.fields import Failed, Link, Relation, read
from beskgraph.api.graphql.hits import snippet
from beskgraph.api.graphql.loaders import Loader
from beskgraph.api.graphql.pagination import NO_ROWS, Page, PageRequest, encode_cursor, slice_rows
from beskgraph.api.graphql.queries import Listing
from beskgraph.api.graphql.records import Record
from beskgraph.api.graphql.registry import FieldInfo, TypeInfo, candidates, info_of, resolve
from beskgraph.search import Hit

ONLY_COUNTED = {"totalCount", "__typename"}  # a connection asked for these alone needs no rows


class Holder:
    """Stands in for the root (Query) as the parent of top-level fields."""


@dataclass
class Group:
    """Objects of one type that one selection (these field nodes) is asked of."""

    info: TypeInfo
    nodes: list[FieldNode]
    objects: list[Any] = dataclasses.field(default_factory=list)


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
    listing: Listing | None = None  # a connection's, with its page request
    request: PageRequest | None = None
    linked: list[list[str]] = dataclasses.field(default_factory=list)  # a link's nodes, per object
    # a connection's pages and counts, per parent (None: top), and what is asked of it
    pages: dict[str | None, Page] = dataclasses.field(default_factory=dict)
    counts: dict[str | None, int] = dataclasses.field(default_factory=dict)
    selected: dict[str, list[FieldNode]] = dataclasses.field(default_factory=dict)
    error: Exception | None = None

    def fail(self, error: Exception) -> None:
        """Keep the error for each object: graphql-core meets it at the field's own path."""
        self.error = error
        for obj in self.objects:
            obj._prefetched[self.key] = Failed(error)

    @property
    def target(self) -> type:
        """The class of the objects the field holds (set for every link and connection)."""
        assert self.field.target is not None
        return self.field.target

    def children(self) -> list[str]:
        if isinstance(self.field.spec, Relation):
            return [iri for page in self.pages.values() for _, iri in page.rows]
        return [iri for iris in self.linked for iri in iris]


class Planner:
    """Prefetches one request's objects (see the module doc)."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self._info: Any = None  # graphql-core's resolve info of the operation (fragments, variables)
        self._strawberry: Any = None  # the strawberry schema (argument conversion)
        self._variables: VariableValues | None = None
        self._guard: Guard | None = None  # charged for each node object before its record is read

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
        await self._descend(
            await self._level(
                [
                    Work(
                        parent_type,
                        [holder],
                        raw.path.key,
                        field_info,
                        definition,
                        list(raw.field_nodes),
                        arguments,
                    )
                ]
            )
        )
        return read(holder, raw.path.key)

    async def nodes(self, info: Info, cls: type, iris: Sequence[str]) -> list[Any]:
        """Objects of ``cls`` (a type or interface) for these IRIs, prefetched for the field's selection;
        an IRI that is no node of it is left out."""
        raw = self._setup(info)
        [found] = await self._objects([(cls, list(iris))])
        groups: dict[tuple[str, int], Group] = {}
        built = [self._build(*found[iri], iri, list(raw.field_nodes), groups) for iri in iris if iri in found]
        await self._descend(list(groups.values()))
        return built

    async def connection(self, info: Info, listing: Listing, request: PageRequest) -> Any:
        """A top-level connection of a given listing (search), prefetched for the field's selection."""
        raw = self._setup(info)
        holder = new(Holder)
        work = Work(
            root_info(),
            [holder],
            raw.path.key,
            root_info().fields[raw.field_name],
            raw.parent_type.fields[raw.field_name],
            list(raw.field_nodes),
            {},
            listing,
            request,
        )
        await self._descend(await self._level([work]))
        return read(holder, raw.path.key)

    def _setup(self, info: Info) -> Any:
        raw = info._raw_info
        if self._info is None:
            self._info, self._strawberry = raw, info.schema
            self._guard = current_guard()
            # strawberry gives resolvers the coerced dict; graphql-core's helpers want the container
            self._variables = VariableValues(sources={}, coerced=info.variable_values)
        return raw

    # -- levels ---------------------------------------------------------------------

    async def _descend(self, groups: list[Group]) -> None:
        while groups:
            groups = await self._level([work for group in groups for work in self._works(group)])

    def _works(self, group: Group) -> list[Work]:
        runtime = self._info.schema.get_type(group.info.name)
        found = []
        for key, nodes in self.collect(runtime, group.nodes).items():
            field_info = group.info.fields.get(nodes[0].name.value)
            if field_info is None or not isinstance(field_info.spec, (Link, Relation)):
                continue
            definition = runtime.fields[nodes[0].name.value]
            arguments = self._arguments(definition, field_info, nodes[0])
            found.append(Work(group.info, group.objects, key, field_info, definition, nodes, arguments))
        return found

    async def _level(self, works: list[Work]) -> list[Group]:
        """Load the fields of one level (see the module doc); the next level's groups."""
        for work in works:
            try:
                self._prepare(work)
            except Exception as exc:  # reported where graphql-core meets the field
                work.fail(exc)
        connections: dict[tuple[Any, ...], list[Work]] = {}  # one query for a relation and listing
        for work in works:
            if work.error is None and work.listing is not None:
                connections.setdefault(self._rows_key(work), []).append(work)
        await self.loader.each([self._rows(key, same) for key, same in connections.items()])
        ready = [work for work in works if work.error is None]
        try:
            found = await self._objects([(work.target, work.children()) for work in ready])
        except Exception as exc:
            for work in ready:
                work.fail(exc)
            return []
        groups: dict[tuple[str, int], Group] = {}
        for work, children in zip(ready, found, strict=True):
            if work.listing is not None:
                self._connections(work, children, groups)
            else:
                self._links(work, children, groups)
        return list(groups.values())

    def _prepare(self, work: Work) -> None:
        """A link's nodes, or a connection's listing, page request and what is asked of it."""
        spec = work.field.spec
        if isinstance(spec, Link):
            work.linked = [
                [obj.iri] if spec.path is None else [str(v) for v in obj._record.along(spec.path)]
                for obj in work.objects
            ]
            return
        assert isinstance(spec, Relation)  # the planner loads links and connections only
        if work.listing is None:
            work.listing = listings.listing(
                work.target, work.arguments.get("filter"), work.arguments.get("order_by"), spec.order
            )
            work.request = PageRequest.of(
                *(work.arguments.get(a) for a in ("first", "after", "last", "before"))
            )
        assert work.request is not None
        work.request.position(work.listing.ordering)  # a cursor of another list is refused, rows or not
        work.selected = self.collect(get_named_type(work.definition.type), work.nodes)  # type: ignore[arg-type]  # a connection's named type is an object type

    @staticmethod
    def _rows_key(work: Work) -> tuple[Any, ...]:
        """What a connection's query depends on: its relation (none: a top-level list, its own
        query), its listing, and whether rows or only counts are asked for."""
        path = work.field.spec.path  # type: ignore[union-attr]  # a connection field's spec is a Relation (with .path)
        rows = any(nodes[0].name.value not in ONLY_COUNTED for nodes in work.selected.values())
        counted = any(nodes[0].name.value == "totalCount" for nodes in work.selected.values())
        return (path, work.listing, rows, counted, id(work) if path is None else None)

    async def _rows(self, key: tuple[Any, ...], works: list[Work]) -> None:
        """The pages and counts of connections sharing a relation and listing, for all their
        parents at once (one query); of a top-level list, its page and count."""
        path, listing, rows_needed, counted, _ = key
        try:
            if path is None:
                [work] = works
                assert work.request is not None  # given with the listing (``_prepare``)
                work.pages[None], work.counts[None] = await self.loader.listed(
                    listing, work.request, rows=rows_needed, count=counted
                )
                return
            parents = list(dict.fromkeys(obj.iri for work in works for obj in work.objects))
            if not rows_needed:
                kinds = {work.parent.classes for work in works}  # one, but for a field of an interface
                classes = next(iter(kinds)) if len(kinds) == 1 else ()
                counts = await self.loader.related_counts(path, listing, parents, classes)
                for work in works:
                    work.counts.update(counts)
                return
            related = await self.loader.related(path, listing, parents)
            for work in works:
                assert work.request is not None  # given with the listing (``_prepare``)
                for obj in work.objects:
                    rows = related[obj.iri]
                    work.pages[obj.iri] = slice_rows(
                        rows, work.request, listing.sort.descending, listing.ordering
                    )
                    work.counts[obj.iri] = len(rows)
        except Exception as exc:
            for work in works:
                work.fail(exc)

    def _links(
        self, work: Work, children: dict[str, tuple[TypeInfo, Record]], groups: dict[tuple[str, int], Group]
    ) -> None:
        spec: Link = work.field.spec  # type: ignore[assignment]  # only Link fields reach _links
        for obj, iris in zip(work.objects, work.linked, strict=True):
            kept = [iri for iri in iris if iri in children and self._keeps(spec, work, children[iri][1])]
            if spec.sort is not None:
                kept.sort(key=lambda iri: spec.sort(children[iri][1]))  # type: ignore[misc]  # spec.sort is not None here
            built = [self._build(*children[iri], iri, work.nodes, groups) for iri in kept]
            obj._prefetched[work.key] = built if work.field.many else (built[0] if built else None)

    @staticmethod
    def _keeps(spec: Link, work: Work, record: Record) -> bool:
        if any(not record.has(predicate, wanted) for predicate, wanted in spec.where):
            return False
        return spec.matches is None or spec.matches(work.arguments, record, work.parent)

    def _connections(
        self, work: Work, children: dict[str, tuple[TypeInfo, Record]], groups: dict[tuple[str, int], Group]
    ) -> None:
        assert work.listing is not None
        runtime = cast(GraphQLObjectType, get_named_type(work.definition.type))  # a connection type
        top = work.field.spec.path is None  # type: ignore[union-attr]  # a connection field's spec is a Relation (with .path)
        for obj in work.objects:
            parent = None if top else obj.iri
            page = work.pages.get(parent, NO_ROWS)
            obj._prefetched[work.key] = self._connection(
                page,
                work.counts.get(parent, 0),
                work.listing.ordering,
                children,
                runtime,
                work.selected,
                groups,
            )

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
        made = new(Connection, every_word=page.every_word)
        for key, nodes in selected.items():
            name = nodes[0].name.value
            if name == "pageInfo":  # a plain attribute: made only when asked for
                made.page_info = new(
                    PageInfo,
                    has_next_page=page.has_next,
                    has_previous_page=page.has_previous,
                    start_cursor=encode_cursor(ordering, page.rows[0]) if page.rows else None,
                    end_cursor=encode_cursor(ordering, page.rows[-1]) if page.rows else None,
                )
            elif name == "totalCount":
                made._prefetched[key] = count
            elif name == "nodes":
                made._prefetched[key] = [self._build(*children[iri], iri, nodes, groups) for _, iri in rows]
            elif name == "edges":
                edge_type = get_named_type(runtime.fields["edges"].type)
                made._prefetched[key] = [
                    self._edge(
                        ordering, row, children[row[1]], edge_type, nodes, groups, page.hits.get(row[1])
                    )
                    for row in rows
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
        hit: Hit | None = None,
    ) -> Any:
        edge = new(Edge, cursor=encode_cursor(ordering, row))
        if hit is not None:  # a search's: its score and snippet are plain attributes
            edge.__dict__.update(score=hit.score, snippet=snippet(hit.snippet))
        for key, node_nodes in self.collect(runtime, nodes).items():
            if node_nodes[0].name.value == "node":
                edge._prefetched[key] = self._build(*child, row[1], node_nodes, groups)
        return edge

    # -- nodes ----------------------------------------------------------------------

    async def _objects(
        self, wanted: list[tuple[type, list[str]]]
    ) -> list[dict[str, tuple[TypeInfo, Record]]]:
        """For each (class, IRIs): the type and record of each IRI that is a node of the class (a type
        or interface). One query tells the types of the nodes that need it, one per node type
        reads the records. The nodes are charged to the run's guard first: past its budget the
        run stops before their records are read."""
        if self._guard is not None:
            self._guard.charge_object(sum(len(iris) for _, iris in wanted))
        among = [candidates(cls) for cls, _ in wanted]
        untyped = sorted(
            {iri for (_, iris), kinds in zip(wanted, among, strict=True) if len(kinds) > 1 for iri in iris}
        )
        told = await self.loader.types(untyped) if untyped else {}
        typed: list[dict[str, TypeInfo]] = []
        by_type: dict[str, tuple[TypeInfo, set[str]]] = {}
        for (_, iris), kinds in zip(wanted, among, strict=True):
            if len(kinds) == 1:
                found = dict.fromkeys(iris, kinds[0])
            else:
                found = {iri: kind for iri in iris if (kind := resolve(told.get(iri, ()), kinds)) is not None}
            typed.append(found)
            for iri, kind in found.items():
                by_type.setdefault(kind.name, (kind, set()))[1].add(iri)
        loaded = await self.loader.each(
            [self.loader.records(kind, sorted(iris)) for kind, iris in by_type.values()]
        )
        records = {name: found for name, found in zip(by_type, loaded, strict=True)}
        return [
            {
                iri: (kind, records[kind.name][iri])
                for iri, kind in found.items()
                if records[kind.name][iri].types.intersection(kind.classes)
            }
            for found in typed
        ]

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


ROOT: list[TypeInfo] = []  # the Query type's declared fields, set when the schema is built


def root_info() -> TypeInfo:
    return ROOT[0]
