"""Settings of the HTTP API (limits, dataset metadata), overridable from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from beskgraph.config import SEEDS_DIR

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"


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
    query_timeout: float = 10.0  # seconds per /sparql query
    max_result_bytes: int = 50_000_000  # serialised /sparql result size limit
    max_query_bytes: int = 1_000_000  # request body size limit
    max_concurrent_queries: int = 4  # /sparql queries running at once; others wait
    cors_origins: tuple[str, ...] = ("*",)  # origins a browser may read the API from
    sources: tuple[str, ...] = (str(SEEDS_DIR),)  # folders holding the source texts (/source/…)
    dump_dir: str | None = None  # dump files go in a private directory made here (default: temp dir)
    max_dump_builds: int = 1  # dumps being built at once; others wait (each holds the graph in memory)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then ``BESKGRAPH_*`` environment variables, then ``overrides``."""
        env = os.environ
        settings = cls()
        values: dict[str, object] = {}
        if "BESKGRAPH_PUBLIC_URL" in env:
            values["public_url"] = env["BESKGRAPH_PUBLIC_URL"].rstrip("/")
        if "BESKGRAPH_QUERY_TIMEOUT" in env:
            values["query_timeout"] = float(env["BESKGRAPH_QUERY_TIMEOUT"])
        if "BESKGRAPH_MAX_RESULT_BYTES" in env:
            values["max_result_bytes"] = int(env["BESKGRAPH_MAX_RESULT_BYTES"])
        if "BESKGRAPH_MAX_CONCURRENT_QUERIES" in env:
            values["max_concurrent_queries"] = int(env["BESKGRAPH_MAX_CONCURRENT_QUERIES"])
        if "BESKGRAPH_CORS_ORIGINS" in env:
            origins = env["BESKGRAPH_CORS_ORIGINS"].split(",")
            values["cors_origins"] = tuple(o.strip() for o in origins if o.strip())
        if "BESKGRAPH_SOURCES" in env:
            values["sources"] = tuple(d for d in env["BESKGRAPH_SOURCES"].split(os.pathsep) if d)
        if "BESKGRAPH_DUMP_DIR" in env:
            values["dump_dir"] = env["BESKGRAPH_DUMP_DIR"]
        if "BESKGRAPH_MAX_DUMP_BUILDS" in env:
            values["max_dump_builds"] = int(env["BESKGRAPH_MAX_DUMP_BUILDS"])
        if "BESKGRAPH_PUBLISHER" in env:
            values["publisher"] = env["BESKGRAPH_PUBLISHER"]
        values.update(overrides)
        return replace(settings, **values)  # type: ignore[arg-type]
