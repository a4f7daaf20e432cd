"""``server.py --workers 2``: one load served by two processes that give the same answers,
ready only when both are, reloaded (SIGHUP) for both at once, stopped together."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.api.workers import GenerationGate, Loaded, SharedGeneration, Supervisor
from beskgraph.build import BuildResult
from beskgraph.config import SEEDS_DIR
from beskgraph.store import EmbeddedStore
from tests.support import http
from tests.support.processes import Proc, descendants
from tests.support.server import Server, wait_until

# integration: ``python server.py --workers 2`` processes
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not hasattr(os, "fork") or not os.path.exists("/proc/self/io"), reason="Linux: fork and /proc"
    ),
]


TITLES = "{ interventions(first: 10) { nodes { title } } }"
CARD, OLD, NEW = "001_0790efc861254765.txt", "Projekt Flere skal med 2", "Projekt Flere skal med 3"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def workers(server: Server) -> list[Proc]:
    return [p for p in server.members() if p.name == "bg-worker"]


def writes(pid: int) -> int:
    """Write system calls the process has made (each answer is at least one)."""
    with open(f"/proc/{pid}/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("syscw"))


def sources(tmp_path: Path) -> Path:
    copied = tmp_path / "sources"
    shutil.copytree(SEEDS_DIR, copied)
    return copied


@pytest.fixture(params=["memory", "disk"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    store = "memory" if request.param == "memory" else f"oxigraph:{tmp_path / 'db'}"
    running = Server(tmp_path, store, "--workers", "2", str(sources(tmp_path)))
    yield running
    running.stop()


def fresh(server: Server, path: str, **params: str) -> httpx.Response:
    """One request on a connection of its own (so the kernel may hand it to either worker)."""
    accept = "text/csv" if path == "/sparql" else "application/json"
    return http.get(
        f"http://127.0.0.1:{server.port}{path}",
        params=params,
        headers={"Connection": "close", "Accept": accept},
        timeout=30,
    )


def crowd(server: Server, requests: list[tuple[str, str | None]]) -> list[httpx.Response]:
    """The requests, eight at a time on connections of their own: a busy worker leaves the
    next connection to the other."""
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda r: fresh(server, r[0], **({"query": r[1]} if r[1] else {})), requests))


def test_every_worker_gives_the_same_answers(server: Server) -> None:
    assert wait_until(lambda: len(workers(server)) == 2, 10), server.members()
    before = {w.pid: writes(w.pid) for w in workers(server)}
    answers = {
        (r.status_code, r.headers["etag"], r.content)
        for r in crowd(server, [("/graphql", TITLES), ("/sparql", COUNT)] * 20)
    }
    assert len(answers) == 2, answers  # one GraphQL and one SPARQL answer, whichever worker gave it
    assert all(status == 200 for status, _etag, _body in answers)
    assert OLD.encode() in b"".join(body for _status, _etag, body in answers)
    served = {pid: writes(pid) - count for pid, count in before.items()}
    assert all(count >= 5 for count in served.values()), served  # both workers answered


def test_a_reload_reaches_every_worker_at_once(server: Server, tmp_path: Path) -> None:
    before = fresh(server, "/graphql", query=TITLES)
    assert OLD in before.text
    kept = [httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) for _ in range(4)]
    assert all(OLD in client.get("/graphql", params={"query": TITLES}).text for client in kept)
    card = tmp_path / "sources" / CARD
    card.write_text(card.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    old_workers = {w.pid for w in workers(server)}
    os.kill(server.process.pid, signal.SIGHUP)
    assert wait_until(lambda: "generation 2 published to 2 workers" in server.log(), 120), server.log()
    for client in kept:  # connections opened to the old workers: never an old answer again
        try:
            late = client.get("/graphql", params={"query": TITLES})
        except httpx.TransportError:
            continue  # the old worker closed the connection
        finally:
            client.close()
        assert (late.status_code, late.headers.get("retry-after")) == (503, "0") or (
            late.status_code == 200 and NEW in late.text
        ), late.text
    answers = [fresh(server, "/graphql", query=TITLES) for _ in range(20)]
    assert all(a.status_code == 200 and NEW in a.text and OLD not in a.text for a in answers)
    assert {a.headers["etag"] for a in answers} != {before.headers["etag"]}
    stale = http.get(
        f"http://127.0.0.1:{server.port}/graphql",
        params={"query": TITLES},
        headers={"If-None-Match": before.headers["etag"]},
    )
    assert stale.status_code == 200 and NEW in stale.text
    assert wait_until(lambda: not old_workers & {w.pid for w in workers(server)}, 15), server.members()
    assert len(workers(server)) == 2


def test_an_on_disk_store_answers_through_its_reloads_and_after_a_failed_one(tmp_path: Path) -> None:
    db = tmp_path / "db"
    server = Server(tmp_path, f"oxigraph:{db}", "--workers", "2", str(sources(tmp_path)))
    answers: list[httpx.Response] = []
    failures: list[httpx.TransportError] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            try:
                answers.append(fresh(server, "/sparql", query=COUNT))
            except httpx.TransportError as error:  # a connection closed on its request
                failures.append(error)

    def asked_again() -> bool:
        """Wait for the next answer (or failure): requests go on after each step."""
        count = len(answers) + len(failures)
        return wait_until(lambda: len(answers) + len(failures) > count, 30)

    asking = threading.Thread(target=ask)
    asking.start()
    try:
        assert asked_again()
        (tmp_path / "sources").rename(tmp_path / "away")  # the reload cannot build
        os.kill(server.process.pid, signal.SIGHUP)
        assert wait_until(lambda: "reload failed; generation 1 is still served" in server.log(), 120)
        assert asked_again()  # the old generation's checkpoint is still there to answer from
        (tmp_path / "away").rename(tmp_path / "sources")
        for generation in (2, 3):  # the failed load let the store go: the next ones can open it
            os.kill(server.process.pid, signal.SIGHUP)
            published = f"generation {generation} published to 2 workers"
            assert wait_until(lambda: published in server.log(), 120), server.log()  # noqa: B023
            assert asked_again()
        answers.append(fresh(server, "/sparql", query=COUNT))
        # the checkpoints of generations 1 and 2 go with their workers, once those have finished
        assert wait_until(lambda: len(list(tmp_path.glob(".db.generation-*"))) == 1, 30)
    finally:
        done.set()
        asking.join()
        server.stop()
    assert not failures, failures
    kinds = Counter((a.status_code, a.headers.get("retry-after")) for a in answers)
    assert set(kinds) <= {(200, None), (503, "0")}, [a.text for a in answers if a.status_code >= 500][:3]
    assert kinds[(200, None)] >= 4 and answers[-1].status_code == 200  # one after each step at least
    assert len({a.text for a in answers if a.status_code == 200}) == 1  # the same graph each time


def test_a_request_running_when_a_reload_retires_its_worker_is_answered(tmp_path: Path) -> None:
    """uvicorn gives running requests 5 s when a worker stops; a worker a reload retires gets
    what the limits allow (here a body that takes 7 s to arrive), not a cut connection."""
    server = Server(tmp_path, "memory", "--workers", "1")
    body = b"ASK { ?s ?p ?o }"
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Accept: application/sparql-results+json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
            )
            sock.sendall(body[:1])
            os.kill(server.process.pid, signal.SIGHUP)
            assert wait_until(lambda: "generation 2 published" in server.log(), 60), server.log()
            for byte in body[1:]:  # the rest of the body over 7 s: past uvicorn's 5 s
                time.sleep(7 / len(body))
                sock.sendall(bytes([byte]))
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
                if answer.endswith(b"}") or b"true" in answer:
                    break
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]
        assert b'"boolean":true' in answer.replace(b" ", b"")
    finally:
        server.stop()


def test_workers_that_cannot_open_the_graph_stop_the_server_with_the_reason(tmp_path: Path) -> None:
    server = Server(tmp_path, f"oxigraph:{tmp_path / 'db'}", "--workers", "1")
    try:
        for checkpoint in tmp_path.glob(".db.generation-*"):
            shutil.rmtree(checkpoint)  # what a worker started from now on would open
        for worker in workers(server):
            os.kill(worker.pid, signal.SIGKILL)
        assert server.process.wait(timeout=120) == 1  # not a listening socket with no worker
        assert server.log().strip().splitlines()[-1] == (
            "cannot serve: 5 workers in a row ended within 10 s of their start, the last before "
            "it was ready; not starting more (see the log above)"
        )
    finally:
        server.stop()


def test_a_stop_during_the_first_load_holds_even_if_its_interruption_is_lost() -> None:
    """SIGTERM raises KeyboardInterrupt in the load; raised in a fork hook of the build,
    Python prints and ignores it. The supervisor still stops instead of serving."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    released: list[str] = []

    def load(again: bool) -> Loaded:
        with contextlib.suppress(KeyboardInterrupt):  # lost
            os.kill(os.getpid(), signal.SIGTERM)
        return Loaded(EmbeddedStore, lambda: released.append("released"))

    with socket.socket() as sock:
        supervisor = Supervisor(load, lambda store, generation: create_app(store), sock, 1)
        try:
            supervisor.run()
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
    assert supervisor.generation == 0 and not supervisor.workers and released == ["released"]


