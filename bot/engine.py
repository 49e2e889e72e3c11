"""The one brain for every channel: an Inbound in, a list of Replies out.

Each message walks the ROUTES table in order; the first route whose test holds acts. Flows are
tables of steps (bot/flows); sessions live in Redis, records in the database.
"""
from __future__ import annotations

from typing import Callable

from bot import button_steps, faq, handoff_talk, identities, quarantine_rules, symptom_story
from bot.flows.base import Flow
from bot.flows.declaration import DECLARATION, answer_phone, parse_phone
from bot.identities import vouched_phone
from bot.flows.household import HOUSEHOLD
from bot.flows.report import REPORT, guess_category, start_with_photo
from bot.flows.subscription import SUBSCRIBE, unsubscribe
from bot.data_requests import request_deletion, wants_deletion
from bot.handoff_talk import hand_over
from bot.language_guess import follow_language
from bot.leaving import ask_for_staff, leave_flow, stop
from bot.media_replies import answer_media, is_media
from bot.menu import (BACK_WORDS, CANCEL_WORDS, CONTINUE_WORDS, GREET_WORDS, MENU_WORDS, is_word, language_asked,
                      language_named, show_menu, wants_staff, wants_to_stop)
from bot.messages import Button, Inbound, Reply
from bot.session import ConversationSession
from bot.text import clean, fold
from bot.tracing_answers import LINK_PHONE, answer_tracing, pasted_number
from bot.turn import Turn
from bot.understand import INTENT_PAYLOADS, answer_faq, faq_readings, ask_back, moved_on, not_for_us, parse
from core.db import session_scope
from core.i18n import LANGUAGES, normalize_language
from core.models import utcnow
from core.redis_conn import get_redis
from core.settings import Settings

FLOWS: dict[str, Flow] = {f.name: f for f in (DECLARATION, HOUSEHOLD, REPORT, SUBSCRIBE, LINK_PHONE)}


# --- the routes: (test, action), first match wins -----------------------------------------------
def is_receipt(turn: Turn) -> bool:
    """Delivery and seen receipts are bookkeeping, not conversation."""
    return turn.inbound.kind in ("delivered", "seen")


def ignore(turn: Turn) -> None:
    """Nothing to say."""


def on_unfollow(turn: Turn) -> None:
    """The citizen left: stop sending to this address."""
    turn.identity.stopped_at, turn.identity.stopped_reason = utcnow(), "unfollowed"


def greet(turn: Turn) -> None:
    """A new follower, /start or hello: the menu (an unfinished declaration is kept for 'continue')."""
    turn.identity.stopped_at = turn.identity.stopped_reason = None
    leave_flow(turn)
    show_menu(turn)


def cancel(turn: Turn) -> None:
    """Drop the current flow (or, outside a flow, the paused one) and show the menu."""
    had_flow = bool(turn.session.flow or turn.session.paused)
    if turn.session.flow:
        turn.session.end()  # a declaration set aside earlier stays: only what is on screen is cancelled
    else:
        turn.session.paused = None
    turn.say(turn._("Cancelled.") if had_flow else turn._("There is nothing to cancel."))
    show_menu(turn, greeting=False)


def switch_language(turn: Turn) -> None:
    """Answer in the other language from now on (and remember it for the citizen)."""
    lang = language_asked(turn)
    turn.session.lang = turn.citizen.language = lang
    turn.session.typed = True  # a language chosen is never overridden by guessing from a first message
    turn.say(turn._("I will answer in English.") if lang == "en" else turn._("Tôi sẽ trả lời bằng tiếng Việt."))
    if turn.session.flow:
        FLOWS[turn.session.flow].step(turn.session.step).ask(turn)
    else:
        show_menu(turn, greeting=False)


def go_back(turn: Turn) -> None:
    """One step back in the current flow."""
    if not FLOWS[turn.session.flow].back(turn):
        turn.say(turn._("This is the first question."))
        FLOWS[turn.session.flow].step(turn.session.step).ask(turn)


