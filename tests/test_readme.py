"""The README's two commands are the ones CI and users run; its GraphQL examples run as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable

import pytest
from starlette.applications import Starlette

from beskgraph.store import EmbeddedStore
from tests.support import http
from tests.support.graphql import graphql_app
from tests.support.paths import ROOT

README_URL = "http://127.0.0.1:8000"


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return _readme().split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", _section("Two commands"))


def test_readme_has_a_serve_command_and_a_test_command():
    serve, tests = readme_commands()
    assert serve.endswith("python server.py") and "pip install" in serve
    assert tests.endswith("pytest -q") and '".[test]"' in tests


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert any(line.strip().endswith(tests) for line in ci.splitlines())
    for package in ("graphql-http", "browser", "codegen"):
        assert f"npm ci --prefix tests/{package} --no-audit --no-fund" in tests


# ---------------------------------------------------------------------------
# The GraphQL examples, against the seed graph on a live server


@pytest.fixture
def live(serve_app: Callable[[Starlette], str], seed_trig: bytes) -> str:
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    return serve_app(graphql_app(store))


def test_the_curl_example_prints_the_output_shown(live: str) -> None:
    section = _section("GraphQL")
    [command] = re.findall(r"```sh\n(.+?)\n```", section, re.DOTALL)
    [shown] = re.findall(r"Output[^\n]*:\n\n```json\n(.+?)\n```", section, re.DOTALL)
    if shutil.which("curl") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the README's curl example: apt-get install curl")
        pytest.skip("curl is not installed")
    assert f"{README_URL}/graphql" in command  # the address `python server.py` serves on
    run = subprocess.run(
        ["bash", "-c", command.replace(README_URL, live)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == json.loads(shown)


def test_the_graphql_examples_run_as_written(live: str) -> None:
    queries = re.findall(r"```graphql\n(.+?)\n```", _section("GraphQL"), re.DOTALL)
    assert len(queries) >= 2
    answers = []
    for query in queries:
        body = http.post(f"{live}/graphql", json={"query": query}, timeout=30).json()
        assert "errors" not in body, body["errors"]
        answers.append(body["data"])
    letters = answers[0]["letters"]
    assert letters["totalCount"] == len(letters["nodes"]) > 0
    assert all(letter["date"] and letter["sender"]["partyKind"] for letter in letters["nodes"])
    assert any(letter["commitments"]["nodes"] for letter in letters["nodes"])
    matrix, cards = answers[1]["assessments"]["nodes"], answers[1]["interventions"]["nodes"]
    assert len({cell["intervention"]["municipality"]["code"] for cell in matrix}) == 4
    assert cards[0]["sources"][0]["text"] and cards[0]["sources"][0]["document"]["name"].endswith(".txt")
