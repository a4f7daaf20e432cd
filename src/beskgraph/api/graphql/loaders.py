"""Per-request data loading: every store query of a GraphQL request goes through here.

Records (the values a node type declares) are loaded with one query per type and level,
rdf:types of nodes whose type is to be told with one query per level, nested lists with
one query per relation and level, top-level lists with one keyset page query (plus one
count when ``totalCount`` is asked for). Keys asked for in the same turn of the event loop
share a query (``batching.py``), and nothing is loaded twice in a request. So a request
costs a number of queries bounded by its shape, never by the number of nodes. The
SPARQL text of each query is kept for ``explain``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import anyio
from graphql import GraphQLError

from beskgraph.api.graphql import queries
from beskgraph.api.graphql.batching import Batcher
from beskgraph.api.graphql.fields import Path
from beskgraph.api.graphql.pagination import Page, PageRequest, Row, finish_page
from beskgraph.api.graphql.queries import RDF_TYPE, Listing
from beskgraph.api.graphql.records import Record
from beskgraph.api.graphql.registry import TypeInfo
from beskgraph.store import Store, StoreError, StoreUnavailable


class Loader:
    """Batching, caching loaders of one request over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries: list[str] = []
        self._batchers: dict[tuple[object, ...], Batcher[Any, Any]] = {}

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

    def _batcher(self, key: tuple[object, ...], load: Any) -> Batcher[Any, Any]:
        found = self._batchers.get(key)
        if found is None:
            found = self._batchers[key] = Batcher(load)
        return found

    # -- nodes ---------------------------------------------------------------------

    async def records(self, info: TypeInfo, nodes: Sequence[str]) -> dict[str, Record]:
        """The records of nodes as ``info`` declares them (every node gets one, maybe empty)."""

        async def load(batch: list[str]) -> dict[str, Record]:
            return await self._load_records(info, batch)

        return await self._batcher(("records", info.name), load).get(nodes)

    async def _load_records(self, info: TypeInfo, nodes: list[str]) -> dict[str, Record]:
        records = {node: Record() for node in nodes}
        query = queries.record_query(info.forward, info.inverse, info.sequences, nodes)
        for row in await self.select(query):
            record = records[str(row["s"])]
            predicate, value = str(row["p"]), row["o"]
            if predicate == RDF_TYPE and "inv" not in row:
                record.types.add(str(value))
            record.values[(predicate, bool(row.get("inv", False)))].append(value)
        if info.orders:
            for row in await self.select(queries.order_query(info.orders, nodes)):
                positions = records[str(row["s"])].positions[str(row["link"])]
                value, position = str(row["o"]), int(row["pos"])  # type: ignore[call-overload]
                positions[value] = min(position, positions.get(value, position))
        return records

    async def types(self, nodes: Sequence[str]) -> dict[str, set[str]]:
        """The rdf:types of nodes (a node without any is left out)."""

        async def load(batch: list[str]) -> dict[str, set[str]]:
            found: dict[str, set[str]] = defaultdict(set)
            for row in await self.select(queries.types_query(batch)):
                found[str(row["s"])].add(str(row["t"]))
            return dict(found)

        return await self._batcher(("types",), load).get(nodes)

    # -- nested lists ----------------------------------------------------------------

    async def related(self, path: Path, listing: Listing, parents: Sequence[str]) -> dict[str, list[Row]]:
        """All (key, child) rows of each parent along ``path``, batched over parents."""

        async def load(batch: list[str]) -> dict[str, list[Row]]:
            grouped: dict[str, list[Row]] = {parent: [] for parent in batch}
            for row in await self.select(queries.relation_query(listing, path, batch)):
                grouped[str(row["parent"])].append((_key(row["k"]), str(row["s"])))
            return grouped

        return await self._batcher(("rows", path, listing), load).get(parents)

    async def related_counts(self, path: Path, listing: Listing, parents: Sequence[str]) -> dict[str, int]:
        """How many children each parent has along ``path`` (no rows fetched)."""

        async def load(batch: list[str]) -> dict[str, int]:
            counts = dict.fromkeys(batch, 0)
            for row in await self.select(queries.relation_count_query(listing, path, batch)):
                counts[str(row["parent"])] = int(row["n"])  # type: ignore[call-overload]
            return counts

        return await self._batcher(("count", path, listing), load).get(parents)

    # -- top-level lists -----------------------------------------------------------------

    async def page(self, listing: Listing, request: PageRequest) -> Page:
        descending = listing.sort.descending != request.backward
        query = queries.page_query(listing, request.size + 1, request.position(listing.ordering), descending)
        rows = await self.select(query)
        return finish_page([(_key(r["k"]), str(r["s"])) for r in rows], request)

    async def count(self, listing: Listing) -> int:
        rows = await self.select(queries.count_query(listing))
        return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]

    async def lookup(self, classes: Sequence[str], path: Path, value: str) -> str | None:
        """The node of these classes whose field equals ``value`` (any case), if there is one."""
        rows = await self.select(queries.lookup_query(classes, path, value))
        return str(rows[0]["s"]) if rows else None


def _key(value: object) -> queries.Key:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)
