"""The build cache: what a build made of each document, kept by content so the next build
re-parses and re-validates only what changed.

Entries are keyed by a digest of the *pipeline* (beskgraph's code, shapes, ontology,
reference data and the RDF libraries' versions), the settings a build reads (the base of
the IRIs it mints, ``BESKGRAPH_BASE``, and the size limit of a document,
``BESKGRAPH_MAX_DOCUMENT_BYTES``), the file name and the SHA-256 of the file's bytes; a
document's graph also by everything it takes from the rest of the corpus (the criteria its
answers were matched to). Change any of these and the key changes, so an entry is never
stale: it is only unused. Entries are compressed pickles written atomically (several build
processes may share a cache); one that cannot be read is treated as missing. Entries unused
for :data:`KEEP_DAYS` days are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import tempfile
import time
import zlib
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .config import ONTOLOGY_DIR, REFERENCE_DIR, SHAPES_DIR, base_iri
from .decoding import max_document_bytes

KEEP_DAYS = 30
TEMPORARY = ".tmp-"  # the prefix of an entry being written
_ENTRY = re.compile(r"[0-9a-f]{64}")  # an entry's name: its key
_FOLDER = re.compile(r"[0-9a-f]{2}")  # the folder of the keys that begin so
LIBRARIES = ("rdflib", "pyshacl", "pyoxigraph", "charset-normalizer")


def default_location() -> Path | None:
    """``$BESKGRAPH_CACHE`` (``off``: none), else ``$XDG_CACHE_HOME/beskgraph``, else
    ``~/.cache/beskgraph``; none for a user without a home (the cache only saves time)."""
    if location := os.environ.get("BESKGRAPH_CACHE"):
        return None if location == "off" else Path(location)
    if cache_home := os.environ.get("XDG_CACHE_HOME"):
        return Path(cache_home) / "beskgraph"
    try:
        return Path.home() / ".cache" / "beskgraph"
    except RuntimeError:  # no HOME and no entry in the password database
        return None


def default_cache() -> BuildCache | None:
    location = default_location()
    return BuildCache(location) if location is not None else None


@cache
def pipeline_digest() -> str:
    """A digest of everything besides a document that decides what the build makes of it."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    # every entry of the data folders, a file or not: a dangling link or a folder named *.ttl
    # there fails the build that reads the folder, so it must not leave the cache answering
    data = [p for d in (SHAPES_DIR, ONTOLOGY_DIR, REFERENCE_DIR) for p in sorted(d.iterdir())]
    for path in sorted(package.rglob("*.py")) + data:
        content = path.read_bytes() if path.is_file() else b"\0not a file\0"
        digest.update(path.name.encode() + b"\0" + content + b"\0")
    for library in LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}\0".encode())
    return digest.hexdigest()


def settings() -> str:
    """The settings that decide what the build makes of a document, read now (the environment
    may change between builds of one process, as between a server's rebuilds)."""
    return f"base={base_iri()}\0max-document-bytes={max_document_bytes()}"


def key(*parts: str) -> str:
    """A cache key from its parts (the pipeline digest and the settings always among them)."""
    text = "\0".join((pipeline_digest(), settings(), *parts))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()  # any file name


class BuildCache:
    """Compressed pickles under ``root``, one file per key and kind of entry."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, kind: str, name: str) -> Path:
        return self.root / kind / name[:2] / name

    def get(self, kind: str, name: str) -> Any | None:
        path = self._path(kind, name)
        try:
            value = pickle.loads(zlib.decompress(path.read_bytes()))
        except Exception:  # missing, unreadable or written by another version: rebuild it
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used: keep it
        return value

    def holds(self, kind: str, name: str) -> bool:
        """Whether there is an entry (that :meth:`get` may still find unreadable)."""
        return self._path(kind, name).is_file()

    def put(self, kind: str, name: str, value: Any) -> None:
        """Store ``value``; a cache that cannot be written is only a slower build."""
        path = self._path(kind, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=TEMPORARY, dir=path.parent)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1))
            os.replace(temporary, path)
        except BaseException as error:  # a full disk, a size limit, Ctrl-C: no half entry left
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if not isinstance(error, OSError):
                raise

    def prune(self, days: float = KEEP_DAYS) -> int:
        """Remove entries unused for ``days`` days (and stray temporary files); how many. Only
        files named as this cache names them are touched: the folder may be one the user
        gave (``--cache``, ``BESKGRAPH_CACHE``) with files of their own in it."""
        cutoff = time.time() - days * 86400
        removed = 0
        for path in self.root.glob("*/*/*"):
            if not (_is_entry(path) or _is_temporary(path)):
                continue
            try:
                if path.stat().st_mtime < cutoff or (
                    _is_temporary(path) and path.stat().st_mtime < time.time() - 3600
                ):
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed


def _is_entry(path: Path) -> bool:
    """A file named by its key, in the folder of its key's first two digits."""
    return _ENTRY.fullmatch(path.name) is not None and path.parent.name == path.name[:2]


def _is_temporary(path: Path) -> bool:
    """An entry this cache began to write, in a folder it names (two hex digits of a key)."""
    return path.name.startswith(TEMPORARY) and _FOLDER.fullmatch(path.parent.name) is not None
