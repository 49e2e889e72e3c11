"""The main menu and the few words that work anywhere (cancel, back, menu, language)."""
from __future__ import annotations

import re

from bot.text import fold
from bot.turn import Turn

CANCEL_WORDS = {"huy", "huy bo", "cancel", "thoat", "/cancel", "quit", "exit", "dung lai"}
BACK_WORDS = {"/back", "quay lai", "back", "tro lai", "lui lai", "lui"}
MENU_WORDS = {"menu", "/menu", "/help", "help", "tro giup", "danh muc", "chuc nang"}
# A citizen coming back to an unfinished flow says hello first; that is not an answer (nor a full name).
GREET_WORDS = {"xin chao", "chao", "chao ban", "chao loa", "alo", "hello", "hi", "hey", "xin chao loa"}
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
        intro = turn._("Hello! I am Loa, the epidemic assistant of %(province)s.", province=_province(turn)) if greeting \
            else turn._("What would you like to do?")
    turn.say(intro + "\n" + turn._("Choose an option below or type your question."), buttons)


def _province(turn: Turn) -> str:
    from bot.places import province_name

    return province_name(turn.settings.province_code)


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
