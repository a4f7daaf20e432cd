"""The command line never loses data: a missing source, a build that finds or keeps no
document, a signal during the write: the previous output stays as it was and no temporary
file is left behind; outputs get the permissions the umask gives; rebuilds report what
changed; an output that is a stream (a FIFO, ``/dev/stdout``) is written into, and one reached
through a link keeps its link."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from beskgraph.config import SEEDS_DIR
from beskgraph.output import write_atomically

# integration: the command line in processes
pytestmark = pytest.mark.integration

SEED = SEEDS_DIR / "000_2ad044e4a048410a.txt"


def cli(*args: str, umask: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "beskgraph.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "g.trig"
    assert cli("build", str(SEED), "-o", str(out)).returncode == 0
    return out


@pytest.fixture
def previous(built_once: Path, tmp_path: Path) -> Path:
    """A previous output of the command line (a copy of one built for the module)."""
    out = tmp_path / "out" / "g.trig"
    out.parent.mkdir()
    out.write_bytes(built_once.read_bytes())
    return out


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (["/nonexistent/beskgraph-sources"], "source not found: /nonexistent/beskgraph-sources"),
        (["EMPTY"], "no source documents in "),
        (["BAD"], "no document could be used"),
    ],
)
def test_no_usable_source_is_an_error_and_the_previous_output_stays(
    previous: Path, tmp_path: Path, sources: list[str], message: str
):
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "BAD").mkdir()
    (tmp_path / "BAD" / "tom.txt").write_bytes(b"")
    before = previous.read_bytes()
    result = cli("build", *[str(tmp_path / s) if s.isupper() else s for s in sources], "-o", str(previous))
    assert result.returncode == 1
    assert "build failed (previous output left untouched)" in result.stderr and message in result.stderr
    assert previous.read_bytes() == before and leftovers(previous.parent) == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_outputs_honour_the_umask(tmp_path: Path, umask: int, mode: int):
    out = tmp_path / "g.nq"
    assert cli("build", str(SEED), "-o", str(out), umask=umask).returncode == 0
    assert out.stat().st_mode & 0o777 == mode


def test_a_rebuild_keeps_the_permissions_of_the_file_it_replaces(previous: Path) -> None:
    previous.chmod(0o600)  # kept private by its owner
    assert cli("build", str(SEED), "-o", str(previous), umask=0o022).returncode == 0
    assert previous.stat().st_mode & 0o777 == 0o600


BLOCKING_WRITE = """
import os, signal, sys, time
# Ctrl-C as at a terminal, even when the test runs as a background job (which inherits SIGINT ignored)
signal.signal(signal.SIGINT, signal.default_int_handler)
def fsync(fd):  # the data is written; the rename has not happened: stop here
    print("writing", flush=True)
    time.sleep(60)
