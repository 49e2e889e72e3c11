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
NOT_VIETNAMESE = "not_vietnamese"
TOO_MANY = "too_many_today"
NOT_SENT = "not_sent"
OK, WRONG, NO_CODE = "ok", "wrong", "no_code"  # no_code: expired, used up, or never sent to this chat


def _code_key(channel: str, user_id: str) -> str:
    return f"loa:otp:code:{channel}:{user_id}"


def _digest(settings: Settings, phone: str, code: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(settings: Settings, client: redis.Redis, channel: str, user_id: str, phone: str, lang: str) -> str:
    """Send a fresh code to `phone` for this chat: SENT, TOO_MANY (daily limit of the number) or NOT_SENT."""
    if not phone.startswith("+84"):
        return NOT_VIETNAMESE  # codes go only to Vietnamese numbers: no SMS pumping to premium foreign ones
    day = clock.local_now(settings).strftime("%Y%m%d")
    # Per number (nobody floods a stranger), per chat (nobody walks through thousands of numbers) and in all.
    counters = [(f"loa:otp:sent:{phone}:{day}", settings.otp_max_per_day),
                (f"loa:otp:chat:{channel}:{user_id}:{day}", settings.otp_max_per_day * 2),
                (f"loa:otp:all:{day}", settings.otp_max_total_per_day)]
    counts = []
    for key, _limit in counters:
        counts.append(client.incr(key))
        client.expire(key, 2 * 24 * 3600)
    if any(count > limit for count, (_key, limit) in zip(counts, counters)):
        log.info("code refused for %s: daily limits reached", mask_phone(phone))
        return TOO_MANY
    code = f"{secrets.randbelow(10 ** 6):06d}"
    text = gettext(lang, "Your confirmation code is %(code)s. It is valid for %(minutes)s minutes. Never give it to anyone, not even health staff.",
                   code=code, minutes=settings.otp_ttl_s // 60)
    try:
        get_adapter("sms", settings).send(phone, [Reply(text=text, language=lang)])
    except SendError as exc:
        log.warning("code to %s not sent: %s", mask_phone(phone), exc)
        for key, _limit in counters:
            client.decr(key)  # a code that never left does not count
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
    if "digest" not in stored:  # none, or expired between two reads
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
