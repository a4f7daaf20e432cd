"""Commitments: what a municipality promises and by when, and the minister's acknowledgement.

A commitment is a promise the writer of a reply makes about its own action. A date or
period in a reply that is not yet past when the letter was written is one when

* **it is a deadline, not a topic or a circumstance**: not the subject of something
  (``statistik vedr. 2. halvår 2018``) and not in a sentence's opening clause of reason
  or condition (``Idet der nu foreligger en plan for den økonomiske model som effektueres
  fra 1. januar 2019, er vi …``);
* **the writer acts**: its clause names no other actor (the government, the ministry,
  the addressee ``I``, an act, a reform or model); ``vi``, the municipality, its job
  centre, its staff and the unnamed actor of its passive plans are the writer;
* **it is promised**: a modal or an expectation governs it (``vil``, ``skal``,
  ``forventer``, ``forventes``, ``vores forventning``, ``planlægger``), or it is a
  deadline by its preposition (``senest``, ``pr.``, ``inden``, ``fra``, ``i løbet af``,
  ``med udgangen af``, ``ultimo``).

A sentence with several deadlines is cut between them at a clause boundary, so each
commitment holds its own words. In the minister's answer a sentence such as ``Jeg
noterer mig …, at I forventer … 2. halvår 2018`` acknowledges a commitment: it is linked
to the reply's commitments with the same deadline, or stands as one of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..model.correspondence import Commitment, Deadline, DeadlineKind, Letter, Side
from ..text import Span
from .dates import Temporal, find_dates
from .letter_parts import Draft

ACKNOWLEDGES = re.compile(r"\bnoterer\s+mig\b|\bbemærker\s+(?:jeg|mig)\b", re.IGNORECASE)
LETTER_NOUNS = re.compile(r"\b(?:brev|skrivelse|henvendelse|svar)\b", re.IGNORECASE)
CIRCUMSTANCE = re.compile(r"^(?:Idet|Da|Fordi|Eftersom|Selvom|Selv om|Hvis|Når|Mens|Skønt|Uanset)\b"
                          r"[^,]*,")
TOPIC = re.compile(r"\b(?:vedr\.|vedrørende|angående|om perioden)\s*$", re.IGNORECASE)
OTHER_ACTOR = re.compile(
    r"\b(?:regering(?:en|ens)?|minister(?:iet|ens|iets|en)?|styrelsen|folketinget|staten"
    r"|lov(?:en|givningen)|reform(?:en)?|model(?:len)?)\b"
    r"|\b(?:I|du)\s+(?:vil|skal|har|er|kan|forventer|bad|beder|ønsker|giver)\b", re.IGNORECASE)
MODAL = re.compile(r"\b(?:vil|skal|forvent\w*|planlægge[rs]|regner\s+med|agter|sigter\s+mod)\b",
                   re.IGNORECASE)
DEADLINE_WORD = re.compile(r"\b(?:senest(?:\s+den)?|pr\.|inden(?:\s+den)?|fra(?:\s+den)?"
                           r"|i\s+løbet\s+af|med\s+udgangen\s+af)\s*$|^(?:ultimo|medio|primo|udgangen)",
                           re.IGNORECASE)
BOUNDARY = re.compile(r",\s+|;\s+|:\s+|\s+(?=og\s+at\b|men\b)")


def _deadline(found: Temporal, draft: Draft, start: int) -> Deadline:
    return Deadline(start=found.start.isoformat(), end=found.end.isoformat(), kind=DeadlineKind(found.kind),
                    text=found.text, span=draft.content.span(start + found.begin,
                                                             start + found.finish),
                    onwards=found.onwards, relative=found.relative)


def _clause(sentence: str, found: Temporal) -> tuple[int, int]:
    """The clause of ``sentence`` holding ``found``: between the boundaries around it."""
    before = [m.end() for m in BOUNDARY.finditer(sentence) if m.end() <= found.begin]
    after = [m.start() for m in BOUNDARY.finditer(sentence) if m.start() >= found.finish]
    return (before[-1] if before else 0), (after[0] if after else len(sentence))


def is_promise(sentence: str, found: Temporal) -> bool:
    """Is the date or period ``found`` in ``sentence`` (of the writer's reply) promised by
    the writer? See the module's rules."""
    opening = CIRCUMSTANCE.match(sentence)
    if opening and found.begin < opening.end():
        return False
    if TOPIC.search(sentence[: found.begin]):
        return False
    start, end = _clause(sentence, found)
    if OTHER_ACTOR.search(sentence[start:end]):
        return False
    governing = sentence[opening.end() if opening else 0 : end]
    return bool(MODAL.search(governing) or DEADLINE_WORD.search(sentence[: found.begin])
                or DEADLINE_WORD.search(found.text))


def _segments(sentence: str, found: list[Temporal]) -> Iterator[tuple[int, int, Temporal]]:
    """Cut ``sentence`` between consecutive deadlines at the first clause boundary after
    each (else right after it): each deadline with the words that state it."""
    start = 0
    for item, following in zip(found, [*found[1:], None], strict=False):
        if following is None:
            yield start, len(sentence), item
            return
        cut = BOUNDARY.search(sentence, item.finish, following.begin)
        yield start, cut.start() if cut else item.finish, item
        start = cut.end() if cut else item.finish


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def find_commitments(written: list[tuple[Letter, Draft]],
                     tables: list[Span]) -> list[Commitment]:
    """Commitments of every reply, linked to the acknowledgements in the minister's letters."""
    out: list[Commitment] = []
    for letter, draft in written:
        if letter.date is None or letter.sender is None or not letter.municipality_code \
                or letter.sender.side != Side.MUNICIPALITY:
            continue
        anchor = date.fromisoformat(letter.date)
        for start, end in draft.content.sentences():
            if any(t.start <= draft.content.span(start, end).start < t.end for t in tables):
                continue
            sentence = draft.content.text[start:end].replace("\n", " ")
            promised = [f for f in find_dates(sentence, anchor)
                        if f.end >= anchor and is_promise(sentence, f)]
            for a, b, item in _segments(sentence, promised):
                a, b = _trimmed(sentence, a, b)
                out.append(Commitment(text=sentence[a:b], span=draft.content.span(start + a, start + b),
                                      municipality_code=letter.municipality_code,
                                      letter=letter.key, deadline=_deadline(item, draft, start)))
    for letter, draft in written:
        if letter.sender and letter.sender.side == Side.MINISTRY and letter.date \
                and letter.municipality_code:
            _acknowledge(out, letter, letter.municipality_code, draft)
    return out


def _acknowledge(out: list[Commitment], letter: Letter, municipality_code: str, draft: Draft) -> None:
    anchor = date.fromisoformat(letter.date or "")
    for start, end in draft.content.sentences():
        text = draft.content.text[start:end].replace("\n", " ")
        if not ACKNOWLEDGES.search(text) or LETTER_NOUNS.search(text):
            continue
        span = draft.content.span(start, end)
        for found in find_dates(text, anchor):
            deadline = _deadline(found, draft, start)
            matches = [c for c in out if c.municipality_code == municipality_code
                       and c.letter != letter.key and same_deadline(c.deadline, deadline)]
            for commitment in matches:
                commitment.acknowledged_by = letter.key
                commitment.acknowledgement_span = span
            if not matches:
                if deadline.relative:
                    continue  # counted from an unknown date: nothing to state on its own
                out.append(Commitment(text=text.strip(), span=span,
                                      municipality_code=municipality_code,
                                      letter=letter.key, deadline=deadline,
                                      acknowledged_by=letter.key, acknowledgement_span=span))


def same_deadline(promised: Deadline, acknowledged: Deadline) -> bool:
    """Equal dates or periods, or the same relative term (``senest 6 måneder``)."""
    if promised.relative or acknowledged.relative:
        return promised.relative == acknowledged.relative
    return (promised.start, promised.end) == (acknowledged.start, acknowledged.end)