def resume_typed(turn: Turn) -> None:
    """"tiep tuc" typed after stopping: the declaration set aside, where it was left."""
    turn.inbound.payload = "/continue"
    run_command(turn)


def menu(turn: Turn) -> None:
    """Leave the flow (a declaration can be continued later) and show the menu."""
    leave_flow(turn)
    show_menu(turn, greeting=False)


def continue_flow(turn: Turn) -> None:
    """Give the message to the flow's current step (a phone shared early in a declaration is kept)."""
    flow = FLOWS[turn.session.flow]
    if turn.inbound.kind == "contact" and turn.session.flow == "declaration" and turn.session.step != "phone":
        # Telegram's contact button and Zalo's info card can be pressed at any time: keep the number
        # (the phone question is then skipped) and ask the current question again.
        if answer_phone(turn):
            turn.say(turn._("Thank you, your phone number is saved."))
        flow.step(turn.session.step).ask(turn)
        return
    before = len(turn.replies)
    if flow.advance(turn) or turn.session.flow != flow.name:
        return
    result = moved_on(turn, flow.name)
    if result is None:
        return
    del turn.replies[before:]  # the question asked again is not what the citizen wants now
    if result.intent == "change_language":
        switch_to_named_language(turn)  # stays in the flow: the question comes again in the new language
        return
    leave_flow(turn)
    act_on(turn, result)


def switch_to_named_language(turn: Turn) -> None:
    """A typed request to change language: the one it names, else the other one."""
    turn.inbound.payload = "/lang:" + (language_named(turn.text) or ("vi" if turn.lang == "en" else "en"))
    switch_language(turn)


def talk_in_handoff(turn: Turn) -> None:
    """While a hand-off is open the citizen talks to staff; menu words, "huy", "bot" or a button leave it."""
    if handoff_talk.leaves(turn):
        if not handoff_talk.leave(turn):
            route(turn)  # a button pressed (or /start): the bot acts on it now the hand-off is left
        return
    if wants_staff(turn):
        turn.session.handoff_ack_at = None  # asking again always gets the reference back
    handoff_talk.join(turn)


def answer_media_here(turn: Turn) -> None:
    """A sticker, voice note, file or video: what Loa does with it, then the question on screen or the menu."""
    flow = FLOWS.get(turn.session.flow or "")
    answer_media(turn, ask_again=(lambda t: flow.step(t.session.step).ask(t)) if flow else None)


def run_command(turn: Turn) -> None:
    """A button payload outside a flow."""
    payload = turn.payload or ""
    head, _, arg = payload.partition(":")
    if head == "/declare" and turn.session.paused and arg != "new":
        # Starting over would silently throw away the answers given so far: ask first.
        turn.say(turn._("You have an unfinished declaration. Continue it, or start a new one?"),
                 [(turn._("Continue my declaration"), "/continue"), (turn._("Start a new declaration"), "/declare:new")])
    elif head == "/declare":
        turn.session.paused = None
        DECLARATION.start(turn, {"phone": turn.citizen.phone} if turn.citizen.phone else None)
    elif head == "/continue":
        if turn.session.resume():
            FLOWS[turn.session.flow].step(turn.session.step).ask(turn)
        else:
            show_menu(turn, greeting=False)
    elif head == "/faq" and arg:
        answer_faq(turn, f"faq/{arg}")
    elif head == "/faq":
        turn.say(turn._("Type your question, or choose a topic:"),
                 [(title, f"/faq:{topic.split('/', 1)[1]}") for topic, title in faq.top_topics(6, turn.lang)])
    elif head in ("/tracing", "/verify"):
        answer_tracing(turn, verify=head == "/verify")
    elif head == "/report":
        REPORT.start(turn, {"category": arg} if arg else None)
    elif head == "/subscribe":
        SUBSCRIBE.start(turn)
    elif head == "/unsubscribe":
        unsubscribe(turn)
    elif head == "/staff":
        hand_over(turn)
    elif head in ("/menu", "/start"):
        show_menu(turn, greeting=head == "/start")
    else:
        show_menu(turn, greeting=False)


