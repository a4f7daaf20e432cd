"""Reading one source file: its bytes (hashed), decoded, parsed; what became of it.

Run in the build's worker processes; with a :class:`~beskgraph.cache.BuildCache` a file
whose bytes (and the pipeline) are unchanged is not parsed again. A parse that takes
more CPU time than :mod:`.cpu_limit` allows leaves its document out.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache as build_cache
from .cache import BuildCache
from .cpu_limit import CpuLimitExceeded, cpu_limit, max_parse_seconds
from .decoding import too_large
from .model.common import ParsedDocument, Problem, Severity, Stage, Status
from .parse import parse_source
from .text import SourceError, SourceText


@dataclass
class DocumentOutcome:
    """What became of one source file: its kind, its problems, and how the build got it."""

    name: str
    kind: str | None
    triples: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: parse, map, validate, serialise
    content_hash: str | None = None  # SHA-256 of the file's bytes
    encoding: str | None = None
    parsed: bool = False  # parsed in this build (not taken from the cache)
    validated: bool = False  # mapped and validated in this build (not taken from the cache)

    @property
    def status(self) -> Status:
        return Status.of(self.problems)

    @property
    def ok(self) -> bool:
        """Built (possibly with warnings), not left out."""
        return self.status is not Status.LEFT_OUT

    @property
    def error(self) -> str | None:
        """Why the document was left out (its first violation), or None."""
        return next((p.describe(self.name) for p in self.problems if p.severity is Severity.VIOLATION), None)

    @property
    def warnings(self) -> list[str]:
        return [p.describe(self.name) for p in self.problems if p.severity is Severity.WARNING]

    @property
    def violations(self) -> list[str]:
        return [p.describe(self.name) for p in self.problems if p.severity is Severity.VIOLATION]


@dataclass
class ReadDocument:
    """A source file read and parsed (``document``), or not (its outcome says why)."""

    path: Path
    document: ParsedDocument | None
    outcome: DocumentOutcome


@dataclass
class Reader:
    """Read, decode and parse one file (run in a forked worker)."""

    cache: BuildCache | None

    def __call__(self, path: Path) -> ReadDocument:
        started = time.perf_counter()
        if (shown := readable_name(path)) != path.name:  # its name would be in the graph
            problem = Problem(Severity.VIOLATION, Stage.READ, "the file name is not UTF-8: rename the file")
            return ReadDocument(path, None, DocumentOutcome(shown, None, problems=[problem]))
        try:
            content_hash, raw = read_bytes(path)
        except OSError as error:
            problem = Problem(Severity.VIOLATION, Stage.READ, f"cannot be read: {error.strerror or error}")
            return ReadDocument(path, None, DocumentOutcome(path.name, None, problems=[problem]))
        entry = build_cache.key("parse", path.name, content_hash)
        if self.cache is not None and (hit := self.cache.get("parse", entry)) is not None:
            hit.outcome.parsed = False
            return hit
        try:
            with cpu_limit(max_parse_seconds()):
                read = read_document(path, raw, content_hash)
        except CpuLimitExceeded as over:  # not cached: another build may have more time
            problem = Problem(Severity.VIOLATION, Stage.PARSE, over.reason)
            outcome = DocumentOutcome(
                path.name, None, problems=[problem], content_hash=content_hash, parsed=True
            )
            return ReadDocument(path, None, outcome)
        read.outcome.parsed = True
        read.outcome.seconds["parse"] = time.perf_counter() - started
        if self.cache is not None:
            self.cache.put("parse", entry, read)
        return read


def readable_name(path: Path) -> str:
    """The file's name as text; bytes of another encoding than UTF-8 (which the system hands
    on as lone surrogates) shown as U+FFFD."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_bytes(path: Path) -> tuple[str, bytes | None]:
    """SHA-256 of the file and its bytes (None when over the size limit: hashed as a stream).

    Only a regular file is read: a device would be read for ever (``/dev/zero``) and a FIFO
    waits for a writer, so either, given by name, is an :class:`OSError` saying so. The file
    is opened without waiting (a FIFO's open would) and asked what it is once open."""
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a device, FIFO or socket)")
        if too_large(info.st_size) is None:
            raw = stream.read()
            return hashlib.sha256(raw).hexdigest(), raw
        digest = hashlib.sha256()
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest(), None


def read_document(path: Path, raw: bytes | None, content_hash: str) -> ReadDocument:
    outcome = DocumentOutcome(path.name, None, content_hash=content_hash)
    if raw is None:
        reason = too_large(path.stat().st_size) or "document grew over the size limit while read"
        outcome.problems.append(Problem(Severity.VIOLATION, Stage.READ, reason))
        return ReadDocument(path, None, outcome)
    try:
        source = SourceText.from_bytes(path, raw)
    except SourceError as error:
        outcome.problems.append(Problem(Severity.VIOLATION, Stage.READ, error.reason, error.line))
        return ReadDocument(path, None, outcome)
    outcome.encoding = source.encoding
    if lines := source.stray_lines:
        more = ", ".join(map(str, lines[1:6])) + (f" and {len(lines) - 6} more" if len(lines) > 6 else "")
        message = f"bytes that are not {source.encoding} read as cp1252" + (
            f" (also lines {more})" if more else ""
        )
        outcome.problems.append(Problem(Severity.WARNING, Stage.READ, message, lines[0]))
    try:
        document = parse_source(source)
    except SourceError as error:
        outcome.kind = error.kind
        outcome.problems.append(Problem(Severity.VIOLATION, Stage.PARSE, error.reason, error.line))
        return ReadDocument(path, None, outcome)
    outcome.kind = document.kind.value
    outcome.problems.extend(
        Problem(Severity.WARNING, Stage.PARSE, w.message, w.line) for w in document.warnings
    )
    if document.more_warnings:
        outcome.problems.append(
            Problem(Severity.WARNING, Stage.PARSE, f"… and {document.more_warnings} more warnings")
        )
    return ReadDocument(path, document, outcome)
