"""Settings of the HTTP API (limits, dataset metadata), overridable from the environment.

Every field can be set with ``BESKGRAPH_`` + its name in capitals (see :func:`env_name`),
e.g. ``BESKGRAPH_QUERY_TIMEOUT=30``; booleans take 1/0, true/false, yes/no, on/off.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import get_args, get_type_hints
from urllib.parse import urlsplit

from beskgraph.config import SEEDS_DIR
from beskgraph.query import QueryLimits

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
MAY_BE_ZERO: Mapping[str, object] = {"minimum": 0}  # a number field's metadata; others must be > 0
MAX_WORKERS = 256  # beyond it a typo, not a plan: each worker is a process
HTTP_PARSERS = ("auto", "h11", "httptools")  # uvicorn's; auto: httptools when installed


@dataclass(frozen=True)
class Settings:
    """What the API needs beyond the store."""

    title: str = "beskgraph: Danish employment policy"
    description: str = (
        "Catalogue cards and ministerial correspondence on Danish employment policy as "
        "linked data: one named graph per source document plus a reference graph."
    )
    license: str = CC_BY_4
    publisher: str = "The beskgraph project"  # dcterms:publisher of the dataset (its foaf:name)
    public_url: str | None = None  # absolute base URL for links; serve() sets the address it listens on
    graphql_path: str | None = "/graphql"  # advertised in the VoID/DCAT description
    query_timeout: float = 10.0  # seconds per /sparql query, after its check
    max_result_bytes: int = 50_000_000  # serialised /sparql result size limit
    max_query_bytes: int = 1_000_000  # request body size limit
    max_concurrent_queries: int = 4  # /sparql queries running at once (query processes)
    # queries waiting for a slot; beyond: 503 + Retry-After
    max_waiting_queries: int = field(default=16, metadata=MAY_BE_ZERO)
    # seconds a query waits for a slot; then 503 + Retry-After
    query_wait_timeout: float = field(default=10.0, metadata=MAY_BE_ZERO)
    query_check_timeout: float = 5.0  # seconds for the grammar check of one query
    # seconds a /sparql query keeps its slot on a remote store, which cannot stop a query: the
    # slot is kept until the store has finished, at most this long; then the connection is closed
    remote_query_ceiling: float = 60.0
    max_query_memory: int = 1_000_000_000  # bytes a query process may allocate (in-process stores)
    max_query_depth: int = QueryLimits.max_query_depth  # nesting of { } ( ) [ ]
    max_query_patterns: int = QueryLimits.max_query_patterns  # graph patterns and bindings
    max_query_tokens: int = QueryLimits.max_query_tokens
    max_concurrent_pages: int = 4  # HTML pages being built at once (each runs store queries)
    # pages waiting for their turn; beyond: 503 + Retry-After
    max_waiting_pages: int = field(default=16, metadata=MAY_BE_ZERO)
    page_timeout: float = 10.0  # seconds to build a page, waiting included; then 503 + Retry-After
    page_rows: int = 100  # rows a long section of a node page shows; more on further pages (?incoming=2)
    query_sandbox: bool = True  # query processes must forbid themselves the network (seccomp)
    # origins a browser may read the API from (comma-separated in the environment)
    cors_origins: tuple[str, ...] = field(default=("*",), metadata={"separator": ","})
    # folders holding the source texts (/source/…; os.pathsep-separated in the environment)
    sources: tuple[str, ...] = field(default=(str(SEEDS_DIR),), metadata={"separator": os.pathsep})
    dump_dir: str | None = None  # dump files go in a private directory made here (default: temp dir)
    max_dump_builds: int = 1  # dumps being built at once; others wait (each holds the graph in memory)
    # seconds HTTP caches may reuse a read answer (Cache-Control max-age)
    cache_max_age: int = field(default=60, metadata=MAY_BE_ZERO)
    # answers kept for repeated requests, per worker
    response_cache_bytes: int = field(default=64_000_000, metadata=MAY_BE_ZERO)
    # a longer answer is streamed, not kept
    response_cache_entry_bytes: int = field(default=2_000_000, metadata=MAY_BE_ZERO)
    # query texts kept for persisted queries, per worker
    persisted_queries_bytes: int = field(default=16_000_000, metadata=MAY_BE_ZERO)
    # server processes (0: one per core)
    workers: int = field(default=0, metadata={**MAY_BE_ZERO, "maximum": MAX_WORKERS})
    # uvicorn's limits, per worker process
    # connections and requests at once; beyond them 503 (uvicorn's limit_concurrency; 0: no limit)
    max_connections: int = field(default=1000, metadata=MAY_BE_ZERO)
    keep_alive_timeout: float = 5.0  # seconds an idle kept-alive connection stays open
    http_parser: str = field(default="auto", metadata={"choices": HTTP_PARSERS})  # uvicorn's
    max_header_bytes: int = 16_384  # request line and headers, with the h11 parser
    # seconds a request body may take to arrive; then 408 (0: no limit)
    body_timeout: float = field(default=30.0, metadata=MAY_BE_ZERO)

    def __post_init__(self) -> None:
        """Refuse a value the server could not work with (ValueError naming the setting)."""
        types = get_type_hints(type(self))
        for item in fields(self):
            value = getattr(self, item.name)
            problem = _problem(item.name, value, types[item.name], item.metadata)
            if problem:
                raise ValueError(f"setting {item.name} ({env_name(item.name)}) is {value!r}: {problem}")

    @property
    def query_limits(self) -> QueryLimits:
        return QueryLimits(self.max_query_depth, self.max_query_patterns, self.max_query_tokens)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then ``BESKGRAPH_*`` environment variables, then ``overrides``."""
        types = get_type_hints(cls)
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = os.environ.get(env_name(item.name))
            if raw is not None:
                values[item.name] = _convert(
                    raw, types[item.name], env_name(item.name), item.metadata.get("separator")
                )
        if isinstance(url := values.get("public_url"), str):
            values["public_url"] = url.rstrip("/")
        values.update(overrides)
        # ignored below: values are typed per field above; replace() sees dict[str, object]
        return replace(cls(), **values)  # type: ignore[arg-type]


