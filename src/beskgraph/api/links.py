"""The IRIs and links the API publishes about itself.

None of them comes from the request's ``Host`` header (or any other header a client
chooses): the dataset IRI is fixed under the data's base IRI, and links to endpoints
and dumps start with ``Settings.public_url``, which ``serve`` sets to the address the
server was started on unless ``BESKGRAPH_PUBLIC_URL`` names a public one.
"""

from __future__ import annotations

import ipaddress
import socket

from starlette.requests import Request

from beskgraph.api.settings import Settings
from beskgraph.config import base_iri

WILDCARDS = {"", "0.0.0.0", "::"}


def dataset_iri() -> str:
    """The dataset's IRI: ``https://w3id.org/beskgraph/dataset`` under the default base."""
    return base_iri() + "dataset"


def listen_url(host: str, port: int) -> str:
    """``http://host:port`` for a listening address; a wildcard address gives this machine's name."""
    if host in WILDCARDS:
        host = socket.getfqdn()
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a name, not an address
    return f"http://{host}:{port}"


def public_base(request: Request) -> str:
    """Absolute base URL of the API for links: ``Settings.public_url``, else the local
    address of the socket the request came in on (an app not started by ``serve``)."""
    settings: Settings = request.app.state.settings
    if settings.public_url:
        return settings.public_url.rstrip("/")
    server = request.scope.get("server")
    if server and server[1] is not None:
        return listen_url(str(server[0]), int(server[1]))
    return "http://localhost"  # a Unix socket
