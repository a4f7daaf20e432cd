"""Parser for intervention cards of the national catalogue (text extracted from web pages).

A card reads, top to bottom: municipality; the score and test name repeated above the
title (page noise); title; target-group bullets; the five text sections; then one block
per test: score, test name, "<test> vedr. <scope>", and answer bullets, interleaved with
the page's "Se alle svar" / "Se færre svar" toggles and an empty "Dokumenter" heading.
The parser reads that structure line by line; it does not assume line numbers or order
beyond it, tolerates missing sections and wrapped bullets, and reports what it skips.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model.card import (
    Answer,
    Assessment,
    Card,
    Section,
    TargetGroupKind,
    TargetGroupRef,
    TestKind,
    TestResult,
)
from ..model.common import DocumentKind, Located
from ..reference import find_municipality
from ..text import Line, SourceError, SourceText, Span, collapse, normalise
from .criteria import criterion_key
from .figures import case_load_figures

TEST_NAMES = {"evidenstest": TestKind.EVIDENCE, "god praksis test": TestKind.GOOD_PRACTICE}  # as printed
SECTION_HEADINGS = {normalise(s.value).lower(): s for s in Section}
PAGE_NOISE = {"se alle svar", "se færre svar", "dokumenter", "vis mere", "vis mindre"}
TOGGLES = {"vis mere", "vis mindre"}  # a section's own: its text goes on after them
SCORE = re.compile(r"^(?P<score>\d(?:[,.]\d+)?)(?:\s*(?:ud af|/)\s*5)?$")  # "3,1", "3,1 ud af 5"
# •, ●, -, *, ·, ◦, ▪, ■, ○: the bullets of lists as web pages and word processors print them (not
# – or —, which begin a wrapped line of prose as often)
BULLET = re.compile(r"^\s*[•\u25cf\-\*·\u25e6\u25aa\u25a0\u25cb]\s*")
ANSWER_LABELS = {"ja": Answer.YES, "delvist": Answer.PARTIAL, "delvis": Answer.PARTIAL, "nej": Answer.NO}
_LABEL_WORD = "|".join(word.capitalize() for word in ANSWER_LABELS)  # as printed: "Ja", "Delvist" …
LABEL = re.compile(rf"^({_LABEL_WORD})\s*(?::|\s[-–])\s*", re.IGNORECASE)  # "Ja:", "Delvis:", "Nej -"
UNBULLETED = re.compile(rf"^(?:{_LABEL_WORD})\s*:")  # an answer printed without its bullet
DASHED = re.compile(rf"^\s*[–—]\s*(?=(?:{_LABEL_WORD})\s*:)")  # "– Ja: …": a dash as its bullet
THRESHOLD = re.compile(r"\b(mindst|færre end|under)\s+(\d+)\s+ud af\s+10\b", re.IGNORECASE)
NEGATION = re.compile(r"\b(har ikke|ikke en fast|ingen fast|sjældent|færre end)\b", re.IGNORECASE)
LEGAL_GROUP = re.compile(r"^§\s*(\d+)\s*[.,]\s*(?:nr\.\s*)?(\d+)\s+(.+)$")
LEGAL_ITEM = re.compile(r"^§\s*[\d.,\s]+(?:nr\.\s*\d+\s*)?")  # "§6.1 ", before a legal group's name
BROAD_GROUPS = {"ledige", "borgere langt fra arbejdsmarkedet", "sygemeldte", "unge"}
CATCH_ALL = {"alle målgrupper"}


def _compact(text: str) -> str:
    """A test's name without spaces and hyphens: "God praksis-test", "Evidens test" are its name too."""
    return re.sub(r"[\s-]+", "", text)


_TEST_KINDS = {_compact(name): kind for name, kind in TEST_NAMES.items()}


def _test_kind(key: str) -> TestKind | None:
    """The test a line (lower-cased, normalised) names on its own, if any."""
    return _TEST_KINDS.get(_compact(key))


def looks_like_card(source: SourceText) -> bool:
    """A card has at least two of the section headings and a test name on a line of its own."""
    keys = {normalise(line.text).lower() for line in source.lines()}
    return len(keys & SECTION_HEADINGS.keys()) >= 2 and any(_test_kind(key) for key in keys)


def _key(line: Line) -> str:
    return normalise(line.text).lower()


def _is_noise(line: Line) -> bool:
    return _key(line) in PAGE_NOISE or _test_kind(_key(line)) is not None


def _located(source: SourceText, lines: list[Line]) -> Located | None:
    """Join lines as written (bullets and paragraph breaks kept) into a located text."""
    filled = [i for i, line in enumerate(lines) if line.stripped]
    if not filled:
        return None
    lines = lines[filled[0] : filled[-1] + 1]
    text = "\n".join(line.text.rstrip() for line in lines).strip()
    return Located(text, source.strip_span(lines[0].span.cover(lines[-1].span)))


