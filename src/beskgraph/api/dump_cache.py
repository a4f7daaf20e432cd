"""Dump files: each dump written once per store generation, then served from its file.

Building a deterministic dump holds the whole dataset in memory while it sorts, so the
server builds a format at most once per generation (requests that come meanwhile wait
for that file) and at most ``max_builds`` dumps at a time. A dump is written to a
temporary name and renamed when complete, so a failed build leaves no file behind and
nothing partial is ever served. The files live in a private directory (created inside
``Settings.dump_dir``, or the system's temporary directory) that is removed with the
cache or at exit. The file a newer generation replaces is kept until the one after
(a response may be about to open it), then deleted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from pathlib import Path

import anyio

from beskgraph.api.generations import PerGeneration, current
from beskgraph.store import Store


class DumpCache:
    """Dump files of one store, by format name (``beskgraph.store.base.DUMP_FORMATS``)."""

    def __init__(self, store: Store, directory: str | os.PathLike[str] | None, max_builds: int) -> None:
        self.store = store
        if directory is not None:
            Path(directory).mkdir(parents=True, exist_ok=True)
        self.directory = Path(tempfile.mkdtemp(prefix="beskgraph-dumps-", dir=directory))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory, ignore_errors=True)
        self._files: PerGeneration[Path] = PerGeneration(anyio.CapacityLimiter(max_builds), self._retire)
        self._retired: dict[str, Path] = {}

    async def path(self, format: str) -> tuple[Path, int]:
        """The complete dump file of the current generation, and that generation."""
        generation = await current(self.store)
        path = await self._files.get(format, generation, lambda: self._write(format, generation))
        return path, generation

    def _write(self, format: str, generation: int) -> Path:
        """Write the dump to a temporary file, then rename it into place (worker thread)."""
        final = self.directory / f"{generation}.{format}"
        handle, partial = tempfile.mkstemp(dir=self.directory, prefix=f".{final.name}.", suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in self.store.dump(format):
                    out.write(chunk)
            os.replace(partial, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
            raise
        return final

    def _retire(self, path: Path) -> None:
        """Keep the file just replaced a while longer; delete the one replaced before it."""
        older = self._retired.pop(path.suffix, None)
        self._retired[path.suffix] = path
        if older is not None and older != path:
            older.unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the directory and every file in it."""
        self._cleanup()
