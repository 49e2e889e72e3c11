"""The hotline: the Twilio number's voice URL and every keypad step after it.

/voice/incoming   a call arrives: Vietnamese (1, or nothing) or English (2)
/voice/language   -> the main menu
/voice/menu       1 declare (the engine's declaration by keypad), 2 questions, 3 a tracing call, 4 report, 0 the CDC
/voice/declare    each key of the declaration, through ivr.twiml to bot.engine
/voice/faq, /voice/lookup, /voice/report   the other branches; /voice/recorded stores a spoken report
/voice/cdc/after  the <Dial> ended: nobody answered -> voicemail; /voice/voicemail stores it
Every route checks X-Twilio-Signature; a call's state lives in Redis (ivr.call_state); no step makes a
network call other than Redis and the database, so TwiML comes back in milliseconds.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from rq import Retry

from bot.messages import Inbound
from core.i18n import translator
from core.redis_conn import get_queue, get_redis
from ivr import call_state, cdc, menus, twiml
from ivr.hotline_records import save_voice_report, speak_reference
from ivr.notify import send_lookup_sms
from ivr.signature import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("ivr_hotline", __name__, url_prefix="/voice")


# --- helpers ----------------------------------------------------------------------------------
def _settings():
    return current_app.config["LOA_SETTINGS"]


def _url(name: str) -> str:
    return f"{_settings().public_url.rstrip('/')}/voice/{name}"


def _xml(response) -> Response:
    return Response(str(response), mimetype="text/xml")


def _digits() -> str:
    return "" if request.args.get("noinput") else request.form.get("Digits", "")


def _save(call: dict) -> None:
    call_state.save(get_redis(_settings()), call["sid"], call)


def _load() -> dict:
    """The call named by CallSid; an unknown or expired call starts again in Vietnamese."""
    sid = request.form.get("CallSid") or request.args.get("CallSid") or "unknown"
    call = call_state.load(get_redis(_settings()), sid)
    return call or call_state.new_call(sid, request.form.get("From"))


def _ask(call: dict, plan: dict, at: str) -> Response:
    """Remember the plan and where its keys go, and render it."""
    if plan["mode"] == "giveup":
        return _give_up(call)
    call["plan"], call["at"] = plan, at
    _save(call)
    return _xml(twiml.render(plan, call["lang"], _url(at)))


def _main_menu(call: dict, say_first: list[str] | None = None) -> Response:
    return _ask(call, menus.main(call["lang"], say_first), "menu")


def _menu_choice(call: dict, at: str) -> tuple[str | None, Response | None]:
    """The payload of the key pressed in a hotline menu, or the response that asks again."""
    payload, again = twiml.pick(call["plan"], _digits(), call["lang"])
    return (payload, None) if payload else (None, _ask(call, again, at))


def _give_up(call: dict) -> Response:
    """Three failed answers: a person takes over when the CDC is open, else a polite goodbye."""
    _ = translator(call["lang"])
    response = cdc.dial(_settings(), call, _url("cdc/after"), _("Let me connect you to the CDC. Please hold."))
    if response is not None:
        call["at"] = "cdc"
        _save(call)
        return _xml(response)
    return _xml(twiml.say_and_hang_up(call["lang"], _("Sorry, we could not get your choice. Please call again later. In an emergency, call 115. Goodbye.")))


def _connect_cdc(call: dict) -> Response:
    _ = translator(call["lang"])
    response = cdc.dial(_settings(), call, _url("cdc/after"), _("Connecting you to the provincial CDC. Please hold."))
    if response is None:
        return _voicemail(call, "closed")
    call["at"] = "cdc"
    _save(call)
    return _xml(response)


def _voicemail(call: dict, reason: str) -> Response:
    call["alert_id"] = cdc.callback_task(_settings(), call, reason)
    call["at"] = "voicemail"
    _save(call)
    return _xml(cdc.voicemail(call, _url("voicemail"), closed=reason == "closed"))


# --- the call ---------------------------------------------------------------------------------
@bp.route("/incoming", methods=["GET", "POST"])
@twilio_signed
def incoming():
    """A new call: greet and ask for the language."""
    values = request.values
    call = call_state.new_call(values.get("CallSid", "unknown"), values.get("From"), values.get("StirVerstat"))
    _save(call)
    return _xml(menus.language(_settings(), _url("language")))


@bp.post("/language")
@twilio_signed
def language():
    """1 or silence: Vietnamese; 2: English; anything else is asked again (three times at most)."""
    call = _load()
    digits = _digits()
    if digits in ("", "1", "2"):
        call["lang"], call["failures"] = ("en" if digits == "2" else "vi"), 0
        return _main_menu(call)
    call["failures"] = call.get("failures", 0) + 1
    if call["failures"] >= twiml.MAX_FAILURES:
        return _give_up(call)
    _save(call)
    return _xml(menus.language(_settings(), _url("language"), note=True))


@bp.post("/menu")
@twilio_signed
def main_menu():
    """The main menu's choice."""
    call = _load()
    if not call.get("plan") or call.get("at") != "menu":
        return _main_menu(call)
    payload, again = _menu_choice(call, "menu")
    return again or _branch(call, payload)


