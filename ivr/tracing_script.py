"""The tracing call itself (TwiML): who are you, what your status means, then the keypad health check.

/voice/tracing/answer    Twilio fetched our Url: a machine gets the hotline message, a person the identity check
/voice/tracing/identity  1: it is them -> status and meaning, then the engine's declaration; 2: wrong person; 9: opt out;
                         silence or another key asks again, the third failure says goodbye (we call back later)
/voice/tracing/step      each key of the health check, given to the engine (bot.engine) through ivr.twiml;
                         after symptoms or danger signs: press 1 to be connected to the provincial CDC now
/voice/tracing/cdc-after the <Dial> to the CDC ended: goodbye after a conversation, else staff will call back
Nothing said here ever names or hints at the confirmed case (F0).
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request
from sqlalchemy import func, update

from bot.messages import Inbound
from core.db import session_scope
from core.i18n import translator
from core.redis_conn import get_redis
from ivr import dialer, script_text, twiml
from ivr.models import CallAttempt, TracingContact
from ivr.signature import twilio_signed
from ivr.status import set_outcome

bp = Blueprint("ivr_tracing", __name__, url_prefix="/voice/tracing")
STATE_KEY = "loa:ivr:trace:{sid}"
STATE_TTL_S = 3600


def _twiml(response) -> Response:
    return Response(str(response), mimetype="text/xml")


def _url(name: str, attempt_id: int, contact_id: int, **extra) -> str:
    settings = current_app.config["LOA_SETTINGS"]
    query = "&".join([f"contact={contact_id}", f"attempt={attempt_id}", *(f"{k}={v}" for k, v in extra.items())])
    return f"{settings.public_url.rstrip('/')}/voice/tracing/{name}?{query}"


def _load_call():
    """(settings, contact, attempt) named by the URL, or None when they do not belong together."""
    settings = current_app.config["LOA_SETTINGS"]
    attempt_id, contact_id = request.args.get("attempt", type=int), request.args.get("contact", type=int)
    with session_scope(settings.database_url) as session:
        attempt = session.get(CallAttempt, attempt_id) if attempt_id else None
        contact = session.get(TracingContact, contact_id) if contact_id else None
        if attempt is None or contact is None or attempt.contact_id != contact.id:
            return None
        session.expunge_all()
    dialer.slots(settings).renew(dialer.slot_name(attempt.id), dialer.CALL_LEASE_S)
    return settings, contact, attempt


def _record(attempt_id: int, outcome: str | None = None, answered_by: str | None = None) -> None:
    settings = current_app.config["LOA_SETTINGS"]
    with session_scope(settings.database_url) as session:
        if answered_by:
            session.execute(update(CallAttempt).where(CallAttempt.id == attempt_id)
                            .values(answered_by=func.coalesce(CallAttempt.answered_by, answered_by)))
        if outcome:
            set_outcome(session, attempt_id, outcome)


def _identity_prompt(settings, contact, attempt, retry: int, prefix: list[str] | None = None):
    from twilio.twiml.voice_response import VoiceResponse

    url = _url("identity", attempt.id, contact.id, retry=retry)
    response = VoiceResponse()
    gather = response.gather(action=url, method="POST", input="dtmf", num_digits=1, timeout=twiml.KEY_TIMEOUT_S)
    for sentence in (prefix or []) + script_text.identity(settings, contact, retry):
        twiml.say(gather, sentence, contact.language)
    response.redirect(twiml.twiml_url(url, noinput=1), method="POST")
    return response


@bp.post("/answer")
@twilio_signed
def answer():
    """The call was answered: a machine gets the short hotline message, a person the identity check."""
    loaded = _load_call()
    if loaded is None:
        return _twiml(twiml.say_and_hang_up("vi"))
    settings, contact, attempt = loaded
    answered_by = request.form.get("AnsweredBy", "")
    _record(attempt.id, answered_by=answered_by or None)
    if answered_by.startswith(("machine", "fax")):
        _record(attempt.id, outcome="machine")
        return _twiml(twiml.say_and_hang_up(contact.language, *script_text.machine(settings, contact.language)))
    return _twiml(_identity_prompt(settings, contact, attempt, retry=0))


@bp.post("/identity")
@twilio_signed
def identity():
    """1: the right person; 2: somebody else; 9: no more automated calls; nothing: ask again (three tries)."""
    loaded = _load_call()
    if loaded is None:
        return _twiml(twiml.say_and_hang_up("vi"))
    settings, contact, attempt = loaded
    _ = translator(contact.language)
    digits = "" if request.args.get("noinput") else request.form.get("Digits", "")
    retry = request.args.get("retry", 0, type=int)
    if digits == "1":
        _record(attempt.id, outcome="reached")
        return _twiml(_start_check(settings, contact, attempt))
    if digits == "2":
        _record(attempt.id, outcome="wrong_person")
        return _twiml(twiml.say_and_hang_up(contact.language, _("Sorry to have troubled you. Thank you, goodbye.")))
    if digits == "9":
        from ivr.store import add_opt_out

        with session_scope(settings.database_url) as session:
            add_opt_out(session, contact.phone, "voice", "pressed 9 on a tracing call")
        _record(attempt.id, outcome="opted_out")
        return _twiml(twiml.say_and_hang_up(contact.language, *script_text.opted_out(settings, contact.language)))
    if retry < twiml.MAX_FAILURES - 1:  # three tries in all, then a polite goodbye
        prefix = [_("Sorry, that key is not valid.")] if digits else []
        return _twiml(_identity_prompt(settings, contact, attempt, retry=retry + 1, prefix=prefix))
    _record(attempt.id, outcome="no_confirmation")
    return _twiml(twiml.say_and_hang_up(contact.language, _("We will call you again later. Goodbye.")))


def _start_check(settings, contact, attempt):
    from bot import engine

    replies = engine.start_declaration(settings, channel="voice", user_id=contact.phone, lang=contact.language,
                                       prefill={"full_name": contact.name, "phone": contact.phone,
                                                "commune_code": contact.commune_code,
                                                "tracing_contact_id": contact.id})
    state = twiml.plan(replies)
    state["say"] = script_text.status(settings, contact, attempt) + state.get("say", [])
    return _show(settings, contact, attempt, state)


def _show(settings, contact, attempt, state: dict):
    """Store the plan for the next key and answer its TwiML; the end of the check says goodbye."""
    _ = translator(contact.language)
    sid = request.form.get("CallSid", f"attempt-{attempt.id}")
    if state["mode"] == "end":
        from ivr.tracing_alerts import alert_if_symptomatic

        # Any symptom on a tracing call: staff are alerted and the CDC is offered, once per call. Without
        # the `offered` mark, declining (or silence) ended the offer, came back here and offered again: for ever.
        if alert_if_symptomatic(settings, contact, attempt) and not state.get("offered"):
            state = {"mode": "urgent", "say": state.get("say", []), "ask": "", "failures": 0, "urgent": True,
                     "then": {"mode": "end", "say": [], "ask": "", "failures": 0, "urgent": False, "offered": True}}
    if state["mode"] == "end":
        return twiml.say_and_hang_up(contact.language, *state.get("say", []), _("Thank you. Goodbye."))
    if state["mode"] == "giveup":
        return twiml.say_and_hang_up(contact.language, *script_text.unfinished(settings, contact.language))
    if state["mode"] == "cdc":
        return script_text.connect_cdc(settings, contact.language, _url("cdc-after", attempt.id, contact.id))
    get_redis(settings).set(STATE_KEY.format(sid=sid), json.dumps(state, ensure_ascii=False), ex=STATE_TTL_S)
    return twiml.render(state, contact.language, _url("step", attempt.id, contact.id))


@bp.post("/step")
@twilio_signed
def step():
    """One keypad answer in the health check (or the CDC offer that follows symptoms)."""
    loaded = _load_call()
    if loaded is None:
        return _twiml(twiml.say_and_hang_up("vi"))
    settings, contact, attempt = loaded
    _ = translator(contact.language)
    sid = request.form.get("CallSid", f"attempt-{attempt.id}")
    raw = get_redis(settings).get(STATE_KEY.format(sid=sid))
    if not raw:
        return _twiml(twiml.say_and_hang_up(contact.language, _("Thank you. Goodbye.")))
    digits = "" if request.args.get("noinput") else request.form.get("Digits", "")

    def send(payload: str | None = None, text: str = ""):
        from bot import engine

        kind = "button" if payload else "text"
        return engine.handle(settings, Inbound(channel="voice", user_id=contact.phone, kind=kind,
                                               payload=payload, text=text))

    before = json.loads(raw)
    speech = "" if request.args.get("noinput") else request.form.get("SpeechResult", "")
    state = twiml.next_state(before, digits, send, contact.language, speech=speech)
    if before.get("offered") or before["mode"] == "urgent":
        state = {**state, "offered": True}  # the CDC was offered on this call (by the engine or by us)
    return _twiml(_show(settings, contact, attempt, state))


@bp.post("/cdc-after")
@twilio_signed
def cdc_after():
    """The <Dial> to the CDC ended: a conversation says goodbye, nobody answering promises a call back."""
    loaded = _load_call()
    lang = loaded[1].language if loaded else "vi"
    return _twiml(script_text.after_cdc(lang, request.form.get("DialCallStatus", "no-answer")))
