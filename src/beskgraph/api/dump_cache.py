"""Dump files: each dump written once per store generation, then served from its file.

Building a deterministic dump holds the whole dataset in memory while it sorts, so the
server builds a format at most once per generation (requests that come meanwhile wait
for that file) and at most ``max_builds`` dumps at a time. A dump is written to a
temporary name and renamed when complete, so a failed build leaves no file behind and
nothing partial is ever served. The files live in a private directory (created inside
``Settings.dump_dir``, or the system's temporary directory) that is removed with the
cache or at exit. The file a newer generation replaces is kept until the one after
(a response may be about to open it), then deleted.

The worker processes that serve one load share a directory (``shared``): a build holds
an exclusive lock on it, so one dump is built at a time among them all, and a file that
another worker completed is served as it is (its ETag kept beside it). The directory
belongs to whoever made it (the supervisor), who removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import anyio

from beskgraph.api.dump_dirs import private_dump_dir, remove
from beskgraph.api.file_response import CompleteFile
from beskgraph.api.generations import PerGeneration
from beskgraph.derived import source_dump
from beskgraph.store import Store

READERS = 8  # dump files read at once (each a chunk at a time)
log = logging.getLogger("beskgraph")


class DumpCache:
    """Dump files of one store, by format name (``beskgraph.formats.table.GRAPH_FORMATS``)."""

    def __init__(
        self, store: Store, directory: str | os.PathLike[str] | None, max_builds: int, *, shared: bool = False
    ) -> None:
        self.store, self.shared = store, shared
        if directory is not None:
            Path(directory).mkdir(parents=True, exist_ok=True)
        if shared and directory is not None:
            self.directory = Path(directory)
        else:
            self.directory = private_dump_dir(directory, remove_at_exit=False)
            self._cleanup = weakref.finalize(self, remove, self.directory)
        self._files: PerGeneration[CompleteFile] = PerGeneration(
            anyio.CapacityLimiter(max_builds), self._retire
        )
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
        etag_file = final.with_name(final.name + ".etag")
        with self._building():
            if self.shared and final.exists():  # another worker built it
                return CompleteFile(final, final.stat().st_size, etag_file.read_text())
            started = time.monotonic()
            handle, partial = tempfile.mkstemp(
                dir=self.directory, prefix=f".{final.name}.", suffix=".partial"
            )
            digest = hashlib.sha256()
            try:
                with os.fdopen(handle, "wb") as out:
                    for chunk in source_dump(self.store, format):
                        digest.update(chunk)
                        out.write(chunk)
                if self.shared:  # for the other workers, before the file appears
                    etag_file.write_text(f'"{digest.hexdigest()}"')
                os.replace(partial, final)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(partial)
                raise
        log.info(
            "dump %s of generation %d written in %.1f s", final.name, generation, time.monotonic() - started
        )
        return CompleteFile(final, final.stat().st_size, f'"{digest.hexdigest()}"')

    @contextlib.contextmanager
    def _building(self) -> Iterator[None]:
        """With a shared directory: its exclusive lock, held while a dump is built."""
        if not self.shared:
            yield
            return
        handle = os.open(self.directory / ".build.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)

    def _retire(self, file: CompleteFile) -> None:
        """Keep the file just replaced a while longer; delete the one replaced before it."""
        older = self._retired.pop(file.path.suffix, None)
        self._retired[file.path.suffix] = file.path
        if older is not None and older != file.path:
            older.unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the directory and every file in it (a shared one: its owner does)."""
        if not self.shared:
            self._cleanup()
