"""The question in a long message: citizens writing to the health authorities tell their situation first
("I am 57, I have high blood pressure, I had two AstraZeneca doses...") and ask last ("can I get the
booster?"); the situation's words (an illness, a vaccine's name) pull a bag-of-words classifier towards
the wrong topic. `focused` repeats the question part so that it weighs more than the preamble.

No rasa import: the Rasa component (components/vi_normalizer.py) and the fallback matcher both use it,
on the raw text (punctuation still there), before nlu.normalize folds it.
"""
from __future__ import annotations

import re

# Below this many words a message is one clause: left as it is (short chat questions must not change).
MIN_WORDS = 12
# How many extra copies of the question part are appended (measured: see nlu/README.md).
REPEAT = 1
# Where the question starts, in formal and chat Vietnamese, with or without diacritics. A bare "hoi" is not
# one: without diacritics it is also hơi (a bit), hội (hội chứng) or hồi (back then); nor "lieu" (liều, dose).
_WHO = r"(?:tôi|toi|em|cháu|chau|mình|minh|con)"
_ASK = re.compile(
    r"(?:^|(?<=[\s,;:.!?(]))(?:"
    rf"xin\s+(?:cho\s+)?(?:{_WHO}\s+)?(?:hỏi|hoi|biết|biet)|cho\s+(?:{_WHO}\s+)?(?:hỏi|hoi|biết|biet)|"
    rf"{_WHO}\s+(?:muốn|muon|xin|cần|can)\s+(?:hỏi|hoi)|"
    r"(?:xin|mong|nhờ|nho)\s+(?:được\s+|duoc\s+)?(?:bác\s+sĩ\s+|bac\s+si\s+|chuyên\s+gia\s+|chuyen\s+gia\s+)?"
    r"(?:tư\s+vấn|tu\s+van|giải\s+đáp|giai\s+dap|giải\s+thích|giai\s+thich)|"
    r"vậy\s+thì|vay\s+thi|vậy|liệu|hỏi\s*:|hoi\s*:"
    r")(?=[\s,:]|$)",
    re.IGNORECASE)
MIN_PART_WORDS = 3  # "... bị sao vậy?" ends on a marker: that is no question part
_SENTENCE_END = re.compile(r"(?<=[.?!;…])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The message cut at sentence ends ('.', '?', '!', ';' followed by a space; new lines)."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part.strip()]


def question_part(text: str) -> str:
    """The part of a long message that asks: from the last 'xin hỏi / cho tôi hỏi / vậy ...' on, else the last
    sentence that ends with '?', else the last sentence; '' when the message is short or a single clause."""
    text = (text or "").strip()
    if len(text.split()) < MIN_WORDS:
        return ""
    parts = sentences(text)
    for match in reversed(list(_ASK.finditer(text))):
        start = match.start()
        # A marker in the first words is the whole message ("Xin hỏi ..."): then the last sentence asks.
        if len(text[:start].split()) >= 4 and len(text[start:].split()) >= MIN_PART_WORDS:
            return text[start:].strip()
    asking = [p for p in parts if p.endswith("?")]
    if len(parts) > 1:
        return (asking or parts)[-1]
    return ""


def focused(text: str, repeat: int = REPEAT) -> str:
    """The message followed by `repeat` more copies of its question part (unchanged when there is none)."""
    part = question_part(text)
    if not part or part == (text or "").strip():
        return text
    return " ".join([text] + [part] * repeat)


def keep_question(text: str, limit: int) -> str:
    """Cut a message to `limit` characters keeping its beginning and its end, where the question is (a plain
    cut would keep the preamble and drop the question of a long letter)."""
    text = text or ""
    if len(text) <= limit:
        return text
    tail = text[-(limit * 2 // 3):]
    tail = tail[tail.find(" ") + 1:] if " " in tail else tail
    head = text[:max(0, limit - len(tail) - 3)]
    head = head[:head.rfind(" ")] if " " in head else head
    return f"{head} … {tail}".strip()[:limit]
