"""Per-request data loading: every store query of a GraphQL request goes through here.

The planner asks for a level at once: records (the values a node type declares) with one
query per type, rdf:types of nodes whose type is to be told with one query, nested lists
with one query per relation, top-level lists with one keyset page query (plus one count
when ``totalCount`` is asked for). No record or type is loaded twice in a request. So a
request costs a number of queries bounded by its shape, never by the number of nodes.
The SPARQL text of each query is kept for ``explain``.

What the search index and the aggregates answer is asked of them instead
(``indexes.py``): a text filter's nodes, a search's hits (with their types, so they need
no types query), counts along a relation an aggregate counts, a list ranked by score.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar

from graphql import GraphQLError

from beskgraph.api.graphql import indexes, queries
from beskgraph.api.graphql.fields import Path
from beskgraph.api.graphql.pagination import NO_ROWS, Page, PageRequest, Row, finish_page
from beskgraph.api.graphql.queries import RDF_TYPE, Listing
from beskgraph.api.graphql.records import Record
from beskgraph.api.graphql.registry import TypeInfo
from beskgraph.store import EmbeddedStore, Store, StoreError, StoreUnavailable, as_int
from beskgraph.store import Row as Solution  # (a page's Row is a key and an IRI)

_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="beskgraph-graphql-store")
T = TypeVar("T")
U = TypeVar("U")


class Loader:
    """Batching, caching loaders of one request over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.queries: list[str] = []
        self.inline = isinstance(store, EmbeddedStore)  # see ``select``
        self._records: dict[tuple[str, str], Record] = {}  # (type, node) -> record
        self._types: dict[str, set[str]] = {}
        self._matches: dict[tuple[str, tuple[str, ...]], list[str]] = {}  # (text, classes) -> nodes

    async def select(self, query: str) -> list[Solution]:
        """Run a SELECT; store failures become GraphQL errors (see ``_call``)."""
        self.queries.append(query)
        return await self._call(self.store.select, query)

    async def _call(self, function: Callable[..., T], *arguments: Any) -> T:
        """Call something that reads the store (a query, the search index, the aggregates);
        store failures become GraphQL errors.

        The embedded store answers in the request's own thread: a request runs on an event
        loop of its own, off the server's (``execution.py``), and a thread hop costs more
        than most of its queries (a fresh loop would start new worker threads, too). A
        remote store is asked from a shared pool, so a level's queries wait for the
        network together.
        """
        try:
            if self.inline:
                return function(*arguments)
            return await asyncio.get_running_loop().run_in_executor(_POOL, function, *arguments)
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

    async def each(self, loads: Sequence[Awaitable[T]]) -> list[T]:
        """Await loads: one after the other on the embedded store (each answers without waiting),
        all at once on a remote one."""
        if self.inline or len(loads) < 2:
            return [await load for load in loads]
        return list(await asyncio.gather(*loads))

    async def both(self, first: Awaitable[T], second: Awaitable[U]) -> tuple[T, U]:
        """Await two loads of different kinds, as :meth:`each` does."""
        if self.inline:
            return await first, await second
        return await asyncio.gather(first, second)

    # -- nodes ---------------------------------------------------------------------

    async def records(self, info: TypeInfo, nodes: Sequence[str]) -> dict[str, Record]:
        """The records of nodes as ``info`` declares them (every node gets one, maybe empty)."""
        missing = [node for node in nodes if (info.name, node) not in self._records]
        if missing:
            for node, record in (await self._load_records(info, missing)).items():
                self._records[(info.name, node)] = record
        return {node: self._records[(info.name, node)] for node in nodes}

    async def _load_records(self, info: TypeInfo, nodes: list[str]) -> dict[str, Record]:
        records = {node: Record() for node in nodes}
        query = queries.record_query(info.forward, info.inverse, info.sequences, nodes)
        for row in await self.select(query):  # IRIs come as str (Store.select)
            inverse = "inv" in row
            record, predicate = records[row["s"]], row["p"]  # type: ignore[index]  # rows hold objects; ?s and ?p are IRIs, str (Store.select)
            value = row["inv"] if inverse else row["o"]
            if not inverse and predicate == RDF_TYPE:
                record.types.add(value)  # type: ignore[arg-type]  # a value of rdf:type is an IRI, str
            record.values[(predicate, inverse)].append(value)  # type: ignore[index]  # ?p is an IRI, str
        if info.orders:
            for row in await self.select(queries.order_query(info.orders, nodes)):
                positions = records[str(row["s"])].positions[str(row["link"])]
                value, position = str(row["o"]), as_int(row["pos"])
                positions[value] = min(position, positions.get(value, position))
        return records

    async def types(self, nodes: Sequence[str]) -> dict[str, set[str]]:
        """The rdf:types of nodes (a node without any is left out)."""
        missing = [node for node in nodes if node not in self._types]
        if missing:
            found: dict[str, set[str]] = {node: set() for node in missing}
            for row in await self.select(queries.types_query(missing)):
                found[str(row["s"])].add(str(row["t"]))
            self._types.update(found)
        return {node: self._types[node] for node in nodes if self._types[node]}

    # -- nested lists ----------------------------------------------------------------

    async def related(self, path: Path, listing: Listing, parents: Sequence[str]) -> dict[str, list[Row]]:
        """All (key, child) rows of each parent along ``path``, for a batch of parents."""
        grouped: dict[str, list[Row]] = {parent: [] for parent in parents}
        matched = await self._matched(listing)
        if matched is None:
            return grouped
        for row in await self.select(queries.relation_query(matched, path, parents)):
            grouped[str(row["parent"])].append((_key(row["k"]), str(row["s"])))
        return grouped

    async def related_counts(
        self, path: Path, listing: Listing, parents: Sequence[str], parent_classes: Sequence[str] = ()
    ) -> dict[str, int]:
        """How many children each parent (of these classes) has along ``path`` (no rows fetched):
        from an aggregate when one counts them."""
        measure = indexes.counted(parent_classes, path, listing)
        if measure is not None:
            found = await self._call(indexes.counts, self.store, measure, parents)
            if found is not None:
                return found
        counts = dict.fromkeys(parents, 0)
        matched = await self._matched(listing)
        if matched is None:
            return counts
        for row in await self.select(queries.relation_count_query(matched, path, parents)):
            counts[str(row["parent"])] = as_int(row["n"])
        return counts

    async def _matched(self, listing: Listing) -> Listing | None:
        """The listing with its text replaced by the nodes that have its words (the search
        index's answer); None when no node has them."""
        if listing.text is None:
            return listing
        key = (listing.text, listing.classes)
        if key not in self._matches:
            self._matches[key] = await self._call(indexes.matching, self.store, listing)
        return listing.matching(self._matches[key]) if self._matches[key] else None

    # -- top-level lists -----------------------------------------------------------------

    async def listed(
        self, listing: Listing, request: PageRequest, *, rows: bool, count: bool
    ) -> tuple[Page, int]:
        """A top-level list's page (when ``rows``) and total (when ``count``): a search's from
        the index; a list by score ranked by its aggregate (one query for its nodes); any other
        from a page query and a count query."""
        if listing.ranked:
            page, total = await self._call(indexes.search_page, self.store, listing, request)
            self._types.update((hit.iri, set(hit.types)) for hit in page.hits.values())
            return page, total
        matched = await self._matched(listing)
        if matched is None:
            return NO_ROWS, 0
        if rows and matched.sort.measure is not None:
            query = queries.members_query(replace(matched, minimums=()))
            members = [str(row["s"]) for row in await self.select(query)]
            return await self._call(indexes.ranked_page, self.store, matched, members, request)
        return await self.both(
            self.page(matched, request) if rows else _ready(NO_ROWS),
            self.count(matched) if count else _ready(0),
        )

    async def page(self, listing: Listing, request: PageRequest) -> Page:
        descending = listing.sort.descending != request.backward
        query = queries.page_query(listing, request.size + 1, request.position(listing.ordering), descending)
        rows = await self.select(query)
        return finish_page([(_key(r["k"]), str(r["s"])) for r in rows], request)

    async def count(self, listing: Listing) -> int:
        rows = await self.select(queries.count_query(listing))
        return as_int(rows[0]["n"]) if rows else 0

    async def lookup(self, classes: Sequence[str], path: Path, value: str) -> str | None:
        """The node of these classes whose field equals ``value`` (any case), if there is one."""
        rows = await self.select(queries.lookup_query(classes, path, value))
        return str(rows[0]["s"]) if rows else None


def _key(value: object) -> queries.Key:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


async def _ready(value: T) -> T:
    return value
