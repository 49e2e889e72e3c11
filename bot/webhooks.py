"""Provider webhooks: verify, parse, dedupe, enqueue, and answer in milliseconds.

Outcomes (courier's rules): 403 bad signature, or a signed event not for us now (a Zalo event for another
app_id, or stamped more than 5 minutes from now: a replay), 400 malformed (bad JSON, a wrong type or a
missing field in what we read), 413 too large, 200 accepted or ignored, 500 when it is our fault (Redis down)
so the provider retries. Nothing is queued unless the answer is 200.
"""
from __future__ import annotations

import logging

import redis
from flask import Blueprint, abort, current_app, jsonify, request

from bot import inbox
from bot.channels import ParseError, Refused, get_adapter

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__)
CHANNELS = ("zalo", "telegram")
UNREADABLE = "unreadable payload"  # the fuzz tests fail on it: every refusal should name its reason


def read_body(limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes even when it arrives chunked (no Content-Length)."""
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        # Chunked: Werkzeug's own stream would silently cut the body at the limit, so read the
        # server's de-chunked input directly, one byte past the limit, to tell "too large" apart.
        stream = request.environ["wsgi.input"]
    else:
        stream = request.stream
    parts, size = [], 0
    while size <= limit:  # streams may return short reads; stop at EOF or one byte past the limit
        part = stream.read(min(65536, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        abort(413)
    return b"".join(parts)


def default_handler(settings) -> str | None:
    """The engine path to put in jobs, only when it differs from the workers' default (tests, bench)."""
    from core.settings import Settings

    return None if settings.bot_handler == Settings.bot_handler else settings.bot_handler


@bp.post("/webhooks/<channel>")
def receive(channel: str):
    """Accept one provider event: 200 {"status": "accepted"|"duplicate"|"ignored"}."""
    if channel not in CHANNELS:
        abort(404)
    settings = current_app.config["LOA_SETTINGS"]
    adapter = get_adapter(channel, settings)
    body = read_body(settings.max_body_bytes)
    try:
        if not adapter.verify(request.headers, body):
            log.warning("%s webhook with a bad signature from %s", channel, request.remote_addr)
            return jsonify(error="Forbidden", description="bad signature"), 403
        if hasattr(adapter, "admit"):  # checks beyond the signature (Zalo: our app, sent within 5 minutes)
            adapter.admit(body)
        inbounds = adapter.parse(body)
    except Refused as exc:
        log.warning("%s webhook refused: %s", channel, exc)
        return jsonify(error="Forbidden", description=str(exc)), 403
    except ParseError as exc:
        return jsonify(error="Bad Request", description=str(exc)), 400
    except Exception:  # noqa: BLE001 - a reader's bug: the same body retried would fail again, so no 500
        log.exception("%s webhook body could not be read", channel)
        return jsonify(error="Bad Request", description=UNREADABLE), 400
    if not inbounds:
        return jsonify(status="ignored"), 200
    try:
        new = inbox.accept(settings, inbounds, handler=default_handler(settings))
    except redis.RedisError:
        log.exception("%s webhook not queued: Redis unavailable", channel)
        return jsonify(error="Internal Server Error", description="try again"), 500
    return jsonify(status="accepted" if new else "duplicate", queued=new), 200
