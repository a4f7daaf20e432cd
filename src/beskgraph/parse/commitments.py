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

import bisect
import re
from collections.abc import Iterator
from datetime import date

from ..model.correspondence import Commitment, Deadline, DeadlineKind, Letter, Side
from ..text import Span
from .before import ends_with
from .coverage import Coverage
from .dates import Temporal, find_dates
from .letter_parts import Draft

ACKNOWLEDGES = re.compile(r"\bnoterer\s+mig\b|\bbemærker\s+(?:jeg|mig)\b", re.IGNORECASE)
LETTER_NOUNS = re.compile(r"\b(?:brev|skrivelse|henvendelse|svar)\b", re.IGNORECASE)
CIRCUMSTANCE = re.compile(
    r"^(?:Idet|Da|Fordi|Eftersom|Selvom|Selv om|Hvis|Når|Mens|Skønt|Uanset)\b"
    r"[^,]*,"
)
TOPIC = re.compile(r"\b(?:vedr\.|vedrørende|angående|om perioden)\s*$", re.IGNORECASE)
OTHER_ACTOR = re.compile(
    r"\b(?:regering(?:en|ens)?|minister(?:iet|ens|iets|en)?|styrelsen|folketinget|staten"
    r"|lov(?:en|givningen)|reform(?:en)?|model(?:len)?)\b"
    r"|\b(?:I|du)\s+(?:vil|skal|har|er|kan|forventer|bad|beder|ønsker|giver)\b",
    re.IGNORECASE,
)
MODAL = re.compile(
    r"\b(?:vil|skal|forvent\w*|planlægge[rs]|regner\s+med|agter|sigter\s+mod)\b", re.IGNORECASE
)
DEADLINE_WORD = re.compile(
    r"\b(?:senest(?:\s+den)?|pr\.|inden(?:\s+den)?|fra(?:\s+den)?"
    r"|i\s+løbet\s+af|med\s+udgangen\s+af)\s*$|^(?:ultimo|medio|primo|udgangen)",
    re.IGNORECASE,
)
BOUNDARY = re.compile(r",\s+|;\s+|:\s+|\s+(?=og\s+at\b|men\b)")
_DEADLINE_LEAD = re.compile(r"(?:ultimo|medio|primo|udgangen)", re.IGNORECASE)  # DEADLINE_WORD's "^"


def _deadline(found: Temporal, draft: Draft, start: int) -> Deadline:
    return Deadline(
        start=found.start.isoformat(),
        end=found.end.isoformat(),
        kind=DeadlineKind(found.kind),
        text=found.text,
        span=draft.content.span(start + found.begin, start + found.finish),
        onwards=found.onwards,
        relative=found.relative,
    )


