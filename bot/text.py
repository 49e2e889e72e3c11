"""Text helpers for how citizens really type: no diacritics, abbreviations, stray spaces."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
MAX_INBOUND_CHARS = 4000


def clean(text: str | None) -> str:
    """Inbound text made safe to store and show: NFC, no control or bidi characters, cut to a limit."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text or ""))[:MAX_INBOUND_CHARS]


def strip_diacritics(text: str) -> str:
    """'Hủy khai báo' -> 'Huy khai bao' (đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The comparison form: NFC, lower case, no diacritics, single spaces, no edge punctuation."""
    text = strip_diacritics(unicodedata.normalize("NFC", text or "")).lower()
    text = re.sub(r"[^\w\s/:+.-]", " ", text)
    return _SPACES.sub(" ", text).strip(" .")


def matches_any(text: str, words: tuple[str, ...] | set[str]) -> bool:
    """True when the folded text is one of `words` (already folded)."""
    return fold(text) in words
