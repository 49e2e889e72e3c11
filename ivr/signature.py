"""X-Twilio-Signature checking for every voice and SMS webhook (twilio's RequestValidator); 403 otherwise.
Voice requests are then checked against bot.channels.twilio_forms.VoiceStep: a malformed one is a 400."""
from __future__ import annotations

import functools
import logging

from flask import Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from bot.channels import ParseError
from bot.channels.schema import check
from bot.channels.twilio_forms import VoiceStep, multidict_fields

log = logging.getLogger(__name__)


def _path_with_query() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def candidate_urls(public_url: str) -> list[str]:
    """The URLs Twilio may have signed: the configured public URL, the proxy's forwarded one, the raw one."""
    tail = _path_with_query()
    urls = [public_url.rstrip("/") + tail]
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
    host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
    if proto or host:
        # Behind a proxy the request we see is not the one Twilio made: rebuild it from the headers.
        urls.append(f"{proto or request.scheme}://{host or request.host}{tail}")
    urls.append(request.host_url.rstrip("/") + tail)
    return list(dict.fromkeys(urls))


def is_valid(settings) -> bool:
    """True when the current request carries a valid X-Twilio-Signature for any URL it may have been sent to."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(settings.twilio_auth_token)
    if request.mimetype == "application/json":
        params = request.get_data(as_text=True)
    else:
        params = request.form
    return any(validator.validate(url, params, signature) for url in candidate_urls(settings.public_url))


def form_problem(model) -> str | None:
    """What is wrong with this request's parameters for `model` (a bot.channels.twilio_forms schema), or None."""
    try:
        check(model, multidict_fields(request.values))
    except ParseError as exc:
        return str(exc)
    return None


def twilio_signed(view):
    """Decorator: answer 403 unless the request is signed by Twilio with our auth token."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        settings = current_app.config["LOA_SETTINGS"]
        if not is_valid(settings):
            log.warning("rejected unsigned or badly signed Twilio request to %s", request.path)
            abort(403)
        problem = form_problem(VoiceStep)
        if problem:
            log.warning("rejected a malformed Twilio request to %s: %s", request.path, problem)
            return Response(f"bad request: {problem}", status=400, mimetype="text/plain")
        return view(*args, **kwargs)

    return wrapper
