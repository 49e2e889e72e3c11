"""One-time codes that prove a typed phone number belongs to the citizen who typed it.

A number typed in a chat proves nothing (anyone can type anyone's number), so before Loa links it to the
chat, and so before it reveals that number's tracing calls, it sends a short code to the number by SMS; the
citizen types it back. Codes are bound to the chat that asked for them, stored only as an HMAC, expire after
`OTP_TTL_S`, allow `OTP_MAX_ATTEMPTS` wrong guesses, and a number gets at most `OTP_MAX_PER_DAY` codes a day
(so nobody can flood a stranger's phone through Loa).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

import redis

from bot.channels import get_adapter
from bot.channels.errors import SendError
from bot.messages import Reply
from core import clock
from core.i18n import gettext
from core.privacy import mask_phone
from core.settings import Settings

log = logging.getLogger(__name__)

SENT = "sent"
TOO_MANY = "too_many_today"
NOT_SENT = "not_sent"
OK, WRONG, NO_CODE = "ok", "wrong", "no_code"  # no_code: expired, used up, or never sent to this chat


def _code_key(channel: str, user_id: str) -> str:
    return f"loa:otp:code:{channel}:{user_id}"


def _digest(settings: Settings, phone: str, code: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(settings: Settings, client: redis.Redis, channel: str, user_id: str, phone: str, lang: str) -> str:
    """Send a fresh code to `phone` for this chat: SENT, TOO_MANY (daily limit of the number) or NOT_SENT."""
    day = clock.local_now(settings).strftime("%Y%m%d")
    counter = f"loa:otp:sent:{phone}:{day}"
    count = client.incr(counter)
    client.expire(counter, 2 * 24 * 3600)
    if count > settings.otp_max_per_day:
        log.info("code refused for %s: %d codes today", mask_phone(phone), count - 1)
        return TOO_MANY
    code = f"{secrets.randbelow(10 ** 6):06d}"
    text = gettext(lang, "Your confirmation code is %(code)s. It is valid for %(minutes)s minutes. Never give it to anyone, not even health staff.",
                   code=code, minutes=settings.otp_ttl_s // 60)
    try:
        get_adapter("sms", settings).send(phone, [Reply(text=text, language=lang)])
    except SendError as exc:
        log.warning("code to %s not sent: %s", mask_phone(phone), exc)
        client.decr(counter)  # a code that never left does not count against the number
        return NOT_SENT
    key = _code_key(channel, user_id)
    client.delete(key)
    client.hset(key, mapping={"phone": phone, "digest": _digest(settings, phone, code), "attempts": 0})
    client.expire(key, settings.otp_ttl_s)
    return SENT


def pending_phone(client: redis.Redis, channel: str, user_id: str) -> str | None:
    """The number this chat was sent a code for, while the code is still valid."""
    value = client.hget(_code_key(channel, user_id), "phone")
    return value.decode() if isinstance(value, bytes) else value


def check_code(settings: Settings, client: redis.Redis, channel: str, user_id: str, code: str) -> tuple[str, int]:
    """(OK | WRONG | NO_CODE, tries left) for a code typed in this chat; a right code is used up."""
    key = _code_key(channel, user_id)
    stored = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
              for k, v in client.hgetall(key).items()}
    if not stored:
        return NO_CODE, 0
    attempts = client.hincrby(key, "attempts", 1)
    if hmac.compare_digest(stored["digest"], _digest(settings, stored["phone"], code.strip())):
        client.delete(key)
        return OK, 0
    left = settings.otp_max_attempts - attempts
    if left <= 0:
        client.delete(key)  # guessing stops here: a new code must be asked for (and counts against the day)
        return NO_CODE, 0
    return WRONG, left
