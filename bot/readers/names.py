"""Full names as citizens type them: 'ba ten la nguyen thi hoa' -> 'Nguyễn Thị Hoa' (ask to confirm)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.readers.name_spellings import FAMILY, GIVEN, MIDDLE
from bot.text import fold, strip_diacritics

_PRONOUN = r"(?:toi|ba|ong|em|con|chau|minh|tui|anh|chi|co|chu|bac|me|bo)"
# Openings before the name itself, on the folded text: "tôi tên là", "tên tôi là", "tên của tôi là",
# "bà tên là", "họ và tên:", "con là", "my name is", "I am".
_PREAMBLE = re.compile(
    rf"^(?:(?:da|vang|thua|xin|chao ban|xin chao|hi|hello)\s+)*"
    rf"(?:(?:{_PRONOUN}\s+)?(?:ten|ho ten|ho va ten|ho ten day du)(?:\s+(?:cua\s+)?{_PRONOUN})?\s*(?:la|:)?"
    rf"|{_PRONOUN}\s+la|my name is|my name s|name is|name:?|i am|i m|im|this is|it s)\s+")
_TAIL = {"a", "nhe", "nha", "day", "ne", "ha"}


@dataclass(frozen=True)
class NameReading:
    """The name as it will be kept, and whether it should be confirmed (diacritics guessed for only part of it)."""

    name: str
    sure: bool = True


def _capitalised(word: str) -> str:
    # "NGUYỄN" and "nguyễn" become "Nguyễn"; a name typed in mixed case ("McDonald") is kept as typed.
    return "-".join(part[:1].upper() + (part[1:].lower() if part[1:].isupper() or part[1:].islower() else part[1:])
                    for part in word.split("-"))


def without_preamble(text: str) -> str:
    """The name without 'tôi tên là' before it or 'ạ' after it, words as typed."""
    words = " ".join(text.split()).strip(" .,!").split()
    folded = " ".join(fold(w) for w in words)
    match = _PREAMBLE.match(folded + " ")
    if match:
        # Only the opening typed ("tôi tên là"): no name yet.
        words = words[len(match.group(0).split()):]
    while len(words) > 2 and fold(words[-1]) in _TAIL:
        words = words[:-1]
    return " ".join(w.strip(",.") for w in words)


def _spelling(word: str, position: int, count: int) -> tuple[str | None, bool]:
    """(spelling or None, whether the syllable is a known Vietnamese name syllable)."""
    key = word.lower()
    table = GIVEN if position == count - 1 else FAMILY if position == 0 else MIDDLE
    return table.get(key), key in table


def read_name(text: str) -> NameReading:
    """The name, properly capitalised; diacritics restored where the spelling is not in doubt."""
    words = [_capitalised(w) for w in without_preamble(text).split()]
    name = " ".join(words)
    plain = strip_diacritics(name) == name and all(w.isascii() for w in words)
    if not plain or len(words) < 2:
        return NameReading(name)
    spellings = [_spelling(w, i, len(words)) for i, w in enumerate(words)]
    if spellings[0][0] is None:
        # Not a Vietnamese family name we know (a foreign name): kept as typed.
        return NameReading(name)
    restored = [spelling or word for word, (spelling, _known) in zip(words, spellings)]
    return NameReading(" ".join(restored), sure=all(spelling for spelling, _known in spellings))
