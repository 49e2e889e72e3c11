"""Messages that ask two things ("... can I get the vaccine, and can my child go to school?"): the questions.

`questions(text)` cuts a message into its questions so that each can be classified (and answered) on its
own: the first keeps everything before it (the situation the citizen told), the others stand alone. A
message with one question comes back whole. No rasa import: the engine calls it in the app venv, then
asks the NLU client about each part (see nlu/README.md for how the engine uses it).
"""
from __future__ import annotations

import re

from nlu.focus import sentences
from nlu.normalize import strip_diacritics

MAX_QUESTIONS = 3  # a letter with a list of ten questions still gets at most three answers
MIN_WORDS = 4  # "..., và tiêm loại nào?" is a question; "và sao?" is not worth a second answer
# Words a Vietnamese question ends with (folded, so typed with or without diacritics); "a"/"vay"/"nhi" are
# the polite or chatty particles after them ("không ạ", "gì vậy").
_ENDS = re.compile(
    r"\b(khong|chua|gi|nao|sao|dau|bao lau|bao nhieu|bao gio|khi nao|ai|the nao|ra sao|duoc khong|hay khong)"
    r"(\s+(a|ah|vay|nhi|the|ha|nhe))*\s*[?!.…]*\s*$")
# Where a second question starts inside a sentence: "và", "còn", "với lại", "ngoài ra", "thêm nữa", a comma.
_WORDS = r"(?:và|va|còn|với lại|voi lai|ngoài ra|ngoai ra|thêm nữa|them nua)"
_JOINS = re.compile(rf"\s*,\s*(?:{_WORDS}\s+)?|\s+{_WORDS}\s+", re.IGNORECASE)


def asks(chunk: str) -> bool:
    """True when the chunk reads as a question: it ends with '?' or with a question word."""
    chunk = chunk.strip()
    if not chunk or chunk.endswith("."):
        return False
    return chunk.endswith("?") or bool(_ENDS.search(strip_diacritics(chunk.lower())))


def _clauses(sentence: str) -> list[str]:
    """A question sentence cut where one asking clause ends and another begins ('... không và ... không?')."""
    out, start = [], 0
    for match in _JOINS.finditer(sentence):
        left, right = sentence[start:match.start()], sentence[match.end():]
        if asks(left) and len(left.split()) >= MIN_WORDS and asks(right) and len(right.split()) >= MIN_WORDS:
            out.append(left.strip())
            start = match.end()
    out.append(sentence[start:].strip())
    return out


def questions(text: str) -> list[str]:
    """The questions of a message, in order (at most MAX_QUESTIONS); the first carries the situation told
    before it. One question, or none recognised: the whole message."""
    text = (text or "").strip()
    parts = sentences(text)
    found: list[tuple[int, str]] = []  # (sentence index, question)
    for index, sentence in enumerate(parts):
        if asks(sentence):
            found.extend((index, clause) for clause in _clauses(sentence))
    if len(found) < 2:
        return [text] if text else []
    first_index, first = found[0]
    head = " ".join(parts[:first_index] + [first])
    rest = [question for _, question in found[1:MAX_QUESTIONS]]
    return [head] + rest


# A further topic is answered only when its own question reads clearly as it. On the 228 single-topic long
# questions of nlu/test/probe_long.yml (61 cut in two or more), 2 got a wrong extra topic at 0.7 (3 at 0.55).
SECOND_CONFIDENCE = 0.7


def topics_in_order(parse, text: str, whole) -> list:
    """What to answer, in the order the citizen asked: the readings of the message's questions that name a FAQ
    topic at least `SECOND_CONFIDENCE` sure, each topic once, with `whole` (the reading of the whole message,
    the most reliable one) standing for its topic, first when no single question reads as it.
    `parse(question) -> NluResult`. A one-question message gives [whole] without another parse."""
    parts = questions(text)
    if len(parts) < 2:
        return [whole]
    out, seen = [], set()
    for question in parts:
        result = parse(question)
        if result.intent == whole.intent:
            result = whole
        if result.intent in seen or not result.intent.startswith("faq/"):
            continue
        if result is whole or result.confidence >= SECOND_CONFIDENCE:
            seen.add(result.intent)
            out.append(result)
    if whole.intent not in seen:
        out.insert(0, whole)
    return out
