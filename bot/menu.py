"""The main menu and the few words that work anywhere (cancel, back, menu, language)."""
from __future__ import annotations

import re

from bot.text import fold
from bot.service import service_name
from bot.turn import Turn

# Cancel drops what is on screen; stopping (STOP_PATTERNS) only sets a declaration aside for later.
CANCEL_WORDS = {"huy", "huy bo", "cancel", "thoat", "/cancel", "exit"}
BACK_WORDS = {"/back", "quay lai", "back", "tro lai", "lui lai", "lui"}
MENU_WORDS = {"menu", "/menu", "/help", "help", "tro giup", "danh muc", "chuc nang"}
# A citizen coming back to an unfinished flow says hello first; that is not an answer (nor a full name).
GREET_WORDS = {"xin chao", "chao", "chao ban", "chao loa", "alo", "hello", "hi", "hey", "xin chao loa"}
# Leave a hand-off and talk to the bot again (with MENU_WORDS and CANCEL_WORDS).
BOT_WORDS = {"bot", "/bot", "loa", "chatbot", "tro ve bot", "quay lai bot", "noi chuyen voi bot", "gap bot",
             "talk to the bot", "back to the bot", "back to bot"}
CONTINUE_WORDS = {"tiep tuc", "tiep tuc khai bao", "khai tiep", "khai bao tiep", "continue", "resume",
                  "continue my declaration"}
LANG_WORDS = {"english": "en", "tieng anh": "en", "en": "en", "eng": "en", "in english": "en",
              "tieng viet": "vi", "vietnamese": "vi", "vi": "vi", "viet": "vi"}


def show_menu(turn: Turn, greeting: bool = True, intro: str | None = None) -> None:
    """The short menu of what Loa can do (with 'continue' when a declaration was left unfinished)."""
    buttons = []
    if turn.session.paused:
        buttons.append((turn._("Continue my declaration"), "/continue"))
    buttons += [
        (turn._("Health declaration"), "/declare"),
        (turn._("Ask a question"), "/faq"),
        (turn._("About a tracing call"), "/tracing"),
        (turn._("Report something"), "/report"),
        (turn._("Announcements"), "/subscribe"),
        (turn._("Tiếng Việt") if turn.lang == "en" else "English", "/lang:vi" if turn.lang == "en" else "/lang:en"),
        (turn._("Talk to staff"), "/staff"),
    ]
    if intro is None:
        intro = turn._("Hello! This is %(service)s.", service=service_name(turn.settings, turn.lang)) if greeting \
            else turn._("What would you like to do?")
    turn.say(intro + "\n" + turn._("Choose an option below or type your question."), buttons)


def language_asked(turn: Turn) -> str | None:
    """The language the citizen asks to switch to, if this message is such a request."""
    payload = turn.payload or ""
    if payload.startswith("/lang:"):
        return payload.split(":", 1)[1] if payload.split(":", 1)[1] in ("vi", "en") else None
    return LANG_WORDS.get(fold(turn.text)) if not turn.session.flow else None


# "anh" alone is also "you" ("anh oi ..."): only "tieng anh" names English.
_NAMED = {"en": re.compile(r"\b(tieng anh|english|eng)\b"), "vi": re.compile(r"\b(tieng viet|vietnamese|viet)\b")}


def language_named(text: str) -> str | None:
    """The language a request like "noi tieng anh di" or "in Vietnamese please" names; with both named
    ("tu tieng anh sang tieng viet") the one named last, the one asked for."""
    folded = fold(text)
    found = {lang: [m.start() for m in pattern.finditer(folded)] for lang, pattern in _NAMED.items()}
    named = [(spots[-1], lang) for lang, spots in found.items() if spots]
    return max(named)[1] if named else None


def is_word(turn: Turn, words: set[str]) -> bool:
    """True when the message (typed or button) is one of `words`."""
    return (turn.payload or "") in words or fold(turn.text) in words


