"""Free text outside a flow: one NLU interface, intents mapped to actions, low confidence asked back."""
from __future__ import annotations

import logging

from bot import faq, quarantine_rules
from bot.turn import Turn
from core import clock
from core.i18n import N_, format_date

log = logging.getLogger(__name__)
INTENT_TITLES = {
    "declare_health": N_("Health declaration"), "ask_tracing_call": N_("About a tracing call"),
    "verify_caller": N_("Is this caller genuine?"), "report": N_("Report something"),
    "subscribe": N_("Announcements"), "talk_to_staff": N_("Talk to staff"), "menu": N_("Menu"),
}
INTENT_PAYLOADS = {
    "declare_health": "/declare", "ask_tracing_call": "/tracing", "verify_caller": "/verify",
    "report": "/report", "subscribe": "/subscribe", "unsubscribe": "/unsubscribe", "talk_to_staff": "/staff",
    "menu": "/menu", "greet": "/start", "change_language": "/lang",
}
MAX_CHARS = 1000


def parse(turn: Turn, text: str):
    """The NLU's reading of `text`: Rasa through nlu.client, or the keyword matcher without one."""
    try:
        from nlu.client import get_client
    except ImportError:
        from bot.keywords import classify
        from types import SimpleNamespace

        intent, confidence = classify(text)
        return SimpleNamespace(intent=intent, confidence=confidence, ranking=[(intent, confidence)], source="keywords")
    # The whole text: the client keeps a long letter's beginning and its end, where the question is.
    return get_client(turn.settings).parse(text, turn.lang)


def faq_readings(turn: Turn, result) -> list:
    """The FAQ topics a message asks, in the citizen's order ("... có tiêm được không, và con tôi có được đi học
    không?" -> two), the reading of the whole message standing for its own topic."""
    try:
        from nlu.split import topics_in_order
    except ImportError:
        return [result]
    return topics_in_order(lambda question: parse(turn, question), turn.text, result)


def record_question(turn: Turn, reason: str, result=None) -> None:
    """Queue the question for the curators with what the NLU thought."""
    try:
        from nlu.models import UnansweredQuestion
    except ImportError:
        return
    ranking = [list(r) for r in (getattr(result, "ranking", None) or [])][:5]
    turn.db.add(UnansweredQuestion(channel=turn.channel, citizen_id=turn.citizen.id, text=turn.text[:MAX_CHARS],
                                   language=turn.lang, predictions=ranking, reason=reason))


def answer_faq(turn: Turn, topic: str, result=None) -> None:
    """The vetted answer in the citizen's language, unless it expired (then staff follow up)."""
    # Expiry is judged on the provincial calendar, not the server's (UTC) one.
    answer = faq.get_answer(topic, turn.lang, hotline=turn.settings.hotline_number,
                            today=clock.local_now(turn.settings).date())
    if answer is None or answer.expired:
        record_question(turn, "expired_answer" if answer else "no_answer", result)
        turn.say(turn._("The guidance on this is being updated. Staff will follow up with you; for urgent help call %(hotline)s.",
                        hotline=turn.settings.hotline_number))
        return
    source = turn._("Source: %(source)s (%(authority)s).", source=answer.source, authority=answer.authority)
    if answer.updated:
        source += " " + turn._("Updated %(date)s.", date=format_date(answer.updated, turn.lang, "dd/MM/yyyy"))
    if topic in quarantine_rules.TOPICS:
        turn.session.told = sorted({*turn.session.told, "quarantine"})
        direct = quarantine_rules.direct_answer(turn)
        if direct:
            # The citizen said who they are: the rule for them, not the general text (which is about F0).
            turn.say(f"{direct}\n\n{source}")
            return
    turn.say(f"{answer.text}\n\n{source}")


def ask_back(turn: Turn, result) -> None:
    """Low confidence: offer the three likeliest topics; the second miss in a row gets the menu with examples of
    questions to rephrase, and a button to ask a person (a citizen is never handed to staff without asking)."""
    from bot.menu import show_menu

    record_question(turn, "low_confidence", result)
    turn.session.misses += 1
    if turn.session.misses >= 2:
        turn.session.misses = 0
        show_menu(turn, greeting=False, intro=turn._(
            "Sorry, I still did not understand. Try asking in a few words, for example:\n"
            "- How many days of quarantine for F1?\n- I want to make a health declaration\n"
            "- Someone called me about tracing: is it genuine?\nTo ask a person, press 'Talk to staff'."))
        return
    buttons = []
    for intent, _confidence in (getattr(result, "ranking", None) or []):
        if intent.startswith("faq/") and intent in faq.TITLES:
            buttons.append((faq.title(intent, turn.lang), f"/faq:{intent.split('/', 1)[1]}"))
        elif intent in INTENT_TITLES:
            buttons.append((turn._(INTENT_TITLES[intent]), INTENT_PAYLOADS[intent]))
        if len(buttons) == 3:
            break
    buttons.append((turn._("Talk to staff"), "/staff"))
    turn.say(turn._("Sorry, I did not understand. Did you mean one of these?"), buttons)


def not_for_us(turn: Turn, result) -> None:
    """A confidently out-of-scope question: say what Loa is for and show the menu; not a miss, so it never
    hands a citizen to staff, but the curators still see it."""
    from bot.menu import show_menu

    record_question(turn, "out_of_scope", result)
    show_menu(turn, greeting=False, intro=turn._(
        "I can only help with the epidemic: health declarations, questions about COVID-19, tracing calls and "
        "reports to the authorities. For other matters, please contact the office in charge."))


# A message that is no answer to the question asked, read with at least this confidence as one of these
# intents, means the citizen moved on: leave the flow (a declaration is set aside) and act on it.
LEAVE_CONFIDENCE = 0.7
LEAVING_INTENTS = {"ask_tracing_call", "verify_caller", "report", "subscribe", "unsubscribe", "change_language",
                   "talk_to_staff", "menu"}
# Inside a declaration, "I have a fever" or a question about symptoms belongs to the answers: never a way out.
DECLARING = {"declaration"}
OWN_INTENTS = {"report": {"report"}, "subscribe": {"subscribe"}, "link_phone": {"ask_tracing_call", "verify_caller"},
               "household": {"declare_health"}}


def moved_on(turn: Turn, flow_name: str):
    """The NLU's reading of a message that did not answer the step, when it clearly asks for something else."""
    if turn.payload or turn.near_miss or turn.channel == "voice" or not any(ch.isalpha() for ch in turn.text):
        return None
    result = parse(turn, turn.text)
    intent, words = result.intent, len(turn.text.split())
    if result.confidence < LEAVE_CONFIDENCE or intent in OWN_INTENTS.get(flow_name, ()):
        return None
    # One or two words are too little to read a new request from ("de sau" once read as a FAQ at 0.73),
    # except a language's name.
    if intent in LEAVING_INTENTS and (words >= 2 or intent == "change_language"):
        return result
    if flow_name not in DECLARING and words >= 3 and (intent == "declare_health" or intent.startswith("faq/")):
        return result
    return None