class Sentence:
    """A sentence of a reply and what is read from it once, however many dates it holds
    (each rule looked for in the whole sentence for every date was quadratic)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.opening = CIRCUMSTANCE.match(text)
        self._governed_from = self.opening.end() if self.opening else 0
        boundaries = list(BOUNDARY.finditer(text))
        self._boundary_ends = [m.end() for m in boundaries]
        self._boundary_starts = [m.start() for m in boundaries]
        self._modal = MODAL.search(text, self._governed_from)
        self._lead = _DEADLINE_LEAD.match(text)
        self._other_actor: dict[tuple[int, int], bool] = {}

    def clause(self, found: Temporal) -> tuple[int, int]:
        """The clause holding ``found``: between the boundaries around it."""
        before = bisect.bisect_right(self._boundary_ends, found.begin)
        after = bisect.bisect_left(self._boundary_starts, found.finish)
        return (
            self._boundary_ends[before - 1] if before else 0,
            self._boundary_starts[after] if after < len(self._boundary_starts) else len(self.text),
        )

    def other_actor(self, start: int, end: int) -> bool:
        """Whether the clause ``text[start:end]`` names another actor (read once a clause)."""
        if (start, end) not in self._other_actor:
            self._other_actor[(start, end)] = OTHER_ACTOR.search(self.text, start, end) is not None
        return self._other_actor[(start, end)]

    def modal_before(self, end: int) -> bool:
        """Whether a modal governs up to ``end`` (a clause's end), from the opening clause on.

        No modal crosses a clause boundary, so the first modal of the governed text
        ends by ``end`` exactly when there is one before it."""
        return self._modal is not None and self._modal.end() <= end

    def deadline_word_before(self, begin: int) -> bool:
        """``DEADLINE_WORD.search(text[:begin])``: a deadline preposition just before, or a
        sentence opening with ``ultimo`` …"""
        return ends_with(DEADLINE_WORD, self.text, begin, 3) or (
            self._lead is not None and self._lead.end() <= begin
        )


def is_promise(sentence: str | Sentence, found: Temporal) -> bool:
    """Is the date or period ``found`` in ``sentence`` (of the writer's reply) promised by
    the writer? See the module's rules."""
    read = sentence if isinstance(sentence, Sentence) else Sentence(sentence)
    opening = read.opening
    if opening and found.begin < opening.end():
        return False
    if ends_with(TOPIC, read.text, found.begin, 2):
        return False
    start, end = read.clause(found)
    if read.other_actor(start, end):
        return False
    return (
        read.modal_before(end)
        or read.deadline_word_before(found.begin)
        or bool(DEADLINE_WORD.search(found.text))
    )


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


def find_commitments(written: list[tuple[Letter, Draft]], tables: list[Span]) -> list[Commitment]:
    """Commitments of every reply, linked to the acknowledgements in the minister's letters."""
    out: list[Commitment] = []
    in_tables = Coverage([(t.start, t.end) for t in tables]).covers
    for letter, draft in written:
        if (
            letter.date is None
            or letter.sender is None
            or not letter.municipality_code
            or letter.sender.side != Side.MUNICIPALITY
        ):
            continue
        anchor = date.fromisoformat(letter.date)
        for start, end in draft.content.sentences():
            if in_tables(draft.content.span(start, end).start):
                continue
            sentence = draft.content.text[start:end].replace("\n", " ")
            read = Sentence(sentence)
            promised = [f for f in find_dates(sentence, anchor) if f.end >= anchor and is_promise(read, f)]
            for a, b, item in _segments(sentence, promised):
                a, b = _trimmed(sentence, a, b)
                out.append(
                    Commitment(
                        text=sentence[a:b],
                        span=draft.content.span(start + a, start + b),
                        municipality_code=letter.municipality_code,
                        letter=letter.key,
                        deadline=_deadline(item, draft, start),
                    )
                )
    promises: dict[tuple[str | None, tuple[str | None, ...]], list[Commitment]] = {}
    for commitment in out:
        promises.setdefault(_promise_key(commitment), []).append(commitment)
    for letter, draft in written:
        if letter.sender and letter.sender.side == Side.MINISTRY and letter.date and letter.municipality_code:
            added = _acknowledge(out, promises, letter, letter.municipality_code, draft)
            for commitment in added:  # this letter's own: never matched by itself
                promises.setdefault(_promise_key(commitment), []).append(commitment)
    return out


def _deadline_key(deadline: Deadline) -> tuple[str | None, ...]:
    """Equal for two deadlines exactly when :func:`same_deadline` holds."""
    return ("relative", deadline.relative) if deadline.relative else ("dated", deadline.start, deadline.end)


def _promise_key(commitment: Commitment) -> tuple[str | None, tuple[str | None, ...]]:
    return commitment.municipality_code, _deadline_key(commitment.deadline)


def _acknowledge(
    out: list[Commitment],
    promises: dict[tuple[str | None, tuple[str | None, ...]], list[Commitment]],
    letter: Letter,
    municipality_code: str,
    draft: Draft,
) -> list[Commitment]:
    """Link ``letter``'s acknowledgements to the promises (``promises``: by municipality and
    deadline, in the order of ``out``); the commitments it states on its own, added."""
    anchor = date.fromisoformat(letter.date or "")
    added: list[Commitment] = []
    for start, end in draft.content.sentences():
        text = draft.content.text[start:end].replace("\n", " ")
        if not ACKNOWLEDGES.search(text) or LETTER_NOUNS.search(text):
            continue
        span = draft.content.span(start, end)
        for found in find_dates(text, anchor):
            deadline = _deadline(found, draft, start)
            matches = [
                c
                for c in promises.get((municipality_code, _deadline_key(deadline)), [])
                if c.letter != letter.key
            ]
            for commitment in matches:
                commitment.acknowledged_by = letter.key
                commitment.acknowledgement_span = span
            if not matches:
                if deadline.relative:
                    continue  # counted from an unknown date: nothing to state on its own
                added.append(
                    Commitment(
                        text=text.strip(),
                        span=span,
                        municipality_code=municipality_code,
                        letter=letter.key,
                        deadline=deadline,
                        acknowledged_by=letter.key,
                        acknowledgement_span=span,
                    )
                )
                out.append(added[-1])
    return added


def same_deadline(promised: Deadline, acknowledged: Deadline) -> bool:
    """Equal dates or periods, or the same relative term (``senest 6 måneder``)."""
    if promised.relative or acknowledged.relative:
        return promised.relative == acknowledged.relative
    return (promised.start, promised.end) == (acknowledged.start, acknowledged.end)
