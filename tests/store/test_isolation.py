"""Helper processes: no network (seccomp), no life beyond their parent, default signals, deep stacks."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from beskgraph.api.app import create_app
from beskgraph.isolation import lifeline, seccomp
from beskgraph.isolation.memory import cap_memory
from beskgraph.isolation.stack import TWO_DEEP_STACKS, call_with_stack
from beskgraph.query import decode_escapes
from beskgraph.query.grammar import QueryInfo
from beskgraph.store import EmbeddedStore, StoreUnavailable
from beskgraph.store.children import Budget, QueryJob
from beskgraph.store.errors import NetworkRefused
from tests.support import http
from tests.support.canary import Canary
from tests.support.stores import SAMPLE_TRIG, run_query

# integration: sandboxed helper processes, their parents killed
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process controls"),
]


def in_child(body: Callable[[], int]) -> int:
    """Run ``body`` in a forked child; its return value is the child's exit code."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(body())
        finally:
            os._exit(99)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.fixture
def canary() -> Iterator[Canary]:
    with Canary() as running:
        yield running


# --- seccomp ---------------------------------------------------------------------


def test_a_sandboxed_process_can_open_no_socket_of_any_family(canary: Canary) -> None:
    host, port = canary.host.split(":")

    def body() -> int:
        seccomp.forbid_network()
        refused = 0
        for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
            try:
                socket.socket(family, socket.SOCK_STREAM)
            except PermissionError:
                refused += 1
        thread_refused: list[bool] = []

        def in_thread() -> None:  # threads started afterwards inherit the filter
            try:
                socket.create_connection((host, int(port)), timeout=1)
            except PermissionError:
                thread_refused.append(True)

        worker = threading.Thread(target=in_thread)
        worker.start()
        worker.join()
        return 0 if refused == 3 and thread_refused else 1

    assert in_child(body) == 0
    assert canary.contacts == []
    with socket.create_connection(("127.0.0.1", int(port)), timeout=2):
        pass  # this process (the parent) is not affected
    time.sleep(0.1)
    assert len(canary.contacts) == 1


def test_pyoxigraph_service_fails_cleanly_in_the_sandbox(canary: Canary) -> None:
    import pyoxigraph as ox

    def body() -> int:
        seccomp.forbid_network()
        store = ox.Store()
        try:
            store.query(f"ASK {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}")
        except PermissionError:
            pass
        else:
            return 1
        silent = store.query(f"SELECT * {{ SERVICE SILENT <{canary.url}> {{ ?s ?p ?o }} }}")
        return 0 if len(list(silent)) == 1 else 2  # SILENT: one empty solution

    assert in_child(body) == 0
    assert canary.contacts == []


# The second wall on its own: the store's own query path, with no check in front.


@pytest.fixture(params=["memory", "disk"])
def embedded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "db" if request.param == "disk" else None)
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    yield store
    store.close()


def test_an_unchecked_service_query_cannot_reach_the_network(embedded: EmbeddedStore, canary: Canary) -> None:
    with pytest.raises(NetworkRefused, match="Operation not permitted"):
        run_query(embedded, f"SELECT * {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}")
    body, _ = run_query(embedded, f"ASK {{ SERVICE SILENT <{canary.url}> {{ ?s ?p ?o }} }}")
    assert body.endswith(b"true}")  # SILENT: the failed service gives its one empty solution
    time.sleep(0.2)
    assert canary.contacts == []


