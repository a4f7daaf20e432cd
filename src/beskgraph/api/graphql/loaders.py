"""Per-request data loading: every store query of a GraphQL request goes through here.

Records (the scalar and to-one fields of nodes) are loaded with one query per type and
tree level (a DataLoader batches all nodes requested together); nested lists with one
query per relation and level; top-level lists with one keyset page query (plus one
count when ``totalCount`` is asked for). So a request costs a number of queries
bounded by its shape, never by the number of nodes. The SPARQL text of each query is
kept for ``explain``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anyio
from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from beskgraph.api.graphql import queries
from beskgraph.api.graphql.mapping import ENTITIES, LIST_ITEM, POSITION, RDF_TYPE, EntityMap, Prop
from beskgraph.api.graphql.pagination import Page, PageRequest, Row, finish_page
from beskgraph.api.graphql.queries import Listing
from beskgraph.store import Store, StoreError, StoreUnavailable


class Record:
    """The values of one node's record fields (lists; IRIs as str).

    A field without a value of its own predicate takes those of its first fallback
    predicate that has some (``Prop.fallbacks``).
    """

    def __init__(self) -> None:
        self.fields: dict[str, list[object]] = defaultdict(list)
        self.fallbacks: dict[str, list[tuple[int, object]]] = defaultdict(list)
        self.types: set[str] = set()
        self.positions: dict[str, dict[str, int]] = defaultdict(dict)  # field -> value -> position

    def all(self, field: str) -> list[object]:
        own = self.fields.get(field)
        if own:
            written = self.positions.get(field, {})
            return sorted(own, key=lambda v: (written.get(str(v), len(written) + 1), str(v)))
        ranked = self.fallbacks.get(field)
        if not ranked:
            return []
        best = min(rank for rank, _ in ranked)
        return sorted((v for rank, v in ranked if rank == best), key=str)

    def one(self, field: str) -> object | None:
        values = self.all(field)
        return values[0] if values else None


class Loader:
    """Batching loaders of one request over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries: list[str] = []
        self._records: dict[str, DataLoader[str, Record]] = {}
        self._relations: dict[tuple[object, ...], DataLoader[str, Any]] = {}
        self._types: DataLoader[str, set[str]] | None = None

    async def select(self, query: str) -> list[dict[str, object]]:
        """Run a SELECT off the event loop; store failures become GraphQL errors."""
        self.queries.append(query)
        try:
            return await anyio.to_thread.run_sync(self.store.select, query)
        except StoreUnavailable as exc:
            raise GraphQLError(
                f"the triple store is unavailable: {exc}",
                original_error=exc,
                extensions={"code": "STORE_UNAVAILABLE"},
            ) from exc
        except StoreError as exc:
            raise GraphQLError(
                f"the triple store failed: {exc}", original_error=exc, extensions={"code": "STORE_ERROR"}
            ) from exc

    # -- records -------------------------------------------------------------------

    async def record(self, type_name: str, node: str) -> Record:
        loader = self._records.get(type_name)
        if loader is None:
            entity = ENTITIES[type_name]

            async def load(nodes: Sequence[str]) -> list[Record]:
                return await self._load_records(entity, nodes)

            loader = self._records[type_name] = DataLoader(load_fn=load)
        return await loader.load(node)

    async def records(self, type_name: str, nodes: Sequence[str]) -> list[Record]:
        """Records of several nodes, in the same batch as every other load of this tick."""
        return list(await asyncio.gather(*(self.record(type_name, n) for n in nodes)))

    async def _load_records(self, entity: EntityMap, nodes: Sequence[str]) -> list[Record]:
        by_predicate: dict[tuple[str, bool], list[tuple[str, int]]] = defaultdict(list)
        for prop in entity.record_props:
            for rank, predicate in enumerate((prop.predicate, *prop.fallbacks)):
                by_predicate[(predicate, prop.inverse)].append((prop.field, rank))
        records = {node: Record() for node in nodes}
        for row in await self.select(queries.record_query(entity, nodes)):
            record = records[str(row["s"])]
            predicate, value = str(row["p"]), row["o"]
            inverse = bool(row.get("inv", False))
            if predicate == RDF_TYPE and not inverse:
                record.types.add(str(value))
            for field, rank in by_predicate.get((predicate, inverse), ()):
                if rank:
                    record.fallbacks[field].append((rank, value))
                else:
                    record.fields[field].append(value)
        ordered = {p.order: p.field for p in entity.record_props if p.order}
        if ordered:
            for row in await self.select(_order_query(ordered, nodes)):
                positions = records[str(row["s"])].positions[ordered[str(row["link"])]]
                value, position = str(row["o"]), int(row["pos"])  # type: ignore[call-overload]
                positions[value] = min(position, positions.get(value, position))
        return [records[node] for node in nodes]

    async def types(self, node: str) -> set[str]:
        """The rdf:types of a node (batched with every other node asked in this tick)."""
        if self._types is None:

            async def load(nodes: Sequence[str]) -> list[set[str]]:
                found: dict[str, set[str]] = defaultdict(set)
                for row in await self.select(queries.types_query(nodes)):
                    found[str(row["s"])].add(str(row["t"]))
                return [found.get(n, set()) for n in nodes]

            self._types = DataLoader(load_fn=load)
        return await self._types.load(node)

    async def exists(self, type_name: str, node: str) -> bool:
        types = (await self.record(type_name, node)).types
        return not types.isdisjoint(ENTITIES[type_name].classes)

    # -- nested lists ----------------------------------------------------------------

    async def related(self, prop: Prop, listing: Listing, parent: str) -> list[Row]:
        """All (key, child) rows of ``parent`` along ``prop``, batched over parents."""

        async def load(parents: Sequence[str]) -> list[list[Row]]:
            rows = await self.select(queries.relation_query(listing, prop.sparql_path, parents))
            grouped: dict[str, list[Row]] = defaultdict(list)
            for row in rows:
                grouped[str(row["parent"])].append((_key(row["k"]), str(row["s"])))
            return [grouped.get(p, []) for p in parents]

        return await self._batched(("rows", prop, listing), load).load(parent)

    async def related_count(self, prop: Prop, listing: Listing, parent: str) -> int:
        """How many children ``parent`` has along ``prop`` (batched; no rows fetched)."""

        async def load(parents: Sequence[str]) -> list[int]:
            rows = await self.select(queries.relation_count_query(listing, prop.sparql_path, parents))
            counts = {str(row["parent"]): int(row["n"]) for row in rows}  # type: ignore[call-overload]
            return [counts.get(p, 0) for p in parents]

        return await self._batched(("count", prop, listing), load).load(parent)

    def _batched(self, key: tuple[object, ...], load: Callable[[Sequence[str]], Awaitable[list[Any]]]
                 ) -> DataLoader[str, Any]:
        """The request's DataLoader for ``key``, made with ``load`` on first use."""
        loader = self._relations.get(key)
        if loader is None:
            loader = self._relations[key] = DataLoader(load_fn=load)
        return loader

    # -- top-level lists -----------------------------------------------------------------

    async def page(self, listing: Listing, request: PageRequest) -> Page:
        descending = listing.sort.descending != request.backward
        query = queries.page_query(listing, request.size + 1, request.cursor, descending)
        rows = await self.select(query)
        return finish_page([(_key(r["k"]), str(r["s"])) for r in rows], request)

    async def count(self, listing: Listing) -> int:
        return await self.number(queries.count_query(listing))

    async def number(self, query: str) -> int:
        """The ``?n`` of a one-row COUNT query."""
        rows = await self.select(query)
        return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]

    async def lookup(self, type_name: str, field: str, value: str) -> str | None:
        rows = await self.select(queries.lookup_query(ENTITIES[type_name], field, value))
        return str(rows[0]["s"]) if rows else None


def _order_query(links: dict[str, str], nodes: Sequence[str]) -> str:
    """Rows ``?s ?link ?o ?pos``: each value's position in the order written."""
    return (
        f"SELECT DISTINCT ?s ?link ?o ?pos WHERE {{ {queries.values('s', nodes)} "
        f"{queries.values('link', sorted(links))} ?s ?link ?_item . "
        f"?_item <{LIST_ITEM}> ?o ; <{POSITION}> ?pos }}"
    )


def _key(value: object) -> queries.Key:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)
