"""Questions about tracing calls on chat: why did Loa call me, is this caller genuine."""
from __future__ import annotations

import re

from bot.flows.base import Flow, Step
from bot import phone_codes
from bot.flows.declaration import parse_phone
from bot.identities import link_phone, vouched_phone
from bot.phones import national
from bot.service import service_name
from bot.turn import Turn
from core.i18n import N_, format_datetime

WHY = {"F1": N_("you were listed as a close contact (F1) of a confirmed case"),
       "F2": N_("you were listed as a contact of a close contact (F2)"),
       "returnee": N_("you were listed as returning from an epidemic area")}


def _calls(turn: Turn) -> list:
    try:
        from ivr.lookup import calls_to
    except ImportError:  # the voice front end is not installed
        return []
    return calls_to(turn.settings, turn.db, turn.citizen.phone)


# A number written in a question: "so 0283 6000 115", "+84 28...", "(+84) 987...", "1900.9095" (8 digits or more).
_NUMBER = re.compile(r"(?<![\d+(])(?:\(\+?\d{2,3}\)[ .-]?)?\+?\d[\d .-]{6,16}\d(?!\d)")


def asked_number(text: str) -> str | None:
    """The phone number a citizen asks about in `text` ("is 0283... your number?"), as written; None if none."""
    for match in _NUMBER.finditer(text or ""):
        if len(re.sub(r"\D", "", match.group())) >= 8:
            return match.group().strip()
    return None


def pasted_number(text: str) -> str | None:
    """The number when a message is nothing but a phone number ("0283 6000 115", "(+84) 987.654.321")."""
    number = asked_number(text)
    return number if number and not re.sub(r"[\d\s().+-]", "", text) else None


def _verdict(turn: Turn, number: str) -> str:
    from ivr.lookup import is_our_number  # the caller ids and hotline are the voice front end's

    service = service_name(turn.settings, turn.lang)
    if is_our_number(turn.settings, number):
        return turn._("Yes: %(number)s is a number of %(service)s, so a call from it is genuine.", number=number,
                      service=service)
    return turn._("%(number)s is not a number of %(service)s. Be careful: do not pay or share codes, and report it if they asked.",
                  number=number, service=service)


def _genuine(turn: Turn) -> str:
    return turn._("The tracing calls of %(service)s come only from %(number)s and the hotline %(hotline)s. Health staff never ask for money, bank details or OTP codes.",
                  service=service_name(turn.settings, turn.lang), number=national(turn.settings.twilio_from_number),
                  hotline=turn.settings.hotline_number)


def answer_tracing(turn: Turn, verify: bool = False, from_question: bool = True) -> None:
    """Answer from the citizen's call records when the phone is linked, else explain and ask to link it.

    A question about a given number ("is 0283... yours?") first gets a verdict on that number."""
    number = asked_number(turn.text) if verify and from_question else None
    ours = bool(number) and _is_ours(turn, number)
    if number:
        turn.say(_verdict(turn, number))
    if not turn.citizen.phone:
        turn.say(turn._("The provincial tracing centre calls close contacts (F1, F2) and people back from epidemic areas to check their health. It never tells you who the case is.")
                 + "\n" + _genuine(turn))
        LINK_PHONE.start(turn, {"verify": verify})
        return
    calls = _calls(turn)
    told_before = "tracing" in turn.session.told
    turn.session.told = sorted({*turn.session.told, "tracing"})
    if calls:
        reasons = [turn._("On %(when)s we called you because %(why)s.", when=format_datetime(call.when, turn.lang),
                          why=turn._(WHY.get(call.classification, WHY["F1"]))) for call in calls[:3]]
        if told_before:
            # Asked again: the facts in one line, and what else can be done, not the same block word for word.
            turn.say(turn._("As I said, the call was genuine.") + " " + " ".join(reasons) + "\n"
                     + turn._("If you want to know more about it, a member of staff can answer you."),
                     [(turn._("Health declaration"), "/declare"), (turn._("Talk to staff"), "/staff")])
            return
        lines = [turn._("Yes, this was a genuine call from the provincial tracing centre."), *reasons,
                 turn._("We never tell anyone who the confirmed case is."),
                 turn._("You can do the health check now: type 'khai bao'.")]
        turn.say("\n".join(lines), [(turn._("Health declaration"), "/declare")])
    elif ours:
        # The number that called is ours, so the call was genuine: it was about someone else's number (a family
        # member's phone, a number given by the case) or it is not in our records yet. Never "it may be a scam".
        turn.say(turn._("We find no call to your own number: the call may have been about another number, for example a family member's. If you are unsure what it was about, call the hotline %(hotline)s.",
                        hotline=turn.settings.hotline_number),
                 [(turn._("Health declaration"), "/declare"), (turn._("Talk to staff"), "/staff")])
    elif told_before:
        turn.say(turn._("As I said, we have no record of calling your number. If someone asks you for money or codes, it is a scam."),
                 [(turn._("Report something"), "/report"), (turn._("Talk to staff"), "/staff")])
    else:
        turn.say(turn._("We have no record of calling your number. If someone claimed to be from the health authorities, it may be a scam: do not pay or share codes, and report it.")
                 + "\n" + _genuine(turn), [(turn._("Report something"), "/report")])