def understand_free_text(turn: Turn) -> None:
    """Free text: the NLU's intent becomes an action; low confidence is asked back."""
    if turn.inbound.media_url and start_with_photo(turn):
        return
    if turn.inbound.kind in ("image", "location", "contact") and not turn.text:
        if turn.inbound.phone:
            take_shared_contact(turn)
        else:
            show_menu(turn, greeting=False)
        return
    if not any(ch.isalnum() for ch in turn.text) or (turn.text.isdigit() and len(turn.text) <= 3):
        # An emoji, a sticker or a "👍" after an answer is not a question, nor is "4" typed for an option that
        # is no longer on offer (numbered lists on SMS): the menu, no miss, nothing for the curators.
        show_menu(turn, greeting=False)
        return
    if symptom_story.is_story(turn):
        symptom_story.answer(turn)  # kindness and what to do first; the declaration is offered, not imposed
        return
    if quarantine_rules.asks_for_the_rule(turn):
        answer_faq(turn, "faq/quarantine")  # "F1 thì cách ly mấy ngày?", "F2 thì sao?" right after one
        return
    if pasted_number(turn.text):
        # A number pasted on its own is almost always "this number called me: is it you?".
        answer_tracing(turn, verify=True)
        return
    act_on(turn, parse(turn, turn.text))


def take_shared_contact(turn: Turn) -> None:
    """A contact shared outside a flow: kept only when the provider vouches it is the sender's own number."""
    phone = parse_phone(turn) if vouched_phone(turn.inbound) else None
    if phone:
        identities.link_phone(turn.db, turn.identity, phone)
        turn.say(turn._("Thank you, your phone number is saved."))
    elif turn.inbound.phone and not vouched_phone(turn.inbound):
        turn.say(turn._("I can only save your own phone number: press the button to share your own contact."),
                 ask="contact")


def act_on(turn: Turn, result) -> None:
    """The action for the NLU's reading of a free-text message; low confidence is asked back."""
    intent, confidence = result.intent, result.confidence
    if intent == "out_of_scope" and confidence >= turn.settings.nlu_confidence_threshold:
        not_for_us(turn, result)
        return
    if intent in ("nlu_fallback", "out_of_scope") or confidence < turn.settings.nlu_confidence_threshold:
        ask_back(turn, result)
        return
    turn.session.misses = 0
    if intent.startswith("faq/"):
        for reading in faq_readings(turn, result):  # two questions in one message: both answered, in order
            answer_faq(turn, reading.intent, reading)
    elif intent == "change_language":
        switch_to_named_language(turn)
    elif intent in ("thanks", "goodbye"):
        turn.say(turn._("You're welcome. Stay safe!") if intent == "thanks" else turn._("Goodbye. Stay safe!"))
    elif intent in ("affirm", "deny"):
        show_menu(turn, greeting=False)
    elif intent == "report" and len(turn.text) > 40:
        # The message already says what happened; its words usually say what kind of report it is.
        guessed = guess_category(turn.text)
        REPORT.start(turn, {"text": turn.text, **({"category": guessed} if guessed != "other" else {})})
    else:
        turn.inbound.payload = INTENT_PAYLOADS.get(intent, "/menu")
        run_command(turn)


