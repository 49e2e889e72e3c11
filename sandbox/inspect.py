"""The sandbox's own endpoints (/_sandbox/...): see what was sent, make users act, inject faults.

GET  /_sandbox/messages?channel=zalo|telegram&user_id=U[&wait=S&min=N][&raw=1]
     Messages delivered to a user, oldest first: a JSON list of {message_id, channel, user_id, kind, text,
     buttons: [{title, payload, type}], time (ISO 8601), ...}. kind: text | buttons | keyboard |
     request_user_info | image | file | transaction | promotion. Zalo button payloads are the oa.query.show
     payload (URL / phone for open buttons); Telegram's are callback_data, reply-keyboard buttons give their
     text, or "__contact__" / "__location__" for share buttons; a Zalo request_user_info card gives one
     "__contact__" button. `wait` long-polls up to S seconds until at least `min` (default 1) exist.
     `raw=1` adds the request body the provider saw (`raw`) and Telegram's Message object (`message`).
POST /_sandbox/faults       JSON object (or a list of them), applied in order; answers the channel's knobs:
     {"channel": "zalo", "user_id": "U", "blocked": true}              -> sends answer -217
     {"channel": "zalo", "user_id": "U", "followed": false}            -> -213 (unfollowed)
     {"channel": "zalo", "user_id": "U", "exists": false}              -> -213 (unknown user)
     {"channel": "zalo", "user_id": "U", "last_interaction_days_ago": 8}  -> cs sends answer -230
     {"channel": "zalo", "expire_tokens": true}                         -> every access token now gives -216
     {"channel": "zalo", "token_ttl_s": 2}                              -> tokens issued from now live 2 s
     {"channel": "zalo", "reset_tokens": true}                          -> forget issued tokens
     {"channel": "zalo", "fail_next": {"count": 2, "error": -32}}       -> next 2 API calls: Zalo error -32
     {"channel": "zalo", "fail_next": {"count": 1, "status": 503}}      -> next call: HTTP 503
     {"channel": "zalo", "fail_next": {"count": 1, "status": 429, "retry_after": 5}}
     {"channel": "zalo", "rate_limit": {"calls": 100, "period_s": 60}}  -> -32 beyond that; "off" lifts it
     {"channel": "zalo", "emit_received": true}                         -> user_received_message after sends
     {"channel": "zalo", "unknown_users": "reject"}                     -> never-seen users get -213
     {"channel": "zalo", "promotion_window": "08:00-22:00"}             -> promotion outside -> -234
     {"channel": "zalo", "strict_seed": true}                           -> configured RT single-use too
     {"channel": "zalo", "webhook_url": "http://...", "webhook_retry_delays": [0.1, 0.2], "webhook_timeout_s": 2}
     {"channel": "telegram", "user_id": "42", "blocked": true}          -> 403 bot was blocked by the user
     {"channel": "telegram", "user_id": "42", "exists": false}          -> 400 chat not found
     {"channel": "telegram", "user_id": "42", "deactivated": true}      -> 403 user is deactivated
     {"channel": "telegram", "fail_next": {"count": 1, "status": 429, "retry_after": 3}}
     {"channel": "telegram", "fail_next": {"count": 1, "status": 502, "method": "sendMessage"}}
     {"channel": "telegram", "rate_limit": {"overall_per_s": 30, "per_chat_per_s": 1, "chat_burst": 5,
                                            "group_per_min": 20}}      -> or "off" for benchmarks
     {"channel": "telegram", "unknown_chats": "reject", "callback_ttl_s": 15, "webhook_retry_delays": [0.2]}
     fail_next rules take optional "user_id" (only calls to that user/chat), "method" (substring of the
     Zalo path such as "message/cs", or the Telegram method name) and "description". Zalo's OAuth endpoint
     only fails for rules with "method": "oauth".
GET  /_sandbox/faults        Knobs, pending injected failures and known users of both channels.
GET  /_sandbox/zalo/token    Currently valid Zalo tokens: access_token, refresh_token (newest), lists, refresh_count.
POST /_sandbox/zalo/emit     {"event_name", "user_id", "text"|"payload"|"phone"+"name"|"latitude"+"longitude"|
     "image_url"|"msg_id"|"msg_ids", "background": false} -> {"event", "delivery"}; signed, POSTed to Loa.
POST /_sandbox/telegram/emit {"kind": text|start|contact|location|callback_query|photo|blocked|unblocked,
     "chat_id", "text", "data", "message_id" (the pressed message, for callback_query), "phone", "latitude",
     "longitude", "language_code", "first_name", "start_param"} -> {"update", "delivery"}.
GET  /_sandbox/deliveries?channel=...   Every webhook delivery attempt (status, error, attempt number).
GET  /_sandbox/telegram/callbacks       Callback queries sent and whether Loa answered them.
POST /_sandbox/reset          (sandbox.app) clears all of the above except issued Zalo tokens.
"""
from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, request

from sandbox import chat_store, faults, telegram_state, webhook_sender, zalo_state
from sandbox.telegram_webhook import emit_update
from sandbox.zalo import emit_event

bp = Blueprint("sandbox_inspect", __name__)
USER_KEYS = {"zalo": {"blocked", "followed", "exists", "last_interaction_days_ago", "display_name"},
             "telegram": {"blocked", "exists", "deactivated", "first_name", "language_code"}}
ACTIONS = {"fail_next", "expire_tokens", "reset_tokens"}
ZALO_EMIT_FIELDS = {"text", "payload", "phone", "name", "info", "latitude", "longitude", "image_url", "attachments",
                    "msg_id", "msg_ids", "quote_msg_id", "timestamp", "source", "tracking_id"}
