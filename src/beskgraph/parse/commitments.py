"""Commitments: what a municipality promises and by when, and the minister's acknowledgement.

In a reply, a sentence with a date or period that is not yet past when the letter was
written (``pr. 1. september 2018``, ``senest om 6 måneder``, ``fra oktober 2018``) is a
commitment. In the minister's answer a sentence such as ``Jeg noterer mig …, at I
forventer … 2. halvår 2018`` acknowledges it: it is linked to the reply's commitments
with the same deadline, or stands as a commitment of its own if the reply has none.
"""

from __future__ import annotations

import re
from datetime import date

from ..model.correspondence import Commitment, Deadline, Letter, Side
from ..text import Span
from .dates import Temporal, find_dates
from .letter_parts import Draft

ACKNOWLEDGES = re.compile(r"\bnoterer\s+mig\b|\bbemærker\s+(?:jeg|mig)\b", re.IGNORECASE)
LETTER_NOUNS = re.compile(r"\b(?:brev|skrivelse|henvendelse|svar)\b", re.IGNORECASE)


def _deadline(found: Temporal, draft: Draft, start: int) -> Deadline:
    return Deadline(start=found.start.isoformat(), end=found.end.isoformat(), kind=found.kind,
                    text=found.text, span=draft.body.span(start + found.begin,
                                                          start + found.finish),
                    onwards=found.onwards, relative=found.relative)


def _sentences(draft: Draft, anchor: date, tables: list[Span]):
    """(sentence, its span, offset, future dates in it) for each sentence outside tables."""
    for start, end in draft.body.sentences():
        span = draft.body.span(start, end)
        if any(t.start <= span.start < t.end for t in tables):
            continue
        text = draft.body.text[start:end].replace("\n", " ")
        found = [f for f in find_dates(text, anchor) if f.end >= anchor]
        if found:
            yield text, span, start, found


def find_commitments(written: list[tuple[Letter, Draft]],
                     tables: list[Span]) -> list[Commitment]:
    """Commitments of every reply, linked to the acknowledgements in the minister's letters."""
    out: list[Commitment] = []
    for letter, draft in written:
        if letter.date is None or letter.sender is None or not letter.municipality_code:
            continue
        anchor = date.fromisoformat(letter.date)
        if letter.sender.side != Side.MUNICIPALITY:
            continue
        for text, span, start, found in _sentences(draft, anchor, tables):
            for item in found:
                out.append(Commitment(text=text.strip(), span=span,
                                      municipality_code=letter.municipality_code,
                                      letter=letter.key, deadline=_deadline(item, draft, start)))
    for letter, draft in written:
        if letter.sender and letter.sender.side == Side.MINISTRY and letter.date \
                and letter.municipality_code:
            _acknowledge(out, letter, draft)
    return out


def _acknowledge(out: list[Commitment], letter: Letter, draft: Draft) -> None:
    anchor = date.fromisoformat(letter.date or "")
    for start, end in draft.body.sentences():
        text = draft.body.text[start:end].replace("\n", " ")
        if not ACKNOWLEDGES.search(text) or LETTER_NOUNS.search(text):
            continue
        span = draft.body.span(start, end)
        for found in find_dates(text, anchor):
            deadline = _deadline(found, draft, start)
            matches = [c for c in out if c.municipality_code == letter.municipality_code
                       and c.letter != letter.key and same_deadline(c.deadline, deadline)]
            for commitment in matches:
                commitment.acknowledged_by = letter.key
                commitment.acknowledgement_span = span
            if not matches:
                if deadline.relative:
                    continue  # counted from an unknown date: nothing to state on its own
                out.append(Commitment(text=text.strip(), span=span,
                                      municipality_code=letter.municipality_code,
                                      letter=letter.key, deadline=deadline,
                                      acknowledged_by=letter.key, acknowledgement_span=span))


def same_deadline(promised: Deadline, acknowledged: Deadline) -> bool:
    """Equal dates or periods, or the same relative term (``senest 6 måneder``)."""
    if promised.relative or acknowledged.relative:
        return promised.relative == acknowledged.relative
    return (promised.start, promised.end) == (acknowledged.start, acknowledged.end)