ROUTES: tuple[tuple[Callable[[Turn], bool], Callable[[Turn], None]], ...] = (
    (is_receipt, ignore),
    (lambda t: t.inbound.kind == "unfollow", on_unfollow),
    (lambda t: handoff_talk.active(t) is not None, talk_in_handoff),
    (lambda t: t.inbound.kind in ("follow", "start") or t.payload == "/start", greet),
    (lambda t: bool(t.session.flow) and is_word(t, GREET_WORDS), greet),
    (lambda t: is_word(t, CANCEL_WORDS), cancel),
    (lambda t: t.channel != "voice" and wants_to_stop(t), stop),
    (lambda t: not t.payload and wants_deletion(t), request_deletion),
    (lambda t: language_asked(t) is not None, switch_language),
    (lambda t: t.channel != "voice" and not t.payload and wants_staff(t), ask_for_staff),
    (lambda t: bool(t.session.flow) and t.session.flow in FLOWS and is_word(t, BACK_WORDS), go_back),
    (lambda t: is_word(t, MENU_WORDS), menu),
    (lambda t: bool(t.session.paused) and not t.session.flow and is_word(t, CONTINUE_WORDS), resume_typed),
    (is_media, answer_media_here),
    (lambda t: bool(t.session.flow), continue_flow),
    (lambda t: bool(t.payload), run_command),
    (lambda t: True, understand_free_text),
)


def ignore_stale_button(turn: Turn) -> None:
    """A button pressed for an earlier question (or twice): never taken as the answer to the current one."""
    turn.say(turn._("That button was for an earlier question."))
    if turn.session.flow in FLOWS:
        FLOWS[turn.session.flow].step(turn.session.step).ask(turn)
    else:
        show_menu(turn, greeting=False)


def _remember_offered(session: ConversationSession, replies: list[Reply]) -> None:
    # SMS and voice answer by number, chat users often type a button's title: remember the last buttons.
    with_buttons = [r for r in replies if r.buttons]
    buttons: list[Button] = with_buttons[-1].buttons if with_buttons else []
    session.offered = [b.payload for b in buttons]
    session.offered_titles = {fold(b.title.lstrip("✓ ")): b.payload for b in buttons}


def _run(settings: Settings, inbound: Inbound, act: Callable[[Turn], None], lang: str | None = None) -> list[Reply]:
    client = get_redis(settings)
    inbound.text = clean(inbound.text)
    with session_scope(settings.database_url) as db:
        code = (inbound.language_code or "").replace("_", "-").split("-")[0].lower()
        first_lang = code if code in LANGUAGES else settings.default_language  # DEFAULT_LANGUAGE for the rest
        identity = identities.ensure(db, inbound.channel, inbound.user_id, inbound.display_name, first_lang)
        session = ConversationSession.load(client, inbound.channel, inbound.user_id)
        session.lang = lang or session.lang or identity.citizen.language
        turn = Turn(settings, db, client, identity, session, inbound)
        if act is route:
            follow_language(turn)
        if button_steps.untag(turn):
            act(turn)
        else:
            ignore_stale_button(turn)
        button_steps.tag(turn)
        _remember_offered(session, turn.replies)
        session.save(client, settings.session_ttl_s)
        return turn.replies


def route(turn: Turn) -> None:
    """Walk the ROUTES table and act on the first match."""
    for test, action in ROUTES:
        if test(turn):
            if action not in (ignore, understand_free_text):
                turn.session.misses = 0  # only unclear questions in a row go to staff, not two days apart
            action(turn)
            return


def handle(settings: Settings, inbound: Inbound) -> list[Reply]:
    """Understand one inbound message and return what to say back."""
    return _run(settings, inbound, route)


def start_declaration(settings: Settings, channel: str, user_id: str, lang: str,
                      prefill: dict | None = None) -> list[Reply]:
    """Begin a declaration directly (a hotline menu choice or a tracing call), with known answers prefilled."""
    inbound = Inbound(channel=channel, user_id=user_id, kind="command")
    return _run(settings, inbound, lambda turn: DECLARATION.start(turn, prefill), lang=normalize_language(lang))


def session_state(settings: Settings, channel: str, user_id: str) -> str | None:
    """The flow the citizen is in, or None when no flow is running."""
    return ConversationSession.load(get_redis(settings), channel, user_id).flow