os.fsync = fsync
from beskgraph.cli import app
app(sys.argv[1:])
"""


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 128 + signal.SIGINT)]
)
def test_a_signal_during_the_write_removes_the_temporary_file(previous: Path, signum: int, code: int):
    before = previous.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-c", BLOCKING_WRITE, "build", str(SEEDS_DIR), "-o", str(previous)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "writing\n"
        assert len(leftovers(previous.parent)) == 1  # the temporary file, written in full
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == code, stderr
    assert "interrupted (previous output left untouched)" in stderr
    assert previous.read_bytes() == before and leftovers(previous.parent) == []


def test_temporary_files_of_a_killed_write_are_swept_by_the_next(tmp_path: Path):
    out = tmp_path / "g.trig"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    stray = tmp_path / f".g.trig.{dead}.tmp-abc123"
    stray.write_bytes(b"half a graph")
    alive = tmp_path / f".g.trig.{os.getpid()}.tmp-def456"  # a write still going on: not ours to remove
    alive.write_bytes(b"")
    write_atomically(out, b"data")
    assert out.read_bytes() == b"data" and not stray.exists() and alive.exists()


def test_a_rebuild_reports_what_changed(previous: Path, tmp_path: Path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / SEED.name).write_bytes(SEED.read_bytes())
    (sources / "notat.txt").write_text(
        "Notat om samarbejde\n\nJobcenter Køge og a-kasserne mødes hver uge.\n", encoding="utf-8"
    )
    result = cli("build", str(sources), "-o", str(previous))
    assert result.returncode == 0, result.stderr
    assert "changes: 1 added, 0 changed, 0 removed, 1 unchanged; parsed 1, validated 1" in result.stderr


# --- outputs that are not a regular file ------------------------------------------------
# ``-o /dev/stdout`` or ``-o /dev/null`` name a link to a stream and a device: the temporary
# file and rename that make a file's replacement atomic replaced the link, or the device, with
# a regular file (as root, /dev/stdout was a 700 KB file afterwards). Made here on look-alikes
# in a temporary folder: a FIFO, and a link to one, as /dev/stdout links to /proc/self/fd/1.


def drain(fifo: Path) -> tuple[threading.Thread, bytearray]:
    """A reader of ``fifo`` in a thread (a FIFO's writer waits for one); what it read."""
    received = bytearray()

    def read() -> None:
        with fifo.open("rb") as stream:
            while chunk := stream.read(65536):
                received.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, received


@pytest.mark.parametrize("through_a_link", [False, True], ids=["fifo", "link to a fifo"])
def test_an_output_that_is_a_stream_is_written_into_and_stays_what_it_was(
    tmp_path: Path, through_a_link: bool
) -> None:
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    named = fifo
    if through_a_link:
        named = tmp_path / "stdout"
        named.symlink_to(fifo)
    reader, received = drain(fifo)
    data = b"@prefix ex: <http://example.org/> .\n" * 20_000  # more than a pipe holds
    write_atomically(named, data)
    reader.join(timeout=30)
    assert bytes(received) == data
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert named.is_symlink() == through_a_link
    assert leftovers(tmp_path) == []


def test_export_to_a_stream_named_as_its_output_gives_every_byte(tmp_path: Path) -> None:
    fifo = tmp_path / "stdout"
    os.mkfifo(fifo)
    reader, received = drain(fifo)
    exported = cli("export", "--format", "nquads", "-o", str(fifo))
    reader.join(timeout=30)
    assert exported.returncode == 0, exported.stderr
    expected = tmp_path / "expected.nq"
    assert cli("export", "--format", "nquads", "-o", str(expected)).returncode == 0
    assert bytes(received) == expected.read_bytes()
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_build_into_a_fifo_does_not_read_it_first(previous: Path, tmp_path: Path) -> None:
    """A rebuild reads the previous output to report what changed; a FIFO has none to read
    (reading it waited for a writer that was the build itself)."""
    fifo = tmp_path / "g.trig"
    os.mkfifo(fifo)
    reader, received = drain(fifo)
    built = cli("build", str(SEED), "-o", str(fifo))
    reader.join(timeout=30)
    assert built.returncode == 0, built.stderr
    assert bytes(received) == previous.read_bytes()
    assert "changes:" not in built.stderr


def test_an_output_reached_through_a_link_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "builds").mkdir()
    target = tmp_path / "builds" / "g.trig"
    target.write_bytes(b"# the previous build\n")
    link = tmp_path / "latest.trig"
    link.symlink_to(Path("builds") / "g.trig")
    write_atomically(link, b"# the new build\n")
    assert link.is_symlink() and os.readlink(link) == str(Path("builds") / "g.trig")
    assert target.read_bytes() == b"# the new build\n"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "builds") == []


def test_a_build_written_into_its_source_folder_does_not_read_itself_back(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / SEED.name).write_bytes(SEED.read_bytes())
    output = sources / "out.trig"
    first = cli("build", str(sources), "-o", str(output))
    assert first.returncode == 0, first.stderr
    built = output.read_bytes()
    second = cli("build", str(sources), "-o", str(output))
    assert second.returncode == 0, second.stderr
    assert output.read_bytes() == built  # before, out.trig was read as a document each time
    assert "out.trig" not in second.stderr.replace(str(output), "")


