"""Which spans cover a place: sorted once, each question answered by a bisection.

Asking ``any(...)`` of every span for every place is quadratic when a long letter has
many of both.
"""

from __future__ import annotations

import bisect


class Coverage:
    """Spans ``(start, end)``; :meth:`furthest` is the end reached by those starting before a place."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._reach: list[int] = []  # the furthest end among the spans so far
        for _, end in ordered:
            self._reach.append(max(end, self._reach[-1]) if self._reach else end)

    def furthest(self, place: int, *, at: bool) -> int | None:
        """The furthest end of the spans starting before ``place`` (or at it, with ``at``)."""
        count = (bisect.bisect_right if at else bisect.bisect_left)(self._starts, place)
        return self._reach[count - 1] if count else None

    def covers(self, place: int) -> bool:
        """Whether some span has ``start <= place < end``."""
        end = self.furthest(place, at=True)
        return end is not None and end > place

    def encloses(self, start: int, end: int) -> bool:
        """Whether some span starts before ``start`` and ends at or after ``end``."""
        reach = self.furthest(start, at=False)
        return reach is not None and reach >= end
