"""Shared fixtures: the graph built once from seeds/."""

from __future__ import annotations

import pytest

from beskgraph.build import BuildResult, build
from beskgraph.config import SEEDS_DIR


@pytest.fixture(scope="session")
def seed_build() -> BuildResult:
    """The seeds built and validated once per test session."""
    return build([SEEDS_DIR])