TELEGRAM_EMIT_FIELDS = {"text", "data", "phone", "latitude", "longitude", "language_code", "first_name",
                        "last_name", "message_id", "callback_id", "contact_user_id", "start_param", "date"}


def _bad(message: str, status: int = 400):
    return jsonify(ok=False, error=message), status


@bp.get("/_sandbox/messages")
def messages():
    """Messages delivered to a user (or a whole channel), oldest first; optionally long-poll with wait/min;
    `after=N` leaves out the first N (a poller's cursor)."""
    channel, user_id = request.args.get("channel"), request.args.get("user_id")
    try:
        after = max(int(request.args.get("after") or 0), 0)
    except ValueError:
        return _bad("after must be a whole number")
    wait = float(request.args.get("wait") or 0)
    if wait > 0:
        found = chat_store.wait_for(channel, user_id, int(request.args.get("min") or 1), min(wait, 60.0))[after:]
    else:
        found = chat_store.messages(channel, user_id, after)
    if request.args.get("raw") not in ("1", "true"):
        found = [{k: v for k, v in m.items() if k not in ("raw", "message")} for m in found]
    return jsonify(found)


def _apply(spec: dict) -> dict:
    """Apply one fault spec; raises ValueError/KeyError on a bad one."""
    spec = dict(spec)
    channel = spec.pop("channel", None)
    if channel not in ("zalo", "telegram"):
        raise ValueError('"channel" must be "zalo" or "telegram"')
    user_id = spec.pop("user_id", None)
    user_changes = {k: spec.pop(k) for k in list(spec) if k in USER_KEYS[channel]}
    if user_changes:
        if user_id is None:
            raise ValueError(f"{sorted(user_changes)} need a user_id")
        _change_user(channel, str(user_id), user_changes)
    if "fail_next" in spec:
        rule = dict(spec.pop("fail_next"))
        if user_id is not None:
            rule.setdefault("user_id", str(user_id))
        faults.fail_next(channel, rule)
    if spec.pop("expire_tokens", False):
        zalo_state.expire_access_tokens(current_app.config["LOA_SETTINGS"].zalo_access_token)
    if spec.pop("reset_tokens", False):
        zalo_state.reset_tokens()
    return faults.configure(channel, spec)  # whatever is left must be a knob of the channel


def _change_user(channel: str, user_id: str, changes: dict) -> None:
    if channel == "zalo":
        days = changes.pop("last_interaction_days_ago", None)
        if days is not None:
            changes["last_interaction"] = time.time() - float(days) * 86400
        zalo_state.set_user(user_id, **changes)
    else:
        try:
            telegram_state.set_chat(int(user_id), **changes)
        except ValueError:
            raise ValueError("a Telegram user_id is the numeric chat id") from None


@bp.post("/_sandbox/faults")
def set_faults():
    """Inject faults / change knobs (see the module docstring for the JSON)."""
    body = request.get_json(silent=True)
    specs = body if isinstance(body, list) else [body]
    if not all(isinstance(s, dict) for s in specs):
        return _bad("send a JSON object or a list of objects")
    applied = []
    for spec in specs:
        try:
            applied.append(_apply(spec))
        except KeyError as exc:
            return _bad(f"unknown fault or knob {exc}")
        except (ValueError, TypeError) as exc:
            return _bad(str(exc))
    return jsonify(ok=True, config=applied[-1] if len(applied) == 1 else applied)


@bp.get("/_sandbox/faults")
def get_faults():
    """Current knobs, pending injected failures and known users of both channels."""
    return jsonify({channel: {"config": faults.config(channel), "pending": faults.pending_failures(channel)}
                    for channel in ("zalo", "telegram")} | {"zalo_users": zalo_state.users()})


@bp.get("/_sandbox/zalo/token")
def zalo_token():
    """The Zalo tokens that work right now (newest last), so tests can follow the rotation."""
    return jsonify(zalo_state.tokens_snapshot())


@bp.post("/_sandbox/zalo/emit")
def zalo_emit():
    """Make a Zalo user do something: build, sign and POST the event to Loa."""
    body = request.get_json(silent=True) or {}
    if not body.get("event_name") or not body.get("user_id"):
        return _bad("event_name and user_id are required")
    fields = {k: v for k, v in body.items() if k in ZALO_EMIT_FIELDS}
    try:
        result = emit_event(current_app.config["LOA_SETTINGS"], body["event_name"], str(body["user_id"]),
                            in_background=bool(body.get("background")), **fields)
    except ValueError as exc:
        return _bad(str(exc))
    return jsonify(result)


@bp.post("/_sandbox/telegram/emit")
def telegram_emit():
    """Make a Telegram user do something: build the Update and deliver it (webhook or getUpdates queue)."""
    body = request.get_json(silent=True) or {}
    kind, chat_id = body.get("kind") or body.get("type"), body.get("chat_id") or body.get("user_id")
    if not kind or chat_id is None:
        return _bad("kind and chat_id are required")
    fields = {k: v for k, v in body.items() if k in TELEGRAM_EMIT_FIELDS}
    try:
        result = emit_update(current_app.config["LOA_SETTINGS"], kind, int(chat_id), **fields)
    except ValueError as exc:
        return _bad(str(exc))
    return jsonify(result)


@bp.get("/_sandbox/deliveries")
def deliveries():
    """Every webhook delivery attempt, oldest first."""
    return jsonify(webhook_sender.deliveries(request.args.get("channel")))


@bp.get("/_sandbox/telegram/callbacks")
def telegram_callbacks():
    """Callback queries the sandbox sent and whether they were answered."""
    return jsonify(telegram_state.callbacks())


def reset() -> None:
    """Forget recorded messages, injected faults, knob changes and the delivery log."""
    chat_store.reset()
    faults.reset()
    webhook_sender.reset()
