"""Letter keys: readable and derived from what a letter is (its date, sender and
recipient), never from the file it came in or its place there, so the same letter gets
the same key wherever it is read (docs/iris.md).

Letters of one day between the same two parties are told apart by a hash of their
subject, or of their opening words when they have none; an undated letter always
carries that hash.
"""

from __future__ import annotations

import re

from ..model.correspondence import Letter, Party
from ..text import distinct, slugify

UNDATED = "udateret"


def party_slug(party: Party | None) -> str:
    if party is None or party.organisation is None:
        return "ukendt"
    return slugify(re.sub(r"\s+Kommune$", "", party.organisation), 30)


def letter_key(letter: Letter) -> str:
    """``2018-08-31-beskaeftigelsesministeriet-til-hilleroed``: date, sender, recipient."""
    when = letter.date or (letter.period[0][:7] if letter.period else UNDATED)
    to = party_slug(letter.recipients[0] if letter.recipients else None)
    return f"{when}-{party_slug(letter.sender)}-til-{to}"


def _content(letter: Letter) -> str:
    return letter.subject or " ".join(letter.text.split()[:40]) or letter.date_text or ""


def assign_keys(letters: list[Letter]) -> None:
    """Give each letter of one document its key (see the module)."""
    for letter in letters:
        letter.key = letter_key(letter)
    dated = [lt for lt in letters if not lt.key.startswith(UNDATED)]
    undated = [lt for lt in letters if lt.key.startswith(UNDATED)]
    for group, always in ((dated, False), (undated, True)):
        for letter, key in zip(
            group,
            distinct([lt.key for lt in group], [_content(lt) for lt in group], always=always),
            strict=True,
        ):
            letter.key = key