class WatchedServer(Server):
    """A server whose first 200 from /health is checked against its workers and its log."""

    first_ready: tuple[int, str] | None = None

    def healthy(self) -> bool:
        ready = super().healthy()
        if ready and self.first_ready is None:
            self.first_ready = (len(workers(self)), self.log())
        return ready


def test_health_answers_only_once_every_worker_is_ready(tmp_path: Path) -> None:
    started = WatchedServer(tmp_path, "memory", "--workers", "2")
    try:
        assert started.first_ready is not None
        count, log = started.first_ready
        assert count == 2
        # each worker logs that it is ready before it tells the supervisor so
        assert log.count(" ready (generation 1)") == 2, log
        assert "Traceback" not in started.log()
    finally:
        started.stop()


def test_sigterm_to_the_supervisor_ends_every_worker_and_query(tmp_path: Path) -> None:
    server = Server(tmp_path, f"oxigraph:{tmp_path / 'db'}", "--workers", "2")
    try:
        server.start_slow_queries(2)
        assert len(workers(server)) == 2
        started = time.monotonic()
        os.kill(server.process.pid, signal.SIGTERM)  # the supervisor only, as `kill PID` does
        code = server.process.wait(timeout=30)
        assert time.monotonic() - started < 10
        assert code == 0
        assert wait_until(lambda: server.members() == [], 5), server.members()
        assert "Traceback" not in server.log()
    finally:
        server.stop()


