"""The Twilio stand-in: the REST API Loa's twilio library talks to (base URL {sandbox}/twilio), plus controls.

REST (HTTP Basic auth AccountSid:AuthToken, else 401 / 20003; form bodies; JSON answers, snake_case):
  POST /twilio/2010-04-01/Accounts/{sid}/Calls.json             create a call → 201, status "queued"
  GET  /twilio/2010-04-01/Accounts/{sid}/Calls.json             list (To=, Status= filters)
  GET  /twilio/2010-04-01/Accounts/{sid}/Calls/{CA..}.json      fetch
  POST /twilio/2010-04-01/Accounts/{sid}/Calls/{CA..}.json      Status=completed|canceled hangs up
  POST /twilio/2010-04-01/Accounts/{sid}/Messages.json          send an SMS → 201, status "queued"
  GET  /twilio/2010-04-01/Accounts/{sid}/Messages[/{SM..}].json list / fetch
Errors: {"code", "message", "more_info", "status"} with the HTTP status (21211 bad To, 21610 opted out...).
Controls (no auth):
  POST /_sandbox/twilio/script         call outcomes and knobs (see sandbox.twilio_script); GET shows them
  POST /_sandbox/twilio/sms_script     SMS delivery outcomes (see sandbox.twilio_sms)
  POST /_sandbox/twilio/incoming_call  {"from", "to"?, "digits"?, "url"?, "method"?, "hangup_after_digits"?,
                                        "dial_status"?, "stir_verstat"?} a person calls the hotline; answers the
                                        finished call (stir_verstat e.g. "TN-Validation-Passed-A"; none by default)
  POST /_sandbox/twilio/incoming_sms   {"from", "to"?, "body", "url"?} a person texts us (STOP/START handled)
  GET  /_sandbox/calls[?to=]           calls with history, outcome, answered_by, transcript, callbacks sent
  GET  /_sandbox/sms[?to=&direction=]  messages (outbound-api, outbound-reply, inbound) with callbacks sent
Webhooks are signed with X-Twilio-Signature (sandbox.twilio_common.sign), the TwiML is walked by
sandbox.twiml_walker.
"""
from __future__ import annotations

import threading

from flask import Blueprint, current_app, jsonify, request

from sandbox.twilio_call_run import incoming
from sandbox.twilio_calls import CallEngine, TwilioError
from sandbox.twilio_common import API_VERSION, error, normalize_phone
from sandbox.twilio_sms import SmsEngine

bp = Blueprint("twilio", __name__)
API = f"/twilio/{API_VERSION}/Accounts/<account>"
_lock = threading.Lock()
_engines: dict = {}


def _calls() -> CallEngine:
    with _lock:
        if "calls" not in _engines:
            _engines["calls"] = CallEngine()
        return _engines["calls"]


def _sms() -> SmsEngine:
    calls = _calls()
    with _lock:
        if "sms" not in _engines:
            _engines["sms"] = SmsEngine(lambda: calls.scripts.knob("delay_scale"))
        return _engines["sms"]


def reset() -> None:
    """Stop every call and SMS thread and forget calls, scripts, messages and opt-outs."""
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.shutdown()


def _settings():
    return current_app.config["LOA_SETTINGS"]


@bp.errorhandler(TwilioError)
def _twilio_error(exc: TwilioError):
    return error(exc.status, exc.code, exc.message)


@bp.before_request
def _authenticate():
    """The REST API needs Basic auth with the account's sid and auth token, like api.twilio.com."""
    if not request.path.startswith("/twilio/"):
        return None
    settings, auth = _settings(), request.authorization
    if not auth or auth.username != settings.twilio_account_sid or auth.password != settings.twilio_auth_token:
        resp = error(401, 20003, "Authenticate", detail="Your AccountSid or AuthToken was incorrect.")
        resp.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        return resp
    if request.view_args and request.view_args.get("account") not in (None, settings.twilio_account_sid):
        return error(404, 20404, f"The requested resource {request.path[len('/twilio'):]} was not found")
    return None


def _resource_only(view: dict) -> dict:
    """A sandbox view without the sandbox's extra fields, as the REST API shows it."""
    extra = ("history", "outcome", "transcript", "callbacks", "url", "events", "status_callback", "auto_reply")
    return {k: v for k, v in view.items() if k not in extra}


