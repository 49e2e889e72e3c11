"""Which language a citizen writes in: from the first message, and from a clear switch (a whole sentence in the
other language), never from one ambiguous word ("ok", "covid", "F1")."""
from __future__ import annotations

import re

from bot.text import fold, strip_diacritics
from bot.turn import Turn

# English words that are not also Vietnamese syllables without their marks ("to", "me", "do", "an", "no", "can",
# "long", "in", "on", "it", "the", "my" are left out: "tô", "mẹ", "đó", "ăn", "nó", "cần", "lòng", "ít", "thế", "mỹ").
ENGLISH = set("""
i you we they he she i'm i've im your our their is are am was were be been being have has had does did doing
what when where why how who which whom could would should will shall must may might want wants need needs
for of from with and or but not yes please thanks thank hello hey hi help about get got know tell go going
after before if this that there these those here just also very really some any all every much many more
quarantine quarantined declare declaration isolate isolation fever cough sick symptoms symptom vaccine vaccinated
vaccination doses dose test tested positive negative days day week weeks hours question questions call called
calling number phone english speak talk person staff human stop quit home close contact contacts health hospital
doctor report someone somebody people family child children wife husband mother father friend today yesterday
tomorrow morning afternoon evening good bad okay sorry still yet did didn't don't can't cannot won't isn't aren't
""".split())
# Vietnamese words (folded) that are not English words and not common name syllables ("thi", "van", "hoa"...):
# two of them make a sentence Vietnamese even when typed without marks.
VIETNAMESE = set("""
toi ban la gi khong ko co bi duoc nhu nao bao nhieu ngay cach ly khai sot muon cho hoi sao vay roi chua oi nha
nhe gap xin chao cam di den ve mui tiem phai lam dung benh nguoi nay minh tui em chi cua voi nhung neu khi thoi
lieu xet nghiem dich vung tiep xuc gan tinh duong dau dang day kia biet giup tong dai goi nua thuoc
""".split())
ONE_WORD_ENGLISH = {"hello", "hi", "hey", "help", "thanks", "hello!", "hiya", "howdy"}
_WORD = re.compile(r"[^\W\d_]+(?:'[a-z]+)?")
# Letters only Vietnamese uses (marked vowels, đ): one of them is enough to say a word is Vietnamese.
_MARKED = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]")


def _counts(text: str) -> tuple[int, int, int]:
    """(words, English words, Vietnamese words) in the text."""
    words = _WORD.findall((text or "").lower())
    english = sum(1 for w in words if w in ENGLISH and not _MARKED.search(w))
    vietnamese = sum(1 for w in words if _MARKED.search(w) or strip_diacritics(w) in VIETNAMESE)
    return len(words), english, vietnamese


def first_message_language(text: str) -> str | None:
    """'en' or 'vi' when the first message clearly is that language ("hello", "I want to declare"), else None."""
    words, english, vietnamese = _counts(text)
    if words == 0:
        return None
    if words == 1:  # one word says little ("stop", "test"), except a greeting or a call for help
        return "en" if text.strip(" !.?").lower() in ONE_WORD_ENGLISH else None if english else \
            ("vi" if vietnamese else None)
    if english and not vietnamese and english * 2 >= words:
        return "en"
    if vietnamese and not english:
        return "vi"
    return None


def switched_to(text: str, current: str) -> str | None:
    """The other language when the message is a whole sentence in it (three words or more), else None."""
    words, english, vietnamese = _counts(text)
    if words < 3:
        return None
    if current != "en" and english >= 2 and not vietnamese and english * 2 >= words:
        return "en"
    folded_vi = sum(1 for w in fold(text).split() if w in VIETNAMESE)
    if current == "en" and folded_vi >= 2 and not english:
        return "vi"
    return None


def follow_language(turn: Turn) -> None:
    """Answer in the language of a clear first typed message (a Zalo follow or a button press comes before it),
    or of a whole sentence in the other language."""
    if turn.channel == "voice" or turn.payload or not turn.text:
        return
    # Inside a flow the message answers a question (a name, a commune): only a whole sentence switches.
    first_message = not turn.session.typed and not turn.session.flow
    turn.session.typed = True
    lang = first_message_language(turn.text) if first_message else switched_to(turn.text, turn.lang)
    if lang and lang != turn.lang:
        turn.session.lang = turn.citizen.language = lang