class _Cursor:
    """Walks the non-blank lines of a source, with look-ahead in constant time."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.index = 0
        # _filled[i]: index of the first non-blank line at or after i (len(lines) if none)
        self._filled = [len(lines)] * (len(lines) + 1)
        for i in range(len(lines) - 1, -1, -1):
            self._filled[i] = i if lines[i].stripped else self._filled[i + 1]

    def peek(self, ahead: int = 0) -> Line | None:
        """The ``ahead``-th non-blank line from here."""
        at = self._filled[min(self.index, len(self.lines))]
        for _ in range(ahead):
            if at >= len(self.lines):
                return None
            at = self._filled[at + 1]
        return self.lines[at] if at < len(self.lines) else None

    def next(self) -> Line | None:
        while self.index < len(self.lines):
            line = self.lines[self.index]
            self.index += 1
            if line.stripped:
                return line
        return None

    def at_test_block(self) -> bool:
        first, second = self.peek(), self.peek(1)
        return bool(first and second and SCORE.match(first.stripped) and _test_kind(_key(second)))


def parse_card(source: SourceText) -> Card:
    """Parse one catalogue card; raise :class:`SourceError` if it is not one."""
    cursor = _Cursor(source.lines())
    first = cursor.next()
    if first is None:
        raise SourceError(source.path, 1, "empty document")
    municipality = find_municipality(first.stripped)
    if municipality is None:
        raise SourceError(
            source.path, first.number, f"first line {first.stripped!r} is not a known municipality"
        )
    title = _read_title(source, cursor)
    card = Card(
        source=source,
        kind=DocumentKind.CATALOGUE_CARD,
        municipality=Located(first.stripped, source.strip_span(first.span)),
        municipality_code=municipality.code,
        title=title,
    )
    card.target_groups = _read_target_groups(source, cursor)
    _read_sections(source, cursor, card)
    _read_tests(source, cursor, card)
    card.figures = [
        replace(figure, municipality_code=card.municipality_code)
        for _, text in sorted(card.sections.items(), key=lambda item: item[0].name)
        for figure in case_load_figures(source.slice(text.span), text.span)
    ]
    return card


def _read_title(source: SourceText, cursor: _Cursor) -> Located:
    """Skip the repeated score and test name above the title; the next line is the title."""
    while (line := cursor.peek()) is not None:
        if SCORE.match(line.stripped) or _is_noise(line):
            cursor.next()
            continue
        if _key(line) in SECTION_HEADINGS or BULLET.match(line.text):
            break
        cursor.next()
        return Located(collapse(line.text), source.strip_span(line.span))
    at = cursor.peek()
    raise SourceError(source.path, at.number if at else None, "card has no title")


def _read_target_groups(source: SourceText, cursor: _Cursor) -> list[TargetGroupRef]:
    groups = []
    while (line := cursor.peek()) is not None and BULLET.match(line.text):
        cursor.next()
        label = collapse(BULLET.sub("", line.text))
        bullet = BULLET.match(line.text)
        assert bullet is not None  # the loop's condition
        span = source.strip_span(Span(line.span.start + bullet.end(), line.span.end))
        groups.append(_classify_target_group(label, span))
    return groups


def _classify_target_group(label: str, span: Span) -> TargetGroupRef:
    lowered = label.lower()
    if match := LEGAL_GROUP.match(label):
        paragraph, item, _name = match.groups()
        return TargetGroupRef(
            label,
            LEGAL_ITEM.sub("", label).strip(),
            TargetGroupKind.LEGAL,
            span,
            f"§{paragraph}.{item}",
            paragraph,
            item,
        )
    if lowered in CATCH_ALL:
        return TargetGroupRef(label, label, TargetGroupKind.CATCH_ALL, span)
    if lowered in BROAD_GROUPS:
        return TargetGroupRef(label, label, TargetGroupKind.BROAD, span)
    return TargetGroupRef(label, label, TargetGroupKind.SEGMENT, span)


def _read_sections(source: SourceText, cursor: _Cursor, card: Card) -> None:
    current: Section | None = None
    body: list[Line] = []

    def close() -> None:
        if current is not None and (text := _located(source, body)) is not None:
            card.sections[current] = text

    while cursor.index < len(cursor.lines):
        line = cursor.lines[cursor.index]
        if line.stripped and (cursor.at_test_block() or _key(line) in PAGE_NOISE - TOGGLES):
            break
        cursor.index += 1
        if _key(line) in TOGGLES:
            continue
        if (heading := SECTION_HEADINGS.get(_key(line))) is not None:
            close()
            current, body = heading, []
        elif _test_kind(_key(line)) is not None:
            continue  # the tab label between the sections and the tests
        elif current is None and line.stripped:
            card.warn(line.span.start, f"text before the first section left out: {line.stripped!r}")
        else:
            body.append(line)
    close()


def _read_tests(source: SourceText, cursor: _Cursor, card: Card) -> None:
    closed = False  # the page's "Dokumenter" heading follows the last test
    while (line := cursor.peek()) is not None:
        if cursor.at_test_block():
            card.tests.append(_read_test(source, cursor, card))
            closed = False
        elif _is_noise(line):
            cursor.next()
        else:
            cursor.next()
            card.warn(line.span.start, f"unexpected line after the sections left out: {line.stripped!r}")
        closed = closed or _key(cursor.lines[cursor.index - 1]) == "dokumenter"
    _check_complete(source, card, closed)


def _check_complete(source: SourceText, card: Card, closed: bool) -> None:
    """A card printed whole ends with its tests and the page's "Dokumenter" heading."""
    end = len(source.text)
    if not card.tests:
        card.warn(end, "the card has no test results: it may be cut off before its tests")
    elif not closed:
        test = card.tests[-1]
        name = next(n for n, k in TEST_NAMES.items() if k is test.kind).capitalize()
        card.warn(
            test.span.end,
            f"the card ends inside the answers of its {name} (no "
            f"'Dokumenter' after them): it may be cut off; "
            f"{len(test.assessments)} answer(s) read",
        )


