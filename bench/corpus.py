"""Synthetic corpora: the seed documents' *text* varied, to any number of documents.

Cards get another municipality (from the reference list), another title, their answers
re-drawn and shuffled (the threshold in each wording rewritten to match the answer) and
scores to match; correspondence appendices get other municipalities, other years, other
signatories and another appendix number. Nothing is injected as RDF: the benchmark
builds the generated text with the real parsers, like any other corpus.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from beskgraph.model.card import Card
from beskgraph.model.correspondence import Correspondence
from beskgraph.parse import parse_document
from beskgraph.reference import Municipality, municipalities, municipality_name_pattern

CORRESPONDENCE_EVERY = 25  # one appendix of letters per 25 documents; the rest are cards
ANSWER_LINE = re.compile(r"^(\s*•\s*)(Ja|Delvist|Nej)(\s*:\s*)(.*)$")
THRESHOLD = re.compile(r"\b(i\s+)?(mindst|færre end)\s+\d+\s+ud af\s+10\b", re.IGNORECASE)
SCORE_LINE = re.compile(r"^\d,\d$")
TEST_HEADINGS = {"Evidenstest": "evidence", "God praksis test": "good-practice"}
POINTS = {"Ja": 5.0, "Delvist": 2.5, "Nej": 0.0}
WORDING = {"Ja": "mindst 9 ud af 10", "Delvist": "mindst 7 ud af 10", "Nej": "færre end 7 ud af 10"}
TITLE_ENDINGS = ("forløb", "spor", "pilot", "model", "fase", "hold")
FIRST_NAMES = (
    "Anne",
    "Bo",
    "Camilla",
    "Dorte",
    "Erik",
    "Freja",
    "Gitte",
    "Henrik",
    "Ida",
    "Jesper",
    "Karen",
    "Lars",
    "Mette",
    "Niels",
    "Pia",
    "Rasmus",
    "Susanne",
    "Thomas",
    "Ulla",
    "Vibeke",
)
LAST_NAMES = (
    "Andersen",
    "Bech",
    "Christensen",
    "Dahl",
    "Eriksen",
    "Frandsen",
    "Hansen",
    "Iversen",
    "Jensen",
    "Kjær",
    "Larsen",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Poulsen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "Vestergaard",
    "Østergaard",
)


@dataclass(frozen=True)
class Seed:
    """A seed document's text and what the real parser read from it."""

    name: str
    text: str
    document: Card | Correspondence


def load_seeds(directory: Path) -> tuple[list[Seed], list[Seed]]:
    """The cards and the correspondence appendices among the seeds."""
    cards, letters = [], []
    for path in sorted(directory.glob("*.txt")):
        document = parse_document(path)
        seed = Seed(path.name, path.read_text(encoding="utf-8"), document)  # type: ignore[arg-type]
        (cards if isinstance(document, Card) else letters).append(seed)
    return cards, letters


def generate(size: int, out: Path, seeds: Path, *, seed: int = 0) -> list[Path]:
    """Write ``size`` documents into ``out``; the same arguments give the same files."""
    rng = random.Random(seed)
    cards, appendices = load_seeds(seeds)
    places = list(municipalities())
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(size):
        if (appendices and index % CORRESPONDENCE_EVERY == 9) or not cards:  # the 10th, 35th, …
            text = vary_correspondence(appendices[index % len(appendices)], rng, places)
            kind = "letters"
        else:
            text = vary_card(cards[index % len(cards)], rng, places, index)
            kind = "card"
        path = out / f"{index:05d}_{kind}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------
# Cards