def _branch(call: dict, payload: str) -> Response:
    settings = _settings()
    lang = call["lang"]
    if payload == "declare":
        return _start_declaration(call)
    if payload == "faq":
        return _ask(call, menus.faq(lang), "faq")
    if payload == "lookup":
        from core.db import session_scope
        from ivr.lookup import calls_to

        with session_scope(settings.database_url) as db:
            calls = calls_to(settings, db, call["caller"]) if call.get("caller") else []
        by_sms = bool(call.get("caller")) and not call.get("attested")
        if by_sms and calls:
            # A caller id can be spoofed: without the carrier's attestation the details go by SMS to the number's
            # owner, never read out to whoever is calling (queued: a view makes no provider call), and the caller
            # hears the same sentence whether or not the number was called (being traced is health data).
            get_queue("calls", settings).enqueue(send_lookup_sms, call["caller"], lang,
                                                 retry=Retry(max=3, interval=[30, 120, 600]))
        return _ask(call, menus.lookup(settings, calls, call.get("caller"), lang, by_sms=by_sms), "lookup")
    if payload == "report":
        return _ask(call, menus.report(lang), "report")
    if payload == "report_scam":
        return _record(call, "scam")
    if payload == "cdc":
        return _connect_cdc(call)
    return _main_menu(call)


# --- 1: the declaration, asked by the engine --------------------------------------------------
def _engine_send(call: dict):
    from bot import engine

    def send(payload: str | None = None, text: str = ""):
        inbound = Inbound(channel="voice", user_id=call["user_id"], kind="button" if payload else "text",
                          payload=payload, text=text, language_code=call["lang"])
        return engine.handle(_settings(), inbound)

    return send


def _start_declaration(call: dict) -> Response:
    from bot import engine

    _ = translator(call["lang"])
    prefill = {"phone": call["caller"]} if call.get("caller") else None
    replies = engine.start_declaration(_settings(), "voice", call["user_id"], call["lang"], prefill=prefill)
    plan = twiml.plan(replies)
    plan["say"] = [_("Please answer the questions with your keypad.")] + plan["say"]
    return _show_declaration(call, plan)


def _show_declaration(call: dict, plan: dict) -> Response:
    from bot import engine

    _ = translator(call["lang"])
    if plan["mode"] == "cdc":
        return _connect_cdc(call)
    if plan["mode"] in ("buttons", "multi", "digits") and \
            engine.session_state(_settings(), "voice", call["user_id"]) is None:
        # The flow is over; what follows is chat navigation, which a call replaces with its own menu.
        plan = {"mode": "end", "say": plan["say"], "ask": ""}
    if plan["mode"] == "end":
        return _main_menu(call, plan["say"])
    return _ask(call, plan, "declare")


