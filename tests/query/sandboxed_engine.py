"""pyoxigraph, the engine, asked whether it runs a SERVICE: in a child that cannot open a socket.

The child forbids itself the network (seccomp) before it reads any query, so a SERVICE
the engine runs fails with "Operation not permitted" (or, for the discard port used
here, pyoxigraph's own refusal of that port) and nothing leaves the machine. Its store
holds one triple in the default graph, so a triple pattern of variables has a
solution and a SERVICE joined after it is evaluated. Queries go over a pipe, one JSON
line each way; the child is forked once and serves many queries.
"""

from __future__ import annotations

import json
import os
from typing import Literal

from beskgraph.isolation import lifeline, seccomp

TARGET = "http://127.0.0.1:9/x"  # the discard port: pyoxigraph refuses it before connecting
Verdict = Literal["service", "ran", "syntax", "error"]


def _verdict(store: object, query: str) -> tuple[Verdict, str]:
    import pyoxigraph as ox

    try:
        result = store.query(query)  # type: ignore[attr-defined]
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except SyntaxError as exc:
        return "syntax", str(exc)
    except OSError as exc:
        message = str(exc)
        if "Operation not permitted" in message or "port 9 is not allowed" in message:
            return "service", message
        return "error", message
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"
    return "ran", ""


def _serve(requests: int, answers: int, parent: int) -> None:
    import pyoxigraph as ox

    lifeline.become_worker(parent, name="bg-engine-oracle", backstop_seconds=None)
    seccomp.forbid_network()
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    with (
        os.fdopen(requests, "r", encoding="utf-8") as lines,
        os.fdopen(answers, "w", encoding="utf-8") as out,
    ):
        for line in lines:
            verdict, message = _verdict(store, json.loads(line))
            out.write(json.dumps([verdict, message[:300]]) + "\n")
            out.flush()


class SandboxedEngine:
    """``with SandboxedEngine() as engine: engine.verdict(query)``."""

    def __enter__(self) -> SandboxedEngine:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(from_parent)
                os.close(to_parent)
                _serve(to_child, from_child, parent)
            finally:
                os._exit(0)
        os.close(to_child)
        os.close(from_child)
        self._out = os.fdopen(from_parent, "w", encoding="utf-8")
        self._in = os.fdopen(to_parent, "r", encoding="utf-8")
        return self

    def verdict(self, query: str) -> tuple[Verdict, str]:
        """What the engine does with ``query``: runs a SERVICE, runs it without one, or fails."""
        self._out.write(json.dumps(query) + "\n")
        self._out.flush()
        line = self._in.readline()
        if not line:
            raise RuntimeError("the engine's process ended (a crash on this query?)")
        verdict, message = json.loads(line)
        return verdict, message

    def __exit__(self, *exc: object) -> None:
        self._out.close()
        self._in.close()
        os.waitpid(self.pid, 0)
