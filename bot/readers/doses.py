"""Vaccine doses as citizens say them: 'ba tiem 3 mui roi', 'hai mũi', 'chưa tiêm', 'two doses', 'mũi 3'."""
from __future__ import annotations

import re

from bot.readers.numbers import COUNT, tokens, value
from bot.readers.yes_no import UNSURE
from bot.text import fold

_UNIT = r"(?:mui|lieu|shots?|doses?|jabs?|lan)"
# "2 mũi" (a count); "mũi 3" / "mũi thứ ba" (the third dose, so three in all).
_COUNTED = re.compile(rf"(?<![a-z0-9]){COUNT}\s*\+?\s*{_UNIT}(?![a-z])")
_ORDINAL = re.compile(rf"(?<![a-z]){_UNIT}\s*(?:thu\s*)?{COUNT}(?![a-z0-9])")
# "chưa tiêm", "chua tiem mui nao", "không tiêm", "not vaccinated", "none": no dose at all.
_NONE = re.compile(r"\b(?:chua|khong|ko|k|chang|never|not|none|no|zero|unvaccinated)\b")
_NOT_YET = re.compile(r"\b(?:chua|not yet)\b")
# Words that carry no count: "rồi", "ạ", "đủ", "đã tiêm", pronouns ("bà", "tôi"...).
_FILLERS = {"roi", "a", "da", "du", "tiem", "duoc", "vaccine", "vac", "xin", "vacxin", "toi", "minh", "em", "con",
            "chau", "ong", "co", "chu", "bac", "i", "had", "have", "got", "ve", "the", "so", "nhe", "nha", "u"}


def read_doses(text: str) -> int | None:
    """How many doses (0-10) the text says, or None when it does not say."""
    folded = fold(text).replace("+", " ")
    if UNSURE.search(folded):
        return None  # "không nhớ", "không biết": not zero
    counted = [value(m.group("n")) for m in _COUNTED.finditer(folded)]
    if counted and None not in counted:
        # "2 mũi cơ bản và 1 mũi nhắc lại": the counts add up.
        return sum(counted)
    ordinal = _ORDINAL.search(folded)
    if ordinal:
        # "đã tiêm mũi 3" is three doses; "chưa tiêm mũi 3" is two.
        nth = value(ordinal.group("n"))
        return max(nth - 1, 0) if _NOT_YET.search(folded[:ordinal.start()]) else nth
    words = [w for w in tokens(folded) if w not in _FILLERS]
    if len(words) == 1 and value(words[0]) is not None and words[0] not in ("a", "an", "no"):
        return value(words[0])
    if _NONE.search(folded) and not any(w.isdigit() for w in words):
        return 0
    return None
