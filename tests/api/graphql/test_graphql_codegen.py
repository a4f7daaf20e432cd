"""GraphQL Code Generator over the live schema, and tsc over a dashboard using what it generates.

tests/codegen/ holds the dashboard's queries (municipalities x scores, a criterion x
municipality matrix, a letters timeline, any node by ID, documents needing attention) and
the TypeScript that uses their types under ``strict``: it compiles only while the fields
the shapes require stay non-null and a field name keeps one type. The queries also run
against the server, as the dashboard would send them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.applications import Starlette

from beskgraph.api.graphql.ids import encode_id
from beskgraph.store import EmbeddedStore
from tests.support import http
from tests.support.graphql import graphql_app
from tests.support.paths import TESTS

CODEGEN = TESTS / "codegen"
MIDDELFART = (
    "https://w3id.org/beskgraph/intervention/410-skaerpet-fokus-paa-langtidsledighed-ved-24-ugers-ledighed"
)


def _node() -> str:
    node = shutil.which("node")
    installed = (CODEGEN / "node_modules" / "@graphql-codegen" / "cli").is_dir()
    if node and installed:
        return node
    reason = "node is not installed" if not node else f"run `npm ci --prefix {CODEGEN}`"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run GraphQL Code Generator: {reason}")
    pytest.skip(reason)


@pytest.fixture
def live(serve_app: Callable[[Starlette], str], seed_trig: bytes) -> str:
    store = EmbeddedStore()
    store.load_dataset(seed_trig, "application/trig")
    return serve_app(graphql_app(store)) + "/graphql"


def _run(command: list[str], **env: str) -> str:
    run = subprocess.run(
        command, cwd=CODEGEN, capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    return run.stdout


def test_generated_types_compile_for_the_dashboard(live: str) -> None:
    node = _node()
    shutil.rmtree(CODEGEN / "generated", ignore_errors=True)
    _run([node, "node_modules/@graphql-codegen/cli/cjs/bin.js", "--config", "codegen.yml"], SCHEMA_URL=live)
    generated = (CODEGEN / "generated" / "graphql.ts").read_text(encoding="utf-8")
    operations = re.findall(r"export type (\w+Query) =", generated)
    assert set(operations) >= {
        "MunicipalityScoresQuery",
        "CriterionMatrixQuery",
        "LettersTimelineQuery",
        "NodeByIdQuery",
        "DocumentsNeedingAttentionQuery",
    }
    assert (
        "code: string" in generated
        and "code?: Maybe<string>" not in generated.split("MunicipalityScores")[-1]
    )
    _run([node, "node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.json"])


def test_a_nullable_field_would_not_compile(live: str, tmp_path: Path) -> None:
    """The check can fail: the dashboard without its null check on a nullable field is refused."""
    node = _node()
    if not (CODEGEN / "generated" / "graphql.ts").exists():
        _run(
            [node, "node_modules/@graphql-codegen/cli/cjs/bin.js", "--config", "codegen.yml"], SCHEMA_URL=live
        )
    dashboard = (CODEGEN / "dashboard.ts").read_text(encoding="utf-8")
    careless = dashboard.replace(
        "evidence: i.evidenceTest ? i.evidenceTest.score : null", "evidence: i.evidenceTest.score"
    )
    assert careless != dashboard
    (tmp_path / "careless.ts").write_text(
        careless.replace("./generated/graphql", str(CODEGEN / "generated" / "graphql")), encoding="utf-8"
    )
    run = subprocess.run(
        [
            node,
            str(CODEGEN / "node_modules/typescript/bin/tsc"),
            "--noEmit",
            "--strict",
            "--skipLibCheck",
            "--target",
            "ES2020",
            "--module",
            "ESNext",
            "--moduleResolution",
            "Bundler",
            str(tmp_path / "careless.ts"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0 and "possibly 'null'" in run.stdout


def test_the_dashboard_queries_run(live: str) -> None:
    documents = {
        path.stem: path.read_text(encoding="utf-8") for path in (CODEGEN / "queries").glob("*.graphql")
    }
    variables = {
        "criterion_matrix": {"testKind": "EVIDENCE"},
        "letters_timeline": {"municipality": "259"},
        "node": {"id": encode_id("Intervention", MIDDELFART)},
    }
    answers = {}
    for name, query in sorted(documents.items()):
        body = http.post(live, json={"query": query, "variables": variables.get(name, {})}, timeout=30).json()
        assert "errors" not in body, (name, body["errors"])
        answers[name] = body["data"]
    assert len(answers["municipality_scores"]["municipalities"]["nodes"]) == 98
    assert answers["criterion_matrix"]["assessments"]["totalCount"] > 20
    assert answers["letters_timeline"]["letters"]["totalCount"] == 5
    assert answers["node"]["node"]["__typename"] == "Intervention"
    assert answers["node"]["node"]["document"]["documentKind"] == "CATALOGUE_CARD"
    assert answers["documents"]["documents"]["totalCount"] == 1
