"""A real Virtuoso (Debian's ``virtuoso-opensource``) of its own, for the tests and the bench.

Its own database directory and ini, loopback ports (SQL and HTTP), a new password for
``dba`` (writes go to ``/sparql-graph-crud-auth`` with HTTP Digest), and Virtuoso's own
system graphs made private, so its default graph (the union of every graph) holds
beskgraph's graphs only.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.loopback import answers_sparql
from beskgraph.store import Store, open_store

# Virtuoso keeps its quad-map schema, LDP vocabulary and service description as graphs.
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxKeepAlives = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    """Where a Virtuoso answers, and the credentials its graph store asks for."""

    query_url: str
    gsp_url: str
    user: str
    password: str

    def empty_store(self) -> Store:
        """A RemoteStore on this server with every graph beskgraph can see dropped."""
        store = open_store(self.query_url, gsp_url=self.gsp_url, user=self.user, password=self.password)
        for graph in store.graphs():
            store.drop_graph(graph)
        return store


def _isql(binary: str, port: int, password: str, sql: str) -> None:
    done = subprocess.run(
        [binary, f"127.0.0.1:{port}", "dba", password, f"exec={sql}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql failed on {sql!r}: {done.stdout[-500:]} {done.stderr[-500:]}")


@contextlib.contextmanager
def running_virtuoso(directory: Path, http_port: int, sql_port: int) -> Iterator[Virtuoso]:
    """A Virtuoso on a fresh database in ``directory`` while the context lasts."""
    proc, server = start_virtuoso(directory, http_port, sql_port)
    try:
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_virtuoso(
    directory: Path, http_port: int, sql_port: int
) -> tuple[subprocess.Popen[bytes], Virtuoso]:
    """Start ``virtuoso-t`` on a fresh database in ``directory``; set it up as beskgraph needs."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise FileNotFoundError("virtuoso-t / isql-vt")
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(dir=directory, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = (directory / "stdout.log").open("wb")
    proc = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)], cwd=directory, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{http_port}"
    if not answers_sparql(f"{base}/sparql", proc, 90):
        log_tail = (directory / "virtuoso.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"virtuoso-t did not start: {log_tail}")
    password = secrets.token_urlsafe(12)
    setup = [f"DB.DBA.RDF_GRAPH_GROUP_CREATE('{PRIVATE}', 1)"]
    setup += [f"DB.DBA.RDF_GRAPH_GROUP_INS('{PRIVATE}', '{graph}')" for graph in SYSTEM_GRAPHS]
    setup += [
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0, 1)",  # private graphs: hidden from queries
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('dba', 1023, 1)",
        f"USER_SET_PASSWORD('dba', '{password}')",
    ]
    _isql(isql, sql_port, "dba", "; ".join(setup) + ";")
    return proc, Virtuoso(f"{base}/sparql", f"{base}/sparql-graph-crud-auth", "dba", password)