def test_a_query_the_sandbox_stops_is_refused_and_logged(
    serve_app: Callable[[Starlette], str],
    canary: Canary,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With both checks out of the way (as if a disguise got past them), the sandbox stops
    # the SERVICE: the client gets the same refusal as from a check (it used to get 500
    # "store error: PermissionError"), and the log line says which wall stopped it.
    monkeypatch.setattr("beskgraph.api.sparql.read_query", lambda query, _limits: decode_escapes(query))
    monkeypatch.setattr(
        "beskgraph.store.children.inspect_query", lambda _text, _depth: QueryInfo("SelectQuery")
    )
    store = EmbeddedStore()
    store.load_dataset(SAMPLE_TRIG, "application/trig")
    endpoint = serve_app(create_app(store)) + "/sparql"
    with caplog.at_level(logging.WARNING, "beskgraph.refused"):
        response = http.get(
            endpoint, params={"query": f"SELECT * {{ ?s ?p ?o SERVICE <{canary.url}> {{ }} }}"}
        )
    assert response.status_code == 400
    assert response.text == "SERVICE (federated query) is not allowed on this endpoint"
    lines = [r.getMessage() for r in caplog.records if r.name == "beskgraph.refused"]
    assert len(lines) == 1 and "400" in lines[0] and "network sandbox stopped" in lines[0]
    assert canary.contacts == []


def test_without_a_sandbox_client_queries_fail_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> None:
        raise seccomp.SandboxUnavailable("not on this system")

    # forked children inherit the patched module (fork-server children would import it afresh)
    monkeypatch.setattr("beskgraph.store.children.forbid_network", unavailable)
    store = EmbeddedStore()
    with pytest.raises(StoreUnavailable, match="no network sandbox"):
        store.answer(QueryJob("ASK {}", check_depth=10), Budget(5))
    body, _ = store.answer(QueryJob("ASK {}", check_depth=10, require_sandbox=False), Budget(5))
    assert body.endswith(b"true}")  # only where the operator said so (query_sandbox = False)


# --- lifeline ---------------------------------------------------------------------


def _wait_gone(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_a_worker_dies_when_its_parent_is_killed() -> None:
    # parent (forked here) starts a worker, reports its pid, and is killed with SIGKILL
    read, write = os.pipe()
    middle = os.fork()
    if middle == 0:
        me = os.getpid()
        worker = os.fork()
        if worker == 0:
            lifeline.become_worker(me, name="bg-test")
            time.sleep(60)
            os._exit(0)
        os.write(write, f"{worker}\n".encode())
        time.sleep(60)
        os._exit(0)
    worker_pid = int(os.read(read, 100).decode())
    time.sleep(0.3)  # the worker has set PR_SET_PDEATHSIG
    with open(f"/proc/{worker_pid}/comm") as comm:
        assert comm.read().strip() == "bg-test"
    os.kill(middle, signal.SIGKILL)
    os.waitpid(middle, 0)
    assert _wait_gone(worker_pid)


def test_a_worker_whose_parent_already_died_exits_at_once() -> None:
    assert in_child(lambda: lifeline.die_with_parent(os.getppid() + 1) or 0) == 1


def test_a_worker_takes_default_signal_actions() -> None:
    signal.signal(signal.SIGUSR1, lambda *_: None)  # a handler the worker must not keep
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: None)  # like a server's "graceful stop" flag
    try:
        pid = os.fork()
        if pid == 0:
            lifeline.become_worker(os.getppid(), name="bg-test")
            time.sleep(30)
            os._exit(0)
        time.sleep(0.2)
        os.kill(pid, signal.SIGTERM)
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == -signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGUSR1, signal.SIG_DFL)


def test_the_backstop_ends_a_stuck_worker() -> None:
    def body() -> int:
        lifeline.become_worker(os.getppid(), name="bg-test", backstop_seconds=0.2)
        time.sleep(30)
        return 0

    started = time.monotonic()
    assert in_child(body) == -signal.SIGALRM
    assert time.monotonic() - started < 10


def test_inherited_descriptors_are_closed_but_the_kept_ones() -> None:
    keep_r, keep_w = os.pipe()
    other = socket.socket()

    def body() -> int:
        lifeline.close_fds_except([keep_w])
        os.write(keep_w, b"ok")
        try:
            os.fstat(other.fileno())
        except OSError:
            return 0
        return 1

    assert in_child(body) == 0
    assert os.read(keep_r, 2) == b"ok"
    other.close()
    os.close(keep_r)
    os.close(keep_w)


# --- deep stacks --------------------------------------------------------------------


def test_deep_recursion_runs_on_a_deep_stack() -> None:
    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + depth(n - 1)

    assert call_with_stack(lambda: depth(50_000), recursion_limit=60_000) == 50_000
    assert sys.getrecursionlimit() < 60_000  # restored
    with pytest.raises(ZeroDivisionError):
        call_with_stack(lambda: 1 // 0)


def test_two_deep_stacks_in_a_row_start_under_a_query_process_cap() -> None:
    """A query process checks the query on a deep stack, then runs it on another, under a
    memory cap: the first stack can still be mapped when the second thread starts. With room
    for one, pairs failed to start in most runs (9 to 255 of 300: "can't start new thread", as
    a /sparql query on the on-disk store once did under load, answered 500)."""

    def pairs() -> int:
        # 200 MB beside the stacks: the malloc arena (64 MB of address space) a fresh process's
        # first thread reserves; a query process inherits the server's arenas
        cap_memory((200 << 20) + TWO_DEEP_STACKS)
        failed = 0
        for _ in range(300):
            # as in a query process, no other thread is left: a thread that has ended for Python
            # may still be ending for the kernel, stack mapped, and a third stack is no query's
            deadline = time.monotonic() + 10
            while len(os.listdir("/proc/self/task")) > 1 and time.monotonic() < deadline:
                time.sleep(0.001)
            try:
                call_with_stack(lambda: None)
                call_with_stack(lambda: None)
            except RuntimeError:
                failed += 1
        return min(failed, 255)

    assert in_child(pairs) == 0