def test_export_to_a_closed_standard_output_is_a_one_line_error() -> None:
    closed = subprocess.run(
        [sys.executable, "-m", "beskgraph.cli", "export", "--format", "nquads"],
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert closed.returncode == 2
    assert closed.stderr.strip() == "cannot export: standard output is closed (use -o FILE)"


def test_file_names_are_printed_as_written_not_read_as_markup(tmp_path: Path) -> None:
    output = tmp_path / "graph[draft].trig"
    built = cli("build", str(SEED), "-o", str(output))
    assert built.returncode == 0, built.stderr
    assert f"wrote {output}" in built.stderr
    checked = cli("validate", str(output))
    assert f"{output}: conforms" in checked.stderr
    missing = cli("validate", str(tmp_path / "nope[b].trig"))
    assert "nope[b].trig" in missing.stderr


def test_a_dangling_link_in_a_source_folder_is_left_out_and_the_rest_built(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / SEED.name).write_bytes(SEED.read_bytes())
    (sources / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    built = cli("build", str(sources), "-o", str(tmp_path / "g.trig"))
    assert built.returncode == 0, built.stderr
    assert "left out gone.txt: cannot be read: No such file or directory" in built.stderr
    assert "documents: 1 catalogue-card; left out: 1" in built.stderr


ENDING = """
import atexit, sys, threading, time
from beskgraph.cli import _run_and_end
atexit.register(print, "exit handler ran")
if sys.argv[2] == "thread":  # a thread still running: ended the usual way, which waits for it
    threading.Thread(target=lambda: time.sleep(0.3) or print("thread ended")).start()
_run_and_end(lambda: print("written", end=" ") or sys.exit(int(sys.argv[1]) if sys.argv[1].isdigit() else sys.argv[1]))
"""


@pytest.mark.parametrize(
    ("status", "thread", "code", "stdout", "stderr"),
    [
        ("0", "", 0, "written exit handler ran\n", ""),
        ("3", "", 3, "written exit handler ran\n", ""),
        ("stopped: why", "", 1, "written exit handler ran\n", "stopped: why\n"),
        ("4", "thread", 4, "written thread ended\nexit handler ran\n", ""),
    ],
)
def test_the_command_ends_as_sys_exit_ends_a_process(
    status: str, thread: str, code: int, stdout: str, stderr: str
) -> None:
    """The CLI and server.py end without freeing every object on the way out (see
    ``beskgraph.cli._run_and_end``), yet as ``sys.exit`` ends a process: the exit status, the exit
    handlers run, buffered output written, a running thread waited for."""
    ended = subprocess.run(
        [sys.executable, "-c", ENDING, status, thread], capture_output=True, text=True, timeout=60
    )
    assert (ended.returncode, ended.stdout, ended.stderr) == (code, stdout, stderr)


OUTPUT_GONE = """
import sys, time
def command():
    print("written", end="")  # buffered: flushed on the way out
    {gone}
    time.sleep(0.3)  # (a reader that goes has gone by now)
    sys.exit(int(sys.argv[1]) if sys.argv[1].isdigit() else sys.argv[1])
if sys.argv[2] == "python":
    command()
from beskgraph.cli import _run_and_end
_run_and_end(command)
"""
READER_GONE = "pass  # the reader of stdout has gone"


@pytest.mark.parametrize(
    ("gone", "status"),
    [
        (READER_GONE, "0"),
        (READER_GONE, "3"),
        (READER_GONE, "stopped: why"),
        ("sys.stdout.close()", "0"),
        ("sys.stderr.close()", "stopped: why"),
        ("sys.stderr = None", "stopped: why"),
    ],
)
def test_the_command_ends_as_python_ends_when_its_output_is_gone(gone: str, status: str) -> None:
    """Output that cannot be written on the way out (a reader that closed the pipe, a closed or
    absent stream) gives the exit status, output and last words Python's own exit gives."""

    def ended(how: str) -> tuple[int | None, bytes, bytes]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
        command = [sys.executable, "-c", OUTPUT_GONE.format(gone=gone), status, how]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as process:
            assert process.stdout and process.stderr
            if gone == READER_GONE:
                process.stdout.close()  # before anything is written
            out, err = process.communicate(timeout=60)
            return process.returncode, out or b"", err

    python = ended("python")
    assert python[0] == (120 if gone == READER_GONE else 1 if status.startswith("stopped") else int(status))
    if gone == "sys.stderr.close()" and python[2] == b"\n":  # Python's bare newline after the text
        python = (*python[:2], b"")  # it could not write: beskgraph writes neither
    assert ended("beskgraph") == python
