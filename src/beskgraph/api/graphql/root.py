"""The entry points: a list of every kind of node, lookups, ``node(id:)`` and ``search``."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from beskgraph.api.graphql import listings
from beskgraph.api.graphql.connections import Connection
from beskgraph.api.graphql.fields import SPEC, Relation, listed
from beskgraph.api.graphql.ids import decode_id, node_iri
from beskgraph.api.graphql.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from beskgraph.api.graphql.listings import NodeType
from beskgraph.api.graphql.pagination import PageRequest
from beskgraph.api.graphql.registry import TYPES, info_of
from beskgraph.api.graphql.types import (
    Assessment,
    Commitment,
    Criterion,
    Document,
    Initiative,
    Intervention,
    LegalProvision,
    Letter,
    Municipality,
    Node,
    Party,
    Region,
    TargetGroup,
)


def _arg(description: str) -> Any:
    return strawberry.argument(description=description)


async def _by_id(info: Info, cls: type, id: str) -> Any:
    """The node of type ``cls`` an ``id`` argument names (a global ID of that type, or an IRI)."""
    found = await info.context.planner.nodes(info, cls, [node_iri(id, cls.__name__)])
    return found[0] if found else None


async def _node(info: Info, id: str) -> Any:
    type_name, iri = decode_id(id)
    if type_name not in TYPES:
        raise GraphQLError(
            f"not a beskgraph ID: {id!r} (no type {type_name[:40]!r})", extensions={"code": "BAD_ID"}
        )
    found = await info.context.planner.nodes(info, Node, [iri])
    return found[0] if found and type(found[0]).__name__ == type_name else None


async def _lookup(info: Info, cls: type, field: str, wanted: str) -> Any:
    target = info_of(cls)
    iri = await info.context.planner.loader.lookup(target.classes, target.path(field), wanted)
    return None if iri is None else await _by_id(info, cls, iri)


ID_ARG = "The node's global ID, or its IRI."


@strawberry.type(
    description="The entry points: lists of every kind of node (filtered, ordered and paged the same "
    "way), lookups, `node(id:)` for any node, and `search`."
)
class Query:
    @strawberry.field(description="Any node by its global ID (null when there is no such node).")
    async def node(self, info: Info, id: Annotated[strawberry.ID, _arg("A global ID.")]) -> Node | None:
        return await _node(info, id)

    @strawberry.field(
        description="Nodes by their global IDs, in the order given (null for each that does not exist)."
    )
    async def nodes(
        self, info: Info, ids: Annotated[list[strawberry.ID], _arg("Global IDs.")]
    ) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise GraphQLError(f"at most {MAX_PAGE_SIZE} IDs at once", extensions={"code": "BAD_USER_INPUT"})
        return [await _node(info, one) for one in ids]

    @strawberry.field(
        description="A municipality by its kommunekode (410 or 0410), or by its name in any case."
    )
    async def municipality(
        self,
        info: Info,
        code: Annotated[str | None, _arg("The kommunekode.")] = None,
        name: Annotated[str | None, _arg("The name, e.g. Middelfart or middelfart.")] = None,
    ) -> Municipality | None:
        if code:
            return await _lookup(info, Municipality, "code", code.strip().zfill(3))
        return await _lookup(info, Municipality, "name", name.strip()) if name else None

    @strawberry.field(description="An intervention by ID or IRI.")
    async def intervention(
        self, info: Info, id: Annotated[strawberry.ID, _arg(ID_ARG)]
    ) -> Intervention | None:
        return await _by_id(info, Intervention, id)

    @strawberry.field(description="A criterion by ID or IRI.")
    async def criterion(self, info: Info, id: Annotated[strawberry.ID, _arg(ID_ARG)]) -> Criterion | None:
        return await _by_id(info, Criterion, id)

    @strawberry.field(description="A letter by ID or IRI.")
    async def letter(self, info: Info, id: Annotated[strawberry.ID, _arg(ID_ARG)]) -> Letter | None:
        return await _by_id(info, Letter, id)

    @strawberry.field(description="A source document by ID or IRI, or by its file name.")
    async def document(
        self,
        info: Info,
        id: Annotated[strawberry.ID | None, _arg(ID_ARG)] = None,
        name: Annotated[str | None, _arg("The file name, e.g. 000_2ad044e4a048410a.txt.")] = None,
    ) -> Document | None:
        if id:
            return await _by_id(info, Document, id)
        return await _lookup(info, Document, "name", name) if name else None

    municipalities: Connection[Municipality] = listed(
        "The 98 municipalities (by kommunekode unless ordered)."
    )
    regions: Connection[Region] = listed("The five regions (by name).")
    interventions: Connection[Intervention] = listed(
        "The catalogue's interventions (by title unless ordered)."
    )
    criteria: Connection[Criterion] = listed("The tests' criteria (by statement unless ordered).")
    assessments: Connection[Assessment] = listed(
        "Every card's answers (by IRI unless ordered): with filters, a criterion x municipality matrix."
    )
    letters: Connection[Letter] = listed(
        "The letters, those only referred to included (by date unless ordered; `referredOnly: false` "
        "keeps those the documents hold)."
    )
    commitments: Connection[Commitment] = listed("The municipalities' commitments (by deadline).")
    initiatives: Connection[Initiative] = listed("The initiatives letters describe (by title).")
    parties: Connection[Party] = listed(
        "Senders, recipients and signatories of letters, and organisations named in them (by name)."
    )
    target_groups: Connection[TargetGroup] = listed("The target groups (by label).")
    legal_provisions: Connection[LegalProvision] = listed("The provisions of law (by citation).")
    documents: Connection[Document] = listed(
        "Every source document with its kind, status and problems (left out ones too; by file name)."
    )

    @strawberry.field(
        description="Nodes with a searchable field (title, name, statement, subject, text, ...) "
        "containing a text, any case, by IRI.",
        metadata={SPEC: Relation(None)},
    )
    async def search(
        self,
        info: Info,
        text: Annotated[str, _arg("The text to look for (not empty).")],
        types: Annotated[list[NodeType] | None, _arg("Only nodes of these types.")] = None,
        first: Annotated[int | None, _arg(f"Read this many forwards (default {DEFAULT_PAGE_SIZE}).")] = None,
        after: Annotated[str | None, _arg("Read after this cursor.")] = None,
        last: Annotated[int | None, _arg("Read this many backwards.")] = None,
        before: Annotated[str | None, _arg("Read before this cursor.")] = None,
    ) -> Connection[Node]:
        listing = listings.search(text, types)
        return await info.context.planner.connection(
            info, listing, PageRequest.of(first, after, last, before)
        )
