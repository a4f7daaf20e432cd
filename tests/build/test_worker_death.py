"""A build whose worker process dies fails at once, naming the document, and writes nothing.

The OOM killer ends a worker with SIGKILL while it holds one document; a Ctrl-C that
reaches the workers but not the build (a build started as a ``&`` job of a script, which
ignores SIGINT) ends them with SIGINT. Either way the build must fail promptly and name
what the worker was doing, where ``multiprocessing.Pool`` waited for the lost task for ever.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from beskgraph.config import SEEDS_DIR
from beskgraph.workers import PROCESS_NAME
from tests.support.processes import group
from tests.support.server import wait_until

# integration: builds whose worker processes die
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc and prctl"),
]

PREVIOUS = b"# the previous build\n"
VICTIM = "oom-victim.txt"

# ``beskgraph build`` with one stage's function made to be killed (SIGKILL, as the OOM killer
# does it) in the worker that takes the victim document; everything else is the real build.
KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from beskgraph import workers
from beskgraph.build import documents
from beskgraph import reading
from beskgraph.cli import app

stage, victim = sys.argv[1], sys.argv[2]
workers.MIN_ITEMS_PER_WORKER = 1  # a worker per core even for the few seed documents

def killed_on_victim(real, name_of):
    def call(self, item):
        if name_of(self, item) == victim:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, item)
    return call

if stage == "read":
    reading.Reader.__call__ = killed_on_victim(reading.Reader.__call__, lambda self, path: path.name)
else:
    documents.DocumentJob.__call__ = killed_on_victim(documents.DocumentJob.__call__,
                                                     lambda self, i: self.outcomes[i].name)
app(sys.argv[3:])
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, folder)
    (folder / VICTIM).write_text(
        "Pressemeddelelse\n\nOm ledighed\n\nDato: 3. marts 2020\n\nOdense Kommune.\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize(("stage", "doing"), [("read", "reading"), ("map", "mapping and validating")])
def test_a_build_whose_worker_is_killed_fails_naming_the_document(
    corpus: Path, tmp_path: Path, stage: str, doing: str
) -> None:
    output = tmp_path / "out.trig"
    output.write_bytes(PREVIOUS)
    build = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_BUILD,
            stage,
            VICTIM,
            "build",
            str(corpus),
            "-o",
            str(output),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,
        env={**os.environ, "COLUMNS": "1000"},
    )  # rich wraps lines at the terminal's width
    message = build.stderr
    assert build.returncode == 1, build.stderr
    assert "build failed (previous output left untouched)" in message
    assert f"a worker process was killed by SIGKILL while {doing} {corpus / VICTIM}" in message
    assert output.read_bytes() == PREVIOUS
    assert list(tmp_path.glob(".out.trig.*")) == []


# The workers of a map hold their items for ten minutes; the test kills one from outside.
SLOW_MAP = """
import signal, sys, time
from beskgraph.workers import WorkerDied, parallel_map
if sys.argv[1] == "ignore-sigint":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as bash does for a & job of a script
try:
    parallel_map(lambda item: time.sleep(600), [f"document-{i}" for i in range(8)], 2)
except WorkerDied as died:
    print(died, file=sys.stderr)
    sys.exit(3)
"""


@pytest.mark.parametrize(
    ("how", "signum"), [("kill-one-worker", signal.SIGKILL), ("ignore-sigint", signal.SIGINT)]
)
def test_a_dead_worker_ends_the_map_at_once(how: str, signum: int) -> None:
    mapping = subprocess.Popen(
        [sys.executable, "-c", SLOW_MAP, how], start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    # A worker takes its name after it has reset its signals: one not yet named may still
    # ignore the SIGINT it inherited, and a Ctrl-C sent then would be lost on it.
    workers = lambda: [p for p in group(mapping.pid) if p.name == PROCESS_NAME]  # noqa: E731
    try:
        assert wait_until(lambda: len(workers()) == 2, 30), group(mapping.pid)
        if signum == signal.SIGKILL:
            os.kill(workers()[0].pid, signal.SIGKILL)  # as the OOM killer would
        else:
            os.killpg(mapping.pid, signal.SIGINT)  # Ctrl-C in the terminal
        _, stderr = mapping.communicate(timeout=20)  # Pool.map waited here for ever
        assert mapping.returncode == 3, stderr
        name = signal.Signals(signum).name
        assert f"a worker process was killed by {name} while working on document-" in stderr
        assert group(mapping.pid) == []  # the other worker did not outlive the map
    finally:
        if group(mapping.pid):
            os.killpg(mapping.pid, signal.SIGKILL)
