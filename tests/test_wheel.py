"""beskgraph as a wheel: built by pip from a copy of the sources, installed (not editable) into
a fresh virtual environment, and run from a directory that is not the repository, it builds
the graph and validates it with the ontology, shapes and reference data it ships.

The wheel's dependencies are the ones this test session runs on (the fresh environment reads
them through a .pth file), so the test needs no index besides the one pip builds with.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from beskgraph.config import SEEDS_DIR
from tests.support.paths import CORPUS, ROOT

# integration: pip, a wheel and a fresh virtual environment
pytestmark = pytest.mark.integration


def run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh environment with beskgraph installed from its wheel."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source, cwd=work
    )
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = (work / "dist").glob("beskgraph-*.whl")
    environment = work / "env"
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    installed = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "-q",
        wheel,
        cwd=work,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work)
    (Path(purelib.stdout.strip()) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return environment / "bin"


def test_the_installed_wheel_builds_and_validates_from_any_directory(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "BESKGRAPH_HOME", "VIRTUAL_ENV"}
    }
    env.update(BESKGRAPH_CACHE="off", COLUMNS="200")
    where = run(
        installed / "python", "-c", "import beskgraph; print(beskgraph.__file__)", cwd=elsewhere, env=env
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout + where.stderr
    sources = elsewhere / "sources"
    sources.mkdir()
    for document in ("000_2ad044e4a048410a.txt", "003_aec37f0f2b66ca76.txt"):
        shutil.copy(SEEDS_DIR / document, sources / document)
    shutil.copy(CORPUS / "svar_beu_spoergsmaal_118.txt", sources)
    built = run(installed / "beskgraph", "build", "sources", "-o", "out.trig", cwd=elsewhere, env=env)
    assert built.returncode == 0, built.stderr[-3000:]
    assert (
        "documents: 1 catalogue-card, 1 correspondence, 1 parliamentary-answer; left out: 0" in built.stderr
    )
    checked = run(installed / "beskgraph", "validate", "out.trig", cwd=elsewhere, env=env)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    assert "out.trig: conforms" in checked.stderr
    seeds = run(
        installed / "beskgraph", "build", "-o", "seeds.nq", cwd=elsewhere, env=env
    )  # the seeds it ships
    assert seeds.returncode == 0, seeds.stderr[-3000:]
    assert "documents: 4 catalogue-card, 1 correspondence; left out: 0" in seeds.stderr
    assert (elsewhere / "seeds.nq").stat().st_size > 1_000_000
