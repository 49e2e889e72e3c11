"""Reading short answers the way citizens type them: yes/no, numbers, dates, symptom words."""
from __future__ import annotations

import re
from datetime import date

from bot.readers.days import read_day
from bot.readers.yes_no import YesNo, read_yes_no
from bot.text import fold
from bot.turn import Turn

YES = {"yes", "y", "co", "c", "ok", "oke", "okay", "uk", "u", "um", "dung", "dung roi", "vang", "da", "da co",
       "co a", "roi", "co roi", "1", "dong y", "toi dong y", "agree", "i agree"}
NO = {"no", "n", "khong", "ko", "k", "kh", "hok", "hk", "khong co", "ko co", "chua", "chua co", "khong a",
      "ko a", "2", "none", "nope", "khong bi"}

# Words citizens use for each symptom, folded (no diacritics), most specific first.
SYMPTOM_WORDS = {
    "taste_smell": ("mat vi", "mat khuu", "mat mui", "khong ngui", "taste", "smell"),
    "breathing": ("kho tho", "tho doc", "hut hoi", "breath", "kho khe"),
    "sore_throat": ("dau hong", "rat hong", "hong dau", "sore throat", "viem hong"),
    "muscle_ache": ("dau co", "nhuc moi", "dau minh", "muscle", "dau nguoi", "e am"),
    "fatigue": ("met", "moi", "fatigue", "tired", "u oai"),
    "cough": ("ho", "cough"),
    "fever": ("sot", "fever", "nong", "than nhiet cao"),
    "chest_pain": ("dau nguc", "tuc nguc", "chest"),
    "confusion": ("lu lan", "confus", "mat y thuc", "li bi"),
    "bluish_lips": ("moi tim", "tim tai", "blue", "bluish"),
    "low_spo2": ("spo2", "oxy"),
}


def yes_no(turn: Turn) -> bool | None:
    """True, False, or None when the answer is neither (extra words allowed: 'dạ có', 'khong co a', 'no I don't')."""
    return yes_no_detail(turn).value


def yes_no_detail(turn: Turn, implied_by: tuple[str, ...] = ()) -> YesNo:
    """Yes or no and what was said after a yes ('co, ba bi cao huyet ap' -> yes, 'cao huyet ap')."""
    if turn.payload in ("/yes", "/no"):
        return YesNo(turn.payload == "/yes")
    folded = turn.folded
    if folded in YES:
        return YesNo(True)
    if folded in NO:
        return YesNo(False)
    return read_yes_no(turn.text, implied_by)


def symptoms_in(text: str, allowed: tuple[str, ...]) -> list[str]:
    """The symptoms named in free text ('sot, ho va kho tho' -> fever, cough, breathing)."""
    folded = f" {fold(text)} "
    words = sorted(((w, k) for k in allowed for w in SYMPTOM_WORDS.get(k, ())), key=lambda wk: -len(wk[0]))
    found: list[str] = []
    for word, key in words:
        pattern = rf"(?<![a-z]){re.escape(word)}(?![a-z])" if len(word) <= 4 else rf"(?<![a-z]){re.escape(word)}"
        if re.search(pattern, folded):
            # Longer phrases first, and their words removed, so "moi tim" is not also "moi" (tired).
            folded = re.sub(pattern, " ", folded)
            if key not in found:
                found.append(key)
    return [k for k in allowed if k in found]


def parse_day(text: str, today: date) -> date | None:
    """'hom nay', 'tu hom qua', 'hôm kia', '3 ngay truoc', 'thứ Hai', '12/11', '2 days ago' -> a date not in the future."""
    return read_day(text, today)
