"""Global Relay IDs (base64url of ``Type:IRI``) and IRI arguments."""

from __future__ import annotations

import base64
import binascii

from graphql import GraphQLError

from beskgraph.store import StoreError
from beskgraph.store.base import sparql_iri


def encode_id(type_name: str, iri: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{iri}".encode()).decode().rstrip("=")


def decode_id(global_id: str) -> tuple[str, str]:
    """``(type name, IRI)`` of a global ID; a GraphQL error when it is not one."""
    try:
        text = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_id(global_id) from exc
    type_name, _, iri = text.partition(":")
    if not type_name.isidentifier() or not iri:
        raise _bad_id(global_id)
    return type_name, checked_iri(iri)


def node_iri(value: str, type_name: str) -> str:
    """The IRI an ``id`` argument names: a global ID of ``type_name`` or a plain IRI."""
    if value.startswith(("http://", "https://", "urn:")):
        return checked_iri(value)
    found, iri = decode_id(value)
    if found != type_name:
        raise GraphQLError(
            f"{value!r} is the ID of a {found}, not of a {type_name}", extensions={"code": "BAD_ID"}
        )
    return iri


def checked_iri(value: str) -> str:
    try:
        sparql_iri(value)
    except StoreError as exc:
        raise GraphQLError(f"not an IRI: {value!r}", extensions={"code": "BAD_ID"}) from exc
    return value


def _bad_id(value: str) -> GraphQLError:
    return GraphQLError(f"not a beskgraph ID: {value!r}", extensions={"code": "BAD_ID"})