def _read_test(source: SourceText, cursor: _Cursor, card: Card) -> TestResult:
    score_line, name_line = cursor.next(), cursor.next()
    assert score_line is not None and name_line is not None
    kind = _test_kind(_key(name_line))
    assert kind is not None  # at_test_block
    scope = None
    scope_line = cursor.peek()
    if scope_line is not None and not BULLET.match(scope_line.text):
        match = re.match(r"^(.*?)\bvedr\.?\s+(.+)$", scope_line.stripped)
        if match and _compact(_key(scope_line)).startswith(_compact(_key(name_line))):
            cursor.next()
            start = scope_line.span.start + scope_line.text.index(match.group(2))
            scope = Located(collapse(match.group(2)), source.strip_span(Span(start, scope_line.span.end)))
    bullets: list[list[Line]] = []
    while (line := cursor.peek()) is not None and not cursor.at_test_block():
        if _key(line) in PAGE_NOISE:
            cursor.next()
            if _key(line) == "dokumenter":
                break
            continue
        cursor.next()
        if _bullet(line) or not bullets or _unbulleted(line, bullets[-1][0]):
            bullets.append([line])
        else:
            bullets[-1].append(line)  # a bullet wrapped over several lines
    assessments = [_assessment(source, card, position, lines) for position, lines in enumerate(bullets, 1)]
    end = bullets[-1][-1].span.end if bullets else name_line.span.end
    score = SCORE.match(score_line.stripped)
    assert score is not None  # at_test_block
    at = score_line.span.start + score_line.text.index(score.group("score"))
    return TestResult(
        kind=kind,
        score=float(score.group("score").replace(",", ".")),
        score_text=Located(score.group("score"), Span(at, at + len(score.group("score")))),
        scope=scope,
        assessments=assessments,
        span=Span(score_line.span.start, end),
    )


def _bullet(line: Line) -> re.Match[str] | None:
    return BULLET.match(line.text) or DASHED.match(line.text)


def _indent(line: Line) -> int:
    return len(line.text) - len(line.text.lstrip())


def _unbulleted(line: Line, answer: Line) -> bool:
    """An answer printed without a bullet ("Ja: …" after "Nej: …"), not a wrapped line of the
    answer before (which goes on deeper in, or begins in lower case: "ja - …")."""
    return bool(UNBULLETED.match(line.stripped)) and _indent(line) <= _indent(answer)


def _assessment(source: SourceText, card: Card, position: int, lines: list[Line]) -> Assessment:
    first = lines[0]
    bullet = _bullet(first)
    body_start = first.span.start + (len(bullet.group(0)) if bullet else _indent(first))
    raw = source.text[body_start : lines[-1].span.end]
    label = LABEL.match(raw)
    text_start = body_start + (label.end() if label else 0)
    span = source.strip_span(Span(text_start, lines[-1].span.end))
    text = collapse(source.slice(span))
    threshold_match = THRESHOLD.search(text)
    threshold = int(threshold_match.group(2)) if threshold_match else None
    if label:
        answer = ANSWER_LABELS[label.group(1).lower()]
    else:
        answer = _implied_answer(text, threshold)
        card.warn(
            first.span.start, f"answer printed without its label; read as {answer.name} from its wording"
        )
    return Assessment(
        position=position,
        answer=answer,
        text=text,
        span=span,
        threshold=threshold,
        inferred=label is None,
        criterion_key=criterion_key(text),
    )


def _implied_answer(text: str, threshold: int | None) -> Answer:
    """The value an unlabelled answer's wording implies (the catalogue's own phrasing)."""
    if NEGATION.search(text):
        return Answer.NO
    if threshold is not None and threshold >= 9:
        return Answer.YES
    if threshold is not None:
        return Answer.PARTIAL
    return Answer.YES
