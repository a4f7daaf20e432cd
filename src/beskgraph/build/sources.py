"""The files a build reads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .result import BuildFailed


def find_sources(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Every file given, and every entry in every folder given (but hidden ones and folders),
    sorted by name so every build sees one order. A file given under two spellings (a folder
    and a file in it, a link) is one source; ``exclude`` (the build's own output) is none. An
    entry that is not a readable file (a dangling link, a FIFO) is kept, to be reported (a
    build lists its sources and finds them again here). A path that is nothing at all, or no
    file at all, is an error."""
    paths = list(paths)
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise BuildFailed(f"source not found: {', '.join(missing)}")
    skip = {_real(p) for p in exclude}
    found: dict[Path, Path] = {}  # real path -> the first spelling given
    for path in paths:
        entries = (
            [p for p in sorted(path.iterdir()) if not p.name.startswith(".") and not p.is_dir()]
            if path.is_dir()
            else [path]
        )
        for entry in entries:
            if (real := _real(entry)) not in skip:
                found.setdefault(real, entry)
    if not found:
        raise BuildFailed(f"no source documents in {', '.join(str(p) for p in paths) or 'no path'}")
    return sorted(found.values(), key=lambda p: (p.name, str(p)))


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))
