"""A real Virtuoso for the session, like ``oxigraph serve`` (started by :mod:`bench.virtuoso`).

``BESKGRAPH_TEST_VIRTUOSO`` names a running server instead (``query URL|GSP URL|user|password``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from bench.virtuoso import Virtuoso, running_virtuoso


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso for the session (or the one at env ``BESKGRAPH_TEST_VIRTUOSO``)."""
    from conftest import free_port

    external = os.environ.get("BESKGRAPH_TEST_VIRTUOSO")
    if external:
        yield Virtuoso(*external.split("|"))
        return
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Virtuoso suite: apt-get install virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso"), free_port(), free_port()) as server:
        yield server