def _page(key: str, items: list[dict]) -> dict:
    """A list answer shaped like Twilio's v2010 pages (the library reads the one non-meta key)."""
    uri = request.path[len("/twilio"):]
    return {key: items, "first_page_uri": uri, "next_page_uri": None, "previous_page_uri": None, "page": 0,
            "page_size": max(50, len(items)), "start": 0, "end": max(0, len(items) - 1), "uri": uri}


@bp.post(f"{API}/Calls.json")
def create_call(account: str):
    """Queue an outbound call; it progresses in the background at the configured CPS."""
    settings = _settings()
    call = _calls().create(settings.twilio_account_sid, settings.twilio_auth_token, request.form)
    return jsonify(call.resource()), 201


@bp.get(f"{API}/Calls.json")
def list_calls(account: str):
    """Calls, newest first, filtered by To and Status when given."""
    to, status = normalize_phone(request.args.get("To")), request.args.get("Status")
    calls = [c for c in reversed(_calls().listing(to)) if (not status or c["status"] == status)]
    return jsonify(_page("calls", [_resource_only(c) for c in calls]))


@bp.get(f"{API}/Calls/<sid>.json")
def fetch_call(account: str, sid: str):
    """One call resource."""
    return jsonify(_calls().get(sid).resource())


@bp.post(f"{API}/Calls/<sid>.json")
def update_call(account: str, sid: str):
    """Hang up (Status=completed) or cancel (Status=canceled) a call."""
    return jsonify(_calls().hang_up(sid, request.form.get("Status")).resource())


@bp.post(f"{API}/Messages.json")
def send_message(account: str):
    """Send an SMS: 201 queued, then sent/delivered callbacks; 400 21610 if the person texted STOP."""
    settings = _settings()
    return jsonify(_sms().send(settings.twilio_account_sid, settings.twilio_auth_token, request.form)), 201


@bp.get(f"{API}/Messages.json")
def list_messages(account: str):
    """Messages, newest first, filtered by To when given."""
    items = reversed(_sms().listing(normalize_phone(request.args.get("To"))))
    return jsonify(_page("messages", [_resource_only(m) for m in items]))


@bp.get(f"{API}/Messages/<sid>.json")
def fetch_message(account: str, sid: str):
    """One message resource."""
    return jsonify(_sms().get(sid))


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("send a JSON object")
    return body


@bp.errorhandler(ValueError)
def _bad_request(exc: ValueError):
    return jsonify(ok=False, error=str(exc)), 400


@bp.route("/_sandbox/twilio/script", methods=["GET", "POST"])
def script():
    """Script call outcomes per number, the default outcome, CPS, concurrency, delay scale and hold."""
    engine = _calls()
    if request.method == "POST":
        body = _json_body()
        changed = engine.scripts.apply(body)
        if "hold" in changed:
            engine.set_hold(engine.scripts.knob("hold"))
        if {"cps", "max_concurrent"} & set(changed):
            with engine.cond:
                engine.cond.notify_all()
    return jsonify(ok=True, **engine.scripts.snapshot())


@bp.post("/_sandbox/twilio/sms_script")
def sms_script():
    """Script SMS delivery outcomes per number and by default."""
    _sms().apply_script(_json_body())
    return jsonify(ok=True)


@bp.post("/_sandbox/twilio/incoming_call")
def incoming_call():
    """A person calls Loa's number: the TwiML is walked now; answers the call with its transcript."""
    settings = _settings()
    call = incoming(_calls(), settings.twilio_account_sid, settings.twilio_auth_token, _json_body(),
                    settings.twilio_from_number, f"{settings.public_url.rstrip('/')}/voice/incoming")
    return jsonify(call.view())


@bp.post("/_sandbox/twilio/incoming_sms")
def incoming_sms():
    """A person texts Loa's number: opt-out keywords applied, the SMS forwarded signed to Loa."""
    settings, body = _settings(), _json_body()
    url = body.get("url") or f"{settings.public_url.rstrip('/')}/webhooks/sms"
    return jsonify(_sms().receive(settings.twilio_account_sid, settings.twilio_auth_token, body,
                                  settings.twilio_from_number, url))


@bp.get("/_sandbox/calls")
def sandbox_calls():
    """Every call with its status history, outcome, transcript and status callbacks (?to= filters)."""
    return jsonify(_calls().listing(normalize_phone(request.args.get("to")) or request.args.get("to")))


@bp.get("/_sandbox/sms")
def sandbox_sms():
    """Every SMS with its status history and callbacks (?to=, ?direction= filter)."""
    to = request.args.get("to")
    return jsonify(_sms().listing(normalize_phone(to) or to, request.args.get("direction")))
