"""Quad stores: a fast embedded default and any external SPARQL 1.1 store.

Choose one with ``open_store()`` / env ``BESKGRAPH_STORE``:

- unset, ``""`` or ``memory``      -> EmbeddedStore in memory
- ``oxigraph:/path/to/dir``        -> EmbeddedStore persisted on disk
- ``http://127.0.0.1:7878``        -> RemoteStore with Oxigraph's layout (/query, /update, /store)
- ``http://host/ds/sparql``        -> RemoteStore with that query URL; give the others with
  ``BESKGRAPH_STORE_UPDATE`` and ``BESKGRAPH_STORE_GSP``; credentials with
  ``BESKGRAPH_STORE_USER`` / ``BESKGRAPH_STORE_PASSWORD``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from beskgraph.store.base import Store, note_query, record_queries
from beskgraph.store.embedded import EmbeddedStore
from beskgraph.store.errors import (
    NotAcceptable,
    QueryLimitExceeded,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    StoreError,
    StoreUnavailable,
)
from beskgraph.store.remote import RemoteStore
from beskgraph.store.terms import Row, Value, as_float, as_int

__all__ = [
    "EmbeddedStore",
    "NotAcceptable",
    "QueryLimitExceeded",
    "QuerySyntaxError",
    "QueryTimeout",
    "RemoteStore",
    "ResultTooLarge",
    "Row",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Value",
    "as_float",
    "as_int",
    "disk_folder",
    "note_query",
    "open_store",
    "record_queries",
]

DISK = "oxigraph:"


def disk_folder(url: str) -> Path | None:
    """The folder of an on-disk store URL (``oxigraph:/dir``); None for any other URL."""
    url = url.strip()
    if not url.startswith(DISK):
        return None
    if not (folder := url.removeprefix(DISK).strip()):
        raise ValueError(f"BESKGRAPH_STORE={url!r} names no folder; use 'oxigraph:/path/to/dir'")
    return Path(folder)


def open_store(url: str | None = None, **options: object) -> Store:
    """Open the store named by ``url`` (default: env ``BESKGRAPH_STORE``); see module doc.

    ``options`` go to the store constructor (e.g. ``read_timeout=``, ``isolation=``).
    """
    if url is None:
        url = os.environ.get("BESKGRAPH_STORE", "")
    url = url.strip()
    if url in ("", "memory"):
        return EmbeddedStore(**options)  # type: ignore[arg-type]  # (checked by the store's constructor)
    if (folder := disk_folder(url)) is not None:
        # ignored below: checked by the store's constructor
        return EmbeddedStore(folder, **options)  # type: ignore[arg-type]
    if url.startswith(("http://", "https://")):
        env = os.environ
        remote: dict[str, object] = {
            "update_url": env.get("BESKGRAPH_STORE_UPDATE") or None,
            "gsp_url": env.get("BESKGRAPH_STORE_GSP") or None,
            "user": env.get("BESKGRAPH_STORE_USER") or None,
            "password": env.get("BESKGRAPH_STORE_PASSWORD") or None,
        }
        query_url = url
        try:
            path = urlsplit(url).path
        except ValueError as error:
            raise ValueError(f"BESKGRAPH_STORE={url!r} is not a URL: {error}") from None
        if path in ("", "/"):  # a bare server URL: Oxigraph layout
            base = url.rstrip("/")
            query_url = base + "/query"
            remote["update_url"] = remote["update_url"] or base + "/update"
            remote["gsp_url"] = remote["gsp_url"] or base + "/store"
        remote.update(options)
        # ignored below: checked by the store's constructor
        return RemoteStore(query_url, **remote)  # type: ignore[arg-type]
    raise ValueError(
        f"BESKGRAPH_STORE={url!r} is not understood; use 'memory', 'oxigraph:/dir' or an http URL"
    )
