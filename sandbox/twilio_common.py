"""What the Twilio stand-in's parts share: webhook signing and sending, error bodies, sids, dates, phone checks."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import urlencode

import httpx
from flask import Response, jsonify

from sandbox import keys

API_VERSION = "2010-04-01"
WEBHOOK_TIMEOUT_S = 15.0  # Twilio waits 15 s for a webhook answer
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_http = httpx.Client(timeout=WEBHOOK_TIMEOUT_S, follow_redirects=False)


def sign(auth_token: str, url: str, params: dict | None) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 over the URL then each sorted param name+value (C.4)."""
    s = url
    for name in sorted(set(params or {})):
        values = params[name] if isinstance(params[name], (list, tuple)) else [params[name]]
        for value in sorted(set(str(v) for v in values)):
            s += name + value
    mac = hmac.new(auth_token.encode("utf-8"), s.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def send_webhook(auth_token: str, url: str, params: dict, method: str = "POST") -> tuple[int, str]:
    """Make one signed webhook request as Twilio does; (status, body). GET puts the params in the query string."""
    keys.own("twilio_auth_token", auth_token)  # never forge a webhook a production Loa would accept
    method = (method or "POST").upper()
    headers = {"User-Agent": "TwilioProxy/1.1", "Accept": "*/*", "I-Twilio-Idempotency-Token": secrets.token_hex(16)}
    if method == "GET":
        # A GET is signed over the full URL with the parameters already in its query string, and no body params.
        full = url + ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        headers["X-Twilio-Signature"] = sign(auth_token, full, {})
        resp = _http.get(full, headers=headers)
    else:
        headers["X-Twilio-Signature"] = sign(auth_token, url, params)
        resp = _http.post(url, data=params, headers=headers)
    return resp.status_code, resp.text


def error(status: int, code: int, message: str, **extra) -> Response:
    """A Twilio REST error: {"code","message","more_info","status"} with the same HTTP status."""
    resp = jsonify(code=code, message=message, more_info=f"https://www.twilio.com/docs/errors/{code}", status=status,
                   **extra)
    resp.status_code = status
    return resp


def new_sid(prefix: str) -> str:
    """A Twilio-shaped sid: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def rfc2822(when: datetime | None = None) -> str:
    """A date as Twilio writes it: 'Mon, 23 Nov 2026 01:58:03 +0000'."""
    return format_datetime(when or datetime.now(timezone.utc))


def normalize_phone(raw: str | None) -> str | None:
    """The E.164 form of a number as Twilio accepts it (spaces, dashes, dots, brackets ignored), or None."""
    if not raw:
        return None
    cleaned = re.sub(r"[\s().-]", "", raw)
    return cleaned if E164.match(cleaned) else None