def vary_card(seed: Seed, rng: random.Random, places: list[Municipality], index: int) -> str:
    """Another municipality and title; answers re-drawn and shuffled; scores to match."""
    card = seed.document
    assert isinstance(card, Card)
    place = rng.choice(places)
    text = _whole_word(card.municipality.value).sub(place.name, seed.text)
    title = card.title.value.replace(card.municipality.value, place.name)
    # the number first: an intervention's IRI keeps only the first 60 characters of its title
    text = text.replace(title, f"{rng.choice(TITLE_ENDINGS).capitalize()} {index}: {title}")
    lines = text.split("\n")
    answers = _redraw_answers(lines, rng)
    return "\n".join(_rescore(lines, answers, rng))


def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def _redraw_answers(lines: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Re-draw every answer in place, shuffled within its test; the answers per test."""
    blocks: dict[str, list[int]] = {}
    test = None
    for number, line in enumerate(lines):
        if line.strip() in TEST_HEADINGS and number and SCORE_LINE.match(lines[number - 1].strip()):
            test = TEST_HEADINGS[line.strip()]
        elif test and ANSWER_LINE.match(line):
            blocks.setdefault(test, []).append(number)
    answers: dict[str, list[str]] = {}
    for test, numbers in blocks.items():
        wordings = [ANSWER_LINE.match(lines[n]).group(4) for n in numbers]  # type: ignore[union-attr]
        rng.shuffle(wordings)
        for number, wording in zip(numbers, wordings, strict=True):
            answer = rng.choices(("Ja", "Delvist", "Nej"), weights=(5, 3, 2))[0]
            bullet, _, colon, _ = ANSWER_LINE.match(lines[number]).groups()  # type: ignore[union-attr]
            lines[number] = f"{bullet}{answer}{colon}{_threshold(wording, answer)}"
            answers.setdefault(test, []).append(answer)
    return answers


def _threshold(wording: str, answer: str) -> str:
    """The wording with its "x ud af 10" threshold rewritten for ``answer``."""

    def replace(match: re.Match[str]) -> str:
        phrase = ("i " if match.group(1) else "") + WORDING[answer]
        return phrase[0].upper() + phrase[1:] if match.group(0)[0].isupper() else phrase

    return THRESHOLD.sub(replace, wording, count=1)


def _rescore(lines: list[str], answers: dict[str, list[str]], rng: random.Random) -> list[str]:
    """Scores as the mean of the answers (God praksis: the mean, give or take 0.3)."""
    scores = {}
    for test, drawn in answers.items():
        mean = sum(POINTS[a] for a in drawn) / len(drawn)
        if test == "good-practice":
            mean = min(5.0, max(0.0, mean + rng.uniform(-0.3, 0.3)))
        scores[test] = f"{mean:.1f}".replace(".", ",")
    out = list(lines)
    for number, line in enumerate(lines[:-1]):
        test = TEST_HEADINGS.get(lines[number + 1].strip())
        if test in scores and SCORE_LINE.match(line.strip()):
            out[number] = scores[test]
    return out


# ---------------------------------------------------------------------------
# Correspondence


def vary_correspondence(seed: Seed, rng: random.Random, places: list[Municipality]) -> str:
    """Other municipalities, years, signatories and appendix number; same structure."""
    document = seed.document
    assert isinstance(document, Correspondence)
    named = sorted({m.group(0) for m in municipality_name_pattern().finditer(seed.text)})
    others = rng.sample([p.name for p in places if p.name not in named and " " not in p.name], len(named))
    swap = dict(zip(named, others, strict=True))
    text = municipality_name_pattern().sub(lambda m: swap.get(m.group(0), m.group(0)), seed.text)
    shift = rng.randint(-3, 4)
    text = re.sub(r"(?<!\d)(20[0-3]\d)(?!\d)", lambda m: str(int(m.group(1)) + shift), text)
    text = re.sub(r"(Bilag\s+)\d+", lambda m: f"{m.group(1)}{rng.randint(1, 400)}", text)
    people = sorted(
        {
            p.person
            for lt in document.letters
            for p in (lt.sender, *lt.recipients, *lt.signatories)
            if p is not None and p.person
        }
    )
    for person in people:
        text = _whole_word(person).sub(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", text)
    return text
