"""Where the repository and the tests' own files are."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent  # the repository
CORPUS = TESTS / "data" / "corpus"  # bad, noisy and other kinds of documents
