"""A loopback HTTP server that records every connection: what a query must never reach.

It answers every request like a SPARQL endpoint would (a JSON boolean ``true``, or one
solution), so a query that did reach it would succeed rather than fail noisily.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", "value": "leak"}}]}}'


class Canary:
    """Start with ``with Canary() as canary``; ``canary.contacts`` lists (client, first line)."""

    def __init__(self) -> None:
        self.contacts: list[tuple[str, str]] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.contacts.append((self.client_address[0], self.requestline))
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(ANSWER)))
                self.end_headers()
                self.wfile.write(ANSWER)

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request: object, client_address: tuple[str, int]) -> bool:
                canary.contacts.append((client_address[0], "connection"))  # even one that sends nothing
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"http://{self.host}/sparql"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Canary:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
