"""Yes or no with extra words: 'dạ có', 'khong co a', 'co, ba bi cao huyet ap', 'yes I have diabetes', 'no I don't'."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import fold

# Folded words that carry no answer: politeness, pronouns, hesitations ("dạ", "bà", "tôi", "well").
FILLERS = {"da", "vang", "a", "ah", "u", "uh", "um", "uhm", "oh", "well", "thi", "toi", "ba", "ong", "em", "con",
           "chau", "minh", "bac", "chu", "anh", "chi", "tui", "tao", "i", "we", "he", "she", "my", "mom", "dad",
           "me", "nha", "nhe", "ma", "thua", "ben", "gia", "dinh", "nha minh"}
YES_WORDS = {"co", "c", "yes", "y", "yeah", "yep", "yup", "ya", "ok", "oke", "okay", "uk", "uki", "un", "dung",
             "roi", "bi", "mac", "have", "has", "had", "did", "do", "does", "am", "was", "true", "sure", "correct",
             "right", "agree", "dong", "duoc", "vang", "da"}
NO_WORDS = {"khong", "ko", "k", "kh", "khg", "hok", "hk", "hong", "hem", "chua", "chang", "cha", "no", "nope",
            "nah", "not", "never", "don", "dont", "didn", "didnt", "doesn", "haven", "havent", "hasn", "wasn",
            "none", "nothing", "n"}
# Polite yes on its own ("dạ", "vâng") is yes; with another word it only opens the answer ("dạ không").
POLITE = {"da", "vang"}
UNSURE = re.compile(r"\b(?:khong|ko|chua|not|don t|do not|dont)\s+(?:biet|hieu|ro|nho|chac|sure|know|understand|"
                    r"remember)\b|\bco le\b|\bmaybe\b|\bperhaps\b|\bhinh nhu\b|\bchac\b|\bidk\b")
# After the yes word, words that still belong to it: "có, bà bị | cao huyết áp", "yes I have | diabetes".
_LEAD_IN = FILLERS | {"co", "bi", "mac", "have", "has", "had", "yes", "roi", "benh", "la", "do", "does", "did",
                      "got", "of", "a", "an", "the", "i", "ve", "m", "am", "with", "dong", "y"}
_TAIL = {"a", "nha", "nhe", "roi", "thoi", "a.", "ah"}


@dataclass(frozen=True)
class YesNo:
    """The answer (None: neither, or unsure) and what the citizen added after a yes ('cao huyết áp')."""

    value: bool | None
    detail: str = ""


def _first(word: str) -> str:
    # "don't" folds to "don t", "I'm" to "i m": the word is its first part.
    parts = fold(word).split()
    return parts[0] if parts else ""


def _detail(words: list[str], start: int) -> str:
    rest = words[start:]
    while rest and _first(rest[0]) in _LEAD_IN | {""}:
        rest = rest[1:]
    while rest and _first(rest[-1]) in _TAIL | {""}:
        rest = rest[:-1]
    return " ".join(rest).strip(" ,.;:!-")


def read_yes_no(text: str, implied_by: tuple[str, ...] = ()) -> YesNo:
    """Yes or no from the first word that decides it; `implied_by`: folded phrases that mean yes on their own
    (an illness named at 'do you have a chronic condition?')."""
    folded = fold(text)
    if not folded or text.strip().endswith("?") or UNSURE.search(folded):
        return YesNo(None)
    words = text.split()
    folds = [_first(w) for w in words]
    for index, word in enumerate(folds):
        if word in NO_WORDS:
            return YesNo(False)
        if word in YES_WORDS - POLITE:
            return YesNo(True, _detail(words, index + 1))
        if word not in FILLERS and word:
            break
    else:
        # Only fillers: "dạ", "vâng ạ" is a yes; "bà" alone is nothing.
        return YesNo(True) if any(w in POLITE for w in folds) else YesNo(None)
    if any(re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", folded) for p in implied_by):
        return YesNo(True, _detail(words, 0))
    return YesNo(None)