# Folded, whole-message patterns. "khong" alone is the answer "no" and "dung" alone may be "đúng" (right), so
# neither stops anything; stopping needs a verb of stopping or "... nua" (any more) after a verb of declaring.
_WHO = r"(?:(?:toi|em|minh|tui|tao|con|chau|ba|ong|anh|chi|co|chu|bac) )?"
_WANT = r"(?:(?:muon|xin|can|se|phai|cho) )?"
_TAIL = r"(?: (?:nhe|nha|nhen|a|ha|di|thoi|roi|day|dau|luon|ngay|nay|do|ban|loa|oi|o day|viec nay|khai bao|khai|bao|lai|nua))*"
STOP_PATTERNS = tuple(re.compile(p) for p in (
    rf"^(?:thoi |thui )?{_WHO}{_WANT}(?:dung lai|dung han|dung khai|dung o day|dung day|ngung|ngung lai|tam dung|"
    rf"tam ngung|thoi|thui|thoi khoi|thoi bo di|bo di){_TAIL}$",
    rf"^(?:thoi |thui )?{_WHO}(?:khong|ko|k|hong|hok|khg|kg|chang|khoi)(?: muon| can)? "
    rf"(?:khai|khai bao|lam|tra loi|can|dien|lam tiep|khai tiep)(?: bao| tiep| nua| gi)* nua{_TAIL}$",
    rf"^(?:thoi |thui )?{_WHO}(?:khong|ko|k) can nua{_TAIL}$",
    rf"^(?:thoi|thui) {_WHO}(?:khong|ko|k) can{_TAIL}$",
    rf"^(?:thoi |thui |vay |the )?{_WHO}(?:{_WANT})?(?:de (?:sau|luc khac|khi khac|mai|lat nua|lat|hom khac)|"
    rf"(?:khai|lam|tra loi) (?:sau|luc khac|khi khac|mai)|luc khac|khi khac|lat nua){_TAIL}$",
    r"^(?:please |ok |okay )?(?:i (?:want|would like|d like|wanna|need) to |let me |can i |i )?"
    r"(?:stop|quit|end|pause|exit)(?: (?:this|it|now|here|please|the declaration|declaring))*$",
    r"^(?:maybe |ok |okay )?(?:later|not now|another time|some other time|never ?mind|forget it|"
    r"i ?(?:ll|will) (?:do|finish|continue) (?:it|this) later|i ?(?:ll|will) come back later)(?: please| thanks)?$",
))


def wants_to_stop(turn: Turn) -> bool:
    """True when the message asks to stop what is going on ("thôi", "không khai nữa", "dừng lại", "để sau",
    "stop", "I want to stop"); a button is never a way of stopping."""
    if turn.payload:
        return False
    raw = turn.text.lower().strip(" .!?")
    if raw in ("dừng", "ngừng", "ngưng", "tôi muốn dừng", "em muốn dừng"):
        return True  # with its diacritics "dừng" cannot be "đúng" (right)
    folded = fold(turn.text).strip(" !?.")
    return any(p.match(folded) for p in STOP_PATTERNS)


# "Cho tôi gặp cán bộ", "gap nhan vien", "talk to a person": the citizen wants a person, whatever flow is on.
_STAFF_WHO = r"(?:can bo|nhan vien|tu van vien|nguoi that|nguoi|tong dai vien|ban quan ly|bac si|y te|ai do)"
STAFF_PATTERNS = tuple(re.compile(p) for p in (
    rf"^(?:alo |a lo )?(?:cho |xin |giup )?{_WHO}{_WANT}(?:duoc )?(?:gap|noi chuyen voi|noi chuyen|lien he|lien lac|"
    rf"ket noi voi|ket noi|chat voi|hoi|nhan tin voi|gap truc tiep) {_STAFF_WHO}(?: (?:that|truc tiep|dang truc))?"
    rf"{_TAIL}$",
    r"^(?:can i |could i |i (?:want|would like|d like|wanna|need) to |please let me |let me |i )?"
    r"(?:talk|speak|chat) (?:to|with) (?:a |an |the |some |your )?(?:real )?"
    r"(?:person|human|staff|staff member|agent|operator|someone|somebody|officer|people)(?: please)?$",
    r"^(?:a |real )?(?:human|person|operator|agent)(?: please)?$",
))


def wants_staff(turn: Turn) -> bool:
    """True when the message asks for a person ("cho toi gap can bo", "talk to a person", /staff)."""
    if turn.payload:
        return turn.payload == "/staff"
    folded = fold(turn.text).strip(" !?.")
    return any(p.match(folded) for p in STAFF_PATTERNS)