def env_name(setting: str) -> str:
    """The environment variable of a setting: ``query_timeout`` -> ``BESKGRAPH_QUERY_TIMEOUT``."""
    return "BESKGRAPH_" + setting.upper()


def _problem(name: str, value: object, kind: object, metadata: Mapping[str, object]) -> str | None:
    """What is wrong with ``value`` for the setting ``name`` (None: nothing)."""
    if kind in (int, float) and isinstance(value, int | float):
        minimum = metadata.get("minimum")
        if not math.isfinite(value):
            return "expected a finite number"
        if isinstance(minimum, int) and value < minimum:
            return f"expected {minimum} or more"
        if minimum is None and value <= 0:
            return "expected a number more than 0"
        if isinstance(maximum := metadata.get("maximum"), int) and value > maximum:
            return f"expected {maximum} or less"
    choices = metadata.get("choices")
    if isinstance(choices, tuple) and value not in choices:
        return f"expected one of {', '.join(choices)}"
    if name == "http_parser" and value == "httptools" and importlib.util.find_spec("httptools") is None:
        return "httptools is not installed"
    if name == "public_url" and value is not None:
        try:
            parts = urlsplit(str(value))
            _ = parts.port  # raises for a port out of range
        except ValueError as error:
            return f"not a URL ({error})"
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            return "expected an absolute http(s) URL such as https://example.org/beskgraph"
    if name == "graphql_path" and value is not None and not str(value).startswith("/"):
        return "expected a path starting with /"
    return None


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _convert(raw: str, kind: object, name: str, separator: str | None) -> object:
    if not raw.strip() and type(None) in get_args(kind):  # empty: none (e.g. no GraphQL path advertised)
        return None
    if separator is not None:
        return tuple(part.strip() for part in raw.split(separator) if part.strip())
    if kind is bool:
        if raw.strip().lower() not in _TRUE | _FALSE:
            raise ValueError(f"{name}={raw!r}: expected one of {sorted(_TRUE | _FALSE)}")
        return raw.strip().lower() in _TRUE
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError as exc:
            raise ValueError(f"{name}={raw!r}: expected a number") from exc
    return raw
