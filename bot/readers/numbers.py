"""Counts written as digits or words, in Vietnamese (with or without diacritics) and English."""
from __future__ import annotations

import re

# Folded words (bot.text.fold): "một" and "mốt" are both "mot". "tư" (four) is left out: folded it is "tu",
# which is far more often "từ" (since): "tu hom qua".
WORDS = {
    "khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10,
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "once": 1, "two": 2, "twice": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
# A pattern matching one count, digits or a word; group "n".
COUNT = r"(?P<n>\d{1,2}|" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")"


def value(token: str) -> int | None:
    """'3' -> 3, 'ba' -> 3, 'two' -> 2; None for anything else."""
    if token.isdigit():
        return int(token)
    return WORDS.get(token)


def tokens(folded: str) -> list[str]:
    """The words of a folded text, punctuation dropped ('3+' keeps its digit)."""
    return re.findall(r"[a-z0-9]+", folded)