def test_a_worker_that_dies_is_replaced_and_its_queries_die_with_it(tmp_path: Path) -> None:
    server = Server(tmp_path, "memory", "--workers", "2")
    try:
        server.start_slow_queries(4)
        victim = max(workers(server), key=lambda w: len(descendants(w.pid, "bg-query"))).pid
        assert descendants(victim, "bg-query")
        os.kill(victim, signal.SIGKILL)

        def queries_of_living_workers() -> bool:
            queries = {p.pid for p in server.members() if p.name == "bg-query"}
            living = {q.pid for w in workers(server) for q in descendants(w.pid, "bg-query")}
            return queries == living

        assert wait_until(queries_of_living_workers, 5), server.members()
        replaced = f"worker {victim} ended (signal 9); starting another"
        assert wait_until(lambda: replaced in server.log(), 30), (server.members(), server.log())
        # (then the count: a process a worker has just forked bears its name for a moment)
        assert wait_until(
            lambda: len(workers(server)) == 2 and victim not in {w.pid for w in workers(server)}, 30
        )
        assert all(fresh(server, "/sparql", query=COUNT).status_code == 200 for _ in range(6))
    finally:
        server.stop()


def test_a_worker_of_an_older_generation_answers_nothing_from_it(
    serve_app: Callable[[Starlette], str], seed_build: BuildResult
) -> None:
    store = EmbeddedStore()
    store.load_dataset(seed_build.serialise("nquads"), "application/n-quads")
    shared = SharedGeneration()
    shared.publish(1)
    url = serve_app(GenerationGate(create_app(store), shared, 1))  # type: ignore[arg-type]
    with httpx.Client(base_url=url) as client:
        assert client.get("/sparql", params={"query": COUNT}).status_code == 200
        shared.publish(2)  # a reload published: this worker's graph is the old one
        late = client.get("/sparql", params={"query": COUNT})
    assert late.status_code == 503
    assert late.headers["retry-after"] == "0" and late.headers["connection"] == "close"
    assert late.headers["cache-control"] == "no-store"


def test_the_workers_of_one_load_build_each_dump_once(server: Server) -> None:
    before = {w.pid: writes(w.pid) for w in workers(server)}
    answers = crowd(server, [("/dump.nt", None)] * 12)
    assert all(writes(pid) - count >= 3 for pid, count in before.items())  # both workers answered
    assert {a.status_code for a in answers} == {200}
    assert len({a.headers["etag"] for a in answers}) == 1 and len({a.content for a in answers}) == 1
    assert server.log().count(" written in ") == 1, server.log()  # one build for both workers
