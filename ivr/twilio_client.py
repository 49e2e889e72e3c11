"""The twilio library pointed at the configured API base (the sandbox when no credentials are set),
and Twilio's errors mapped onto Loa's closed set of send errors."""
from __future__ import annotations

import threading

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels.errors import AuthFailed, ConnectionFailed, ContactStopped, MessageInvalid, SendError, Throttled
from bot.channels.retry_after import retry_after_seconds
from core.settings import Settings

_clients: dict[tuple, Client] = {}
_lock = threading.Lock()
_last = threading.local()  # headers of this thread's last Twilio answer: its errors do not carry them
# Twilio error codes that mean "this number cannot be called or texted", not "try later".
INVALID_NUMBER_CODES = {21211, 21214, 21215, 21217, 21401, 21407, 21421, 21614, 13223, 13224}
STOPPED_CODES = {21610}


class _HeaderKeepingClient(TwilioHttpClient):
    """TwilioHttpClient that remembers, per thread, the headers of the last answer (for Retry-After)."""

    def request(self, *args, **kwargs):
        """Send as usual; keep the answer's headers."""
        _last.headers = None
        response = super().request(*args, **kwargs)
        _last.headers = response.headers
        return response


def last_retry_after(default: float) -> float:
    """Retry-After of this thread's last Twilio answer (seconds or HTTP-date), or `default`."""
    headers = getattr(_last, "headers", None) or {}
    return retry_after_seconds(headers.get("Retry-After"), default)


def client(settings: Settings) -> Client:
    """One Twilio REST client per process and configuration (it keeps its HTTP connections)."""
    key = (settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base)
    with _lock:
        found = _clients.get(key)
        if found is None:
            http = _HeaderKeepingClient(pool_connections=True, timeout=10)
            found = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http)
            # Leave region/edge unset: they would rewrite the host away from the configured base.
            found.api.base_url = settings.twilio_api_base
            _clients[key] = found
        return found


def classify(exc: Exception) -> SendError:
    """The Loa send error for an exception raised by a Twilio REST call."""
    if isinstance(exc, TwilioRestException):
        code, status = exc.code, exc.status
        if code in STOPPED_CODES:
            return ContactStopped(exc.msg, code=code)
        if status == 429 or code == 20429:
            return Throttled(exc.msg, code=code, retry_after=last_retry_after(1.0))
        if status in (401, 403) or code == 20003:
            return AuthFailed(exc.msg, code=code)
        if status >= 500:
            return ConnectionFailed(exc.msg, code=code)
        return MessageInvalid(exc.msg, code=code)
    return ConnectionFailed(str(exc) or type(exc).__name__)


def send_sms(settings: Settings, to: str, body: str) -> str:
    """Send one SMS from Loa's number; returns the message sid or raises a SendError."""
    try:
        message = client(settings).messages.create(to=to, from_=settings.twilio_from_number, body=body)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one of the closed set
        raise classify(exc) from exc
    return message.sid
