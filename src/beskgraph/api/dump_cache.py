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
import hashlib
import os
import shutil
import tempfile
import weakref
from pathlib import Path

import anyio

from beskgraph.api.file_response import CompleteFile
from beskgraph.api.generations import PerGeneration
from beskgraph.store import Store

READERS = 8  # dump files read at once (each a chunk at a time)


class DumpCache:
    """Dump files of one store, by format name (``beskgraph.formats.table.GRAPH_FORMATS``)."""

    def __init__(self, store: Store, directory: str | os.PathLike[str] | None, max_builds: int) -> None:
        self.store = store
        if directory is not None:
            Path(directory).mkdir(parents=True, exist_ok=True)
        self.directory = Path(tempfile.mkdtemp(prefix="beskgraph-dumps-", dir=directory))
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory, ignore_errors=True)
        self._files: PerGeneration[CompleteFile] = PerGeneration(anyio.CapacityLimiter(max_builds),
                                                                 self._retire)
        self._retired: dict[str, Path] = {}
        self.readers = anyio.CapacityLimiter(READERS)  # threads reading dump files for responses

    async def file(self, format: str) -> tuple[CompleteFile, int]:
        """The complete dump file of the current generation, and that generation."""
        generation = await self._files.current(self.store)
        file = await self._files.get(format, generation, lambda: self._write(format, generation))
        return file, generation

    def _write(self, format: str, generation: int) -> CompleteFile:
        """Write the dump to a temporary file, then rename it into place (worker thread)."""
        final = self.directory / f"{generation}.{format}"
        handle, partial = tempfile.mkstemp(dir=self.directory, prefix=f".{final.name}.", suffix=".partial")
        digest = hashlib.sha256()
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in self.store.dump(format):
                    digest.update(chunk)
                    out.write(chunk)
            os.replace(partial, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
            raise
        return CompleteFile(final, final.stat().st_size, f'"{digest.hexdigest()}"')

    def _retire(self, file: CompleteFile) -> None:
        """Keep the file just replaced a while longer; delete the one replaced before it."""
        older = self._retired.pop(file.path.suffix, None)
        self._retired[file.path.suffix] = file.path
        if older is not None and older != file.path:
            older.unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the directory and every file in it."""
        self._cleanup()
