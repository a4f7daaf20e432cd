"""Letter keys: readable, stable, unique within a document (date, sender, recipient)."""

from __future__ import annotations

import re

from ..model.correspondence import Letter, Party
from ..text import slugify


def party_slug(party: Party | None) -> str:
    if party is None or party.organisation is None:
        return "ukendt"
    return slugify(re.sub(r"\s+Kommune$", "", party.organisation), 30)


def letter_key(letter: Letter) -> str:
    """``2018-08-31-beskaeftigelsesministeriet-til-hilleroed``: date, sender, recipient."""
    when = letter.date or (letter.period[0][:7] if letter.period else "udateret")
    to = party_slug(letter.recipients[0] if letter.recipients else None)
    return f"{when}-{party_slug(letter.sender)}-til-{to}"


def unique_key(letter: Letter, taken: set[str]) -> str:
    """``letter_key``, with ``-2``, ``-3`` … appended while it is taken."""
    base = key = letter_key(letter)
    n = 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