def _is_ours(turn: Turn, number: str) -> bool:
    from ivr.lookup import is_our_number  # the caller ids and hotline are the voice front end's

    return is_our_number(turn.settings, number)


def ask_phone_to_check(turn: Turn) -> None:
    """Ask for the phone number the tracing centre would have called, with the share-contact button."""
    turn.say(turn._("Share your phone number and I will check whether we called you. If you type it instead, I will send a code to it by SMS to make sure it is yours."),
             ask="contact")


def check_calls(turn: Turn) -> None:
    """The number is proven the citizen's: answer the question the citizen asked."""
    verify = bool(turn.session.data.get("verify"))
    turn.session.end()
    # The text now is the citizen's own number or code; any verdict on an asked-about one came with the question.
    answer_tracing(turn, verify, from_question=False)


def _move_on(turn: Turn) -> bool:
    """The citizen moved on (a new question, "no thanks", a button): leave quietly and take the message as new."""
    from bot.engine import route  # the engine imports this module

    turn.session.end()
    route(turn)
    return False


def take_number_to_check(turn: Turn) -> bool:
    """The number to check: linked at once when the provider vouches it is the sender's, else a code goes to it.

    A typed number (or someone else's contact) opens nothing until the code sent to it is typed back."""
    if not (turn.inbound.phone or (not turn.payload and any(ch.isdigit() for ch in turn.text))):
        return _move_on(turn)
    phone = parse_phone(turn)
    if phone is None:
        return False
    if (turn.inbound.phone and vouched_phone(turn.inbound)) or phone == turn.citizen.phone:
        link_phone(turn.db, turn.identity, phone)
        return True
    result = phone_codes.send_code(turn.settings, turn.redis, turn.channel, turn.inbound.user_id, phone, turn.lang)
    if result == phone_codes.SENT:
        turn.session.data["pending"] = phone
        return True
    if result == phone_codes.NOT_VIETNAMESE:
        turn.say(turn._("I can only check a Vietnamese number here. For another number, please call the hotline %(hotline)s.",
                        hotline=turn.settings.hotline_number))
    elif result == phone_codes.TOO_MANY:
        turn.say(turn._("Too many codes were sent to this number today. Please try again tomorrow, or call the hotline %(hotline)s.",
                        hotline=turn.settings.hotline_number))
    else:
        turn.say(turn._("I could not send a code to this number just now. Please try again later, or call the hotline %(hotline)s.",
                        hotline=turn.settings.hotline_number))
    turn.session.end()
    return False


def ask_code(turn: Turn) -> None:
    """Ask for the code sent by SMS to the typed number."""
    turn.say(turn._("I have sent a code by SMS to %(number)s. Type it here to show the number is yours.",
                    number=national(turn.session.data["pending"])))


def answer_code(turn: Turn) -> bool:
    """The code typed back: right links the number; wrong says how many tries are left; used up ends the check."""
    digits = "".join(ch for ch in turn.text if ch.isdigit())
    if not digits and not turn.inbound.phone:
        return _move_on(turn)
    if not 4 <= len(digits) <= 8:
        turn.say(turn._("Please type the 6-digit code from the SMS."))
        return False
    result, left = phone_codes.check_code(turn.settings, turn.redis, turn.channel, turn.inbound.user_id, digits)
    if result == phone_codes.OK:
        link_phone(turn.db, turn.identity, turn.session.data["pending"])
        return True
    if result == phone_codes.WRONG:
        turn.say(turn._("That code is not right. Tries left: %(left)s.", left=left))
        return False
    turn.say(turn._("That code is no longer valid. Ask me about the call again to get a new code.") + "\n" + _genuine(turn))
    turn.session.end()
    return False


# A flow like the others, so language, back, cancel and menu work while it waits for the number or the code.
LINK_PHONE = Flow("link_phone", (
    Step("phone", ask_phone_to_check, take_number_to_check),
    Step("code", ask_code, answer_code, skip=lambda t: not t.session.data.get("pending")),
), check_calls)
