"""The files a build reads."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .result import BuildFailed


def find_sources(paths: Iterable[Path]) -> list[Path]:
    """Every file given, and every file (not hidden) in every folder given, sorted by name so
    every build sees one order. A path that does not exist, or no file at all, is an error."""
    paths = list(paths)
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise BuildFailed(f"source not found: {', '.join(missing)}")
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith("."))
        else:
            found.append(path)
    if not found:
        raise BuildFailed(f"no source documents in {', '.join(str(p) for p in paths) or 'no path'}")
    return sorted(set(found), key=lambda p: (p.name, str(p)))
