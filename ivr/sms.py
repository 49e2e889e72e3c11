"""SMS webhooks: inbound texts reach the same pipeline as chat (verify, parse, dedupe, inbox, engine).

POST /webhooks/sms         a citizen's text; carrier keywords handled first (STOP opts out, START opts in)
POST /webhooks/sms/status  delivery status callbacks -> MessageLog receipts; 21610 marks the number stopped
Outcomes as every webhook: 403 bad signature, 400 malformed (bot.channels.twilio_forms: a sid, number or status
not shaped as Twilio sends it, a key sent twice), 200 accepted/ignored, 500 when Redis is down.
Twilio reads our answer as TwiML, so the body is an empty <Response/>: replies go out through the API.
"""
from __future__ import annotations

import logging

import redis
from flask import Blueprint, Response, current_app, request

from bot import inbox
from bot.channels import ParseError, get_adapter
from bot.channels.sms import form
from bot.webhooks import UNREADABLE, default_handler, read_body
from ivr.signature import candidate_urls
from ivr.sms_keywords import keyword_action, opt_in, opt_out

log = logging.getLogger(__name__)
bp = Blueprint("ivr_sms", __name__)
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _answer(status: int = 200, outcome: str = "accepted") -> Response:
    response = Response(EMPTY if status == 200 else outcome, status=status,
                        mimetype="text/xml" if status == 200 else "text/plain")
    response.headers["X-Loa-Outcome"] = outcome  # for people and tests reading the exchange
    return response


def _verified_body():
    """(settings, adapter, body) for a correctly signed request, or (None, None, None)."""
    settings = current_app.config["LOA_SETTINGS"]
    adapter = get_adapter("sms", settings)
    body = read_body(settings.max_body_bytes)
    # The URL Twilio signed: the public URL, a proxy's X-Forwarded-* one, or the one we were reached at.
    signature = request.headers.get("X-Twilio-Signature", "")
    params = form(body)
    if not signature or not any(adapter.validator.validate(url, params, signature)
                                for url in candidate_urls(settings.public_url)):
        log.warning("sms webhook with a bad signature from %s", request.remote_addr)
        return None, None, None
    return settings, adapter, body


@bp.post("/webhooks/sms")
def receive_sms():
    """One inbound SMS: keywords first, everything else queued for the engine."""
    settings, adapter, body = _verified_body()
    if settings is None:
        return _answer(403, "forbidden")
    try:
        inbounds = adapter.parse(body)
    except ParseError as exc:
        return _answer(400, f"bad request: {exc}")
    except Exception:  # noqa: BLE001 - a reader's bug: the same body retried would fail again, so no 500
        log.exception("sms webhook body could not be read")
        return _answer(400, f"bad request: {UNREADABLE}")
    inbound = inbounds[0]
    action = keyword_action(settings, inbound.user_id, inbound.text)
    if action == "stop":
        opt_out(settings, inbound.user_id, inbound.text)
        return _answer(outcome="opted_out")  # Twilio itself sends the confirmation
    if action == "start":
        opt_in(settings, inbound.user_id)
        return _answer(outcome="opted_in")
    try:
        new = inbox.accept(settings, inbounds, handler=default_handler(settings))
    except redis.RedisError:
        log.exception("sms webhook not queued: Redis unavailable")
        return _answer(500, "try again")
    return _answer(outcome="accepted" if new else "duplicate")


@bp.post("/webhooks/sms/status")
def sms_status():
    """A delivery status: delivered/read become receipts; 21610 (opted out) marks the number stopped."""
    settings, adapter, body = _verified_body()
    if settings is None:
        return _answer(403, "forbidden")
    try:
        receipts = adapter.parse_status(body)
    except ParseError as exc:
        return _answer(400, f"bad request: {exc}")
    except Exception:  # noqa: BLE001 - as above
        log.exception("sms status body could not be read")
        return _answer(400, f"bad request: {UNREADABLE}")
    values = form(body)
    if values.get("ErrorCode") == "21610":
        opt_out(settings, values["To"], "21610")
    if not receipts:
        return _answer(outcome="ignored")
    try:
        inbox.accept(settings, receipts, handler=default_handler(settings))
    except redis.RedisError:
        log.exception("sms status not queued: Redis unavailable")
        return _answer(500, "try again")
    return _answer()
