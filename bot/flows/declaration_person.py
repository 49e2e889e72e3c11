"""Who is declared: the full name (without 'tôi tên là', diacritics restored when certain) and the year of birth."""
from __future__ import annotations

from bot.answers import yes_no
from bot.flows.declaration_fields import is_member as _member, is_voice as _is_voice, yes_no_buttons as _yes_no_buttons
from bot.readers.names import read_name, without_preamble
from bot.readers.years import read_birth_year
from bot.text import fold
from bot.flows import name_by_voice
from bot.turn import Turn
from core import clock
from core.i18n import N_


# --- name ---------------------------------------------------------------------------------
def ask_name(turn: Turn) -> None:
    """Ask for the full name (of the household member when declaring for one; on a call, said aloud)."""
    if _member(turn) and turn.channel == "voice":
        name_by_voice.ask(turn)
        return
    if _member(turn):
        turn.say(turn._("Full name of the household member?"))
    else:
        turn.say(turn._("Let's start your health declaration. What is your full name?\n(Type 'cancel' to stop or 'back' to go back at any step.)"))


# Openings of requests, never of Vietnamese or English names (symptom words such as "bi ho" are left
# out on purpose: "Bi Hoàng" is a name).
NOT_NAMES = ("khai bao", "to khai", "declare", "declaration", "phan anh", "to giac", "bao cao", "report",
             "nhan vien", "tu van vien", "staff", "human", "cam on", "thank", "tam biet", "huy dang ky",
             "dang ky nhan", "subscribe", "unsubscribe", "truy vet", "tong dai", "cuoc goi", "xin chao", "hello")


def _confirm_name(turn: Turn, name: str) -> None:
    turn.say(turn._("The name is %(name)s, is that right?", name=name) if _member(turn)
             else turn._("Your name is %(name)s, is that right?", name=name), _yes_no_buttons(turn))


def answer_name(turn: Turn) -> bool:
    """A name has 2-100 characters and some letters; 'tôi tên là' is dropped, diacritics restored when certain,
    and a guessed spelling is confirmed."""
    if turn.channel == "voice":
        return name_by_voice.answer(turn)
    data = turn.session.data
    guess = data.pop("_name_guess", None)
    if guess:
        agreed = yes_no(turn)
        if agreed:
            data["full_name"] = guess
            return True
        if agreed is False:
            # Typed again, the name is taken as written: the citizen has seen our guess and corrected it.
            data["_name_retyped"] = True
            turn.near_miss = True
            turn.say(turn._("Please type the name again as it should be written, for example: Nguyễn Văn An."))
            return False
    text = " ".join(turn.text.split())
    name = without_preamble(text)
    # "khai báo y tế", "cảm ơn", "report": a request typed at the name question is not anybody's name.
    request = fold(text).startswith(NOT_NAMES)
    # Vietnamese names run to five or six words; a longer text or a question is the citizen saying something else.
    sentence = len(name.split()) > 6 or text.endswith("?")
    if request or sentence or not (2 <= len(name) <= 100) or sum(ch.isalpha() for ch in name) < 2 or any(ch.isdigit() for ch in name):
        turn.say(turn._("Please type the full name in letters, for example: Nguyễn Văn An."))
        return False
    reading = read_name(text)
    if not reading.sure and not data.pop("_name_retyped", False):
        data["_name_guess"] = reading.name
        turn.near_miss = True  # the citizen is answering: never read as a request to leave
        _confirm_name(turn, reading.name)
        return False
    data.pop("_name_retyped", None)
    data["full_name"] = reading.name if reading.sure else " ".join(w[:1].upper() + w[1:] for w in name.split())
    return True


# --- year of birth ------------------------------------------------------------------------
def ask_birth_year(turn: Turn) -> None:
    """Ask for the year of birth."""
    turn.say(turn._("Year of birth? (for example: 1985)"), ask="digits")


YEAR_REFUSALS = {
    "future": N_("%(given)s is in the future."),
    "too_old": N_("A year of birth before 1900 is not possible."),
    "age": N_("An age of %(given)s is not possible."),
}


def answer_birth_year(turn: Turn) -> bool:
    """A year between 1900 and this year: '1952', 'nam 52', 'sinh năm 1952', or an age ('72 tuổi', 'I am 72')."""
    this_year = clock.local_now(turn.settings).year
    reading = read_birth_year(turn.text, this_year)
    if reading.year is None:
        why = turn._(YEAR_REFUSALS[reading.reason], given=reading.given) + " " if reading.reason in YEAR_REFUSALS else ""
        # A caller enters digits on the keypad (the call says how); "type" is chat wording.
        turn.say(why + (turn._("Please enter a year of birth between 1900 and %(year)s.", year=this_year) if _is_voice(turn)
                        else turn._("Please type a year of birth between 1900 and %(year)s, for example: 1985.", year=this_year)),
                 ask="digits")
        return False
    turn.session.data["birth_year"] = reading.year
    return True
