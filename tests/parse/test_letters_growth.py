"""The letter parser's work grows with a letter's length, not with its square.

Work is counted, not timed: the lines of the project's own code run while parsing a
seed letter with ``n`` and with ``2n`` lines added. Twice the lines must cost about
twice the work (a quadratic parser costs four times as much); the fillers are the
shapes that were quadratic: long dated sentences, one date per line (a table of
dates), and letter after letter of closing and greeting.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import beskgraph
from beskgraph.config import SEEDS_DIR
from beskgraph.parse.letters import parse_correspondence
from beskgraph.text import SourceText

# integration: long letters parsed under a line tracer
pytestmark = pytest.mark.integration

OWN = str(Path(beskgraph.__file__).parent)
LETTERS = (SEEDS_DIR / "003_aec37f0f2b66ca76.txt").read_text(encoding="utf-8")
DATED = (
    "Den 9. april 2018 fik 120 borgere i Køge Kommune et tilbud, svarende til 42 % af de ledige, "
    "jf. LBK nr. 1342 af 20. november 2016 § 16a\n"
)
ONE_DATE = "9. april 2018\n"
CLOSINGS = "Med venlig hilsen\nAnne Hansen\nKontorchef\n\nKære Odense Kommune\n"
LINEAR = 2.6  # the most twice the lines may cost, against the lines once (quadratic: about 4)


@cache
def work(text: str) -> int:
    """Lines of the project's code run to parse ``text`` as correspondence."""
    count = 0

    def line(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return line

    def call(frame: FrameType, event: str, arg: Any) -> Any:
        return line if frame.f_code.co_filename.startswith(OWN) else None

    before = sys.gettrace()
    sys.settrace(call)
    try:
        parse_correspondence(SourceText(Path("growth.txt"), text))
    finally:
        sys.settrace(before)
    return count


@pytest.mark.parametrize(
    ("filler", "lines"),
    [(DATED, 800), (ONE_DATE, 1600), (CLOSINGS, 400)],
    ids=["dated sentences", "one date a line", "closings and greetings"],
)
def test_twice_the_lines_cost_about_twice_the_work(filler: str, lines: int) -> None:
    base = work(LETTERS)
    once = work(LETTERS + filler * lines) - base
    twice = work(LETTERS + filler * 2 * lines) - base
    assert once > 0
    assert twice / once < LINEAR, f"{lines} lines: {once} steps; {2 * lines} lines: {twice} steps"


def test_many_letters_in_one_document_are_all_read() -> None:
    """Letter after letter is split by one walk, not one level of recursion each (which
    ran out of stack at about a thousand and left the document to the generic reader)."""
    doc = parse_correspondence(SourceText(Path("growth.txt"), LETTERS + CLOSINGS * 1500))
    assert len(doc.letters) > 1500
    assert len({letter.key for letter in doc.letters}) == len(doc.letters)