@bp.post("/declare")
@twilio_signed
def declare():
    """One keypad answer in the declaration."""
    call = _load()
    if not call.get("plan") or call.get("at") != "declare":
        return _main_menu(call)
    speech = "" if request.args.get("noinput") else request.form.get("SpeechResult", "")
    plan = twiml.next_state(call["plan"], _digits(), _engine_send(call), call["lang"], speech=speech)
    return _show_declaration(call, plan)


# --- 2: questions -----------------------------------------------------------------------------
@bp.post("/faq")
@twilio_signed
def faq():
    """A topic's answer read out (or a promise of a call back when it is out of date), then the topics again."""
    call = _load()
    payload, again = _menu_choice(call, "faq")
    if again:
        return again
    if payload == "menu":
        return _main_menu(call)
    lines, follow_up = menus.faq_answer(_settings(), payload, call["lang"])
    if follow_up and call.get("caller"):
        cdc.callback_task(_settings(), call, f"question {payload}: answer under review")
    return _ask(call, menus.faq(call["lang"], lines), "faq")


# --- 3: a call from the tracing centre --------------------------------------------------------
@bp.post("/lookup")
@twilio_signed
def lookup():
    """After the lookup: 1 does the health check (or reports a suspicious call), 9 the main menu."""
    call = _load()
    payload, again = _menu_choice(call, "lookup")
    return again or _branch(call, payload)


# --- 4: reports -------------------------------------------------------------------------------
@bp.post("/report")
@twilio_signed
def report():
    """The report's category, then the recording."""
    call = _load()
    payload, again = _menu_choice(call, "report")
    if again:
        return again
    return _main_menu(call) if payload == "menu" else _record(call, payload)


def _record(call: dict, category: str, note: str = "") -> Response:
    call["category"], call["at"] = category, "recorded"
    _save(call)
    return _xml(menus.record_prompt(call["lang"], _url("recorded"), note))


@bp.post("/recorded")
@twilio_signed
def recorded():
    """Store the spoken report and give its reference; silence asks again (three times at most)."""
    call = _load()
    _ = translator(call["lang"])
    recording = request.form.get("RecordingUrl")
    if request.args.get("noinput") or not recording:
        call["failures"] = call.get("failures", 0) + 1
        if call["failures"] >= twiml.MAX_FAILURES:
            return _give_up(call)
        return _record(call, call.get("category", "other"), _("I did not hear a message."))
    call["failures"] = 0
    reference = save_voice_report(_settings(), call, recording, request.form.get("RecordingDuration"))
    thanks = _("Thank you. Your report is recorded with reference %(ref)s. Staff will look into it.",
               ref=speak_reference(reference))
    return _main_menu(call, [thanks])


# --- 0: the CDC -------------------------------------------------------------------------------
@bp.post("/cdc/after")
@twilio_signed
def cdc_after():
    """The <Dial> ended: a finished conversation says goodbye, anything else leaves a voicemail."""
    call = _load()
    status = request.form.get("DialCallStatus", "no-answer")
    if status == "completed":
        _ = translator(call["lang"])
        return _xml(twiml.say_and_hang_up(call["lang"], _("Thank you for calling. Goodbye.")))
    return _voicemail(call, status)


@bp.post("/voicemail")
@twilio_signed
def voicemail():
    """Attach the voicemail to the callback task and end the call."""
    call = _load()
    _ = translator(call["lang"])
    recording = request.form.get("RecordingUrl")
    if recording and call.get("alert_id") and not request.args.get("noinput"):
        cdc.attach_voicemail(_settings(), call["alert_id"], recording, request.form.get("RecordingDuration"))
        return _xml(twiml.say_and_hang_up(call["lang"], _("Thank you. The CDC will call you back. Goodbye.")))
    closing = _("The CDC will call you back. Goodbye.") if call.get("caller") else _("Please call again later. Goodbye.")
    return _xml(twiml.say_and_hang_up(call["lang"], closing))
