"""Async senders for broadcasts (aiohttp, one pooled session per chunk job): Zalo cs, ZNS, Telegram, SMS.

The request shapes are those of bot/channels (Zalo button cards with oa.query.show, Telegram inline
keyboards, Twilio Messages with a StatusCallback) and every failure is one of bot.channels.errors, so the
dispatch rules (retry, stop, fall through) read the same for every channel.
"""
from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field

import aiohttp

from bot.channels.errors import AuthFailed, ConnectionFailed, ContactStopped, MessageInvalid, Throttled
from bot.channels.retry_after import retry_after_seconds
from bot.channels.sms import strip_accents
from bot.channels.zalo import AUTH_ERRORS, MAX_BUTTONS, map_error, split_text
from broadcasts.render import language_for, reply_for, sms_text
from core.settings import Settings

SMS_STATUS_PATH = "/webhooks/broadcasts/sms-status"
ZNS_QUOTA = -211  # ZNS's own codes are undocumented; the sandbox answers Zalo's "out of quota"
TIMEOUT = aiohttp.ClientTimeout(total=10, connect=3)


@dataclass(frozen=True)
class Message:
    """A campaign's message in one language: chat text (with the link), buttons as (title, payload), SMS text."""

    title: str
    text: str
    buttons: tuple[tuple[str, str], ...] = field(default=())
    sms: str = ""


def render(campaign, language: str) -> Message:
    """The campaign as a citizen with `language` sees it (broadcasts.render: English when written)."""
    language = language_for(campaign, language)
    reply = reply_for(campaign, language)
    return Message(campaign.title, reply.text, tuple((b.title, b.payload) for b in reply.buttons),
                   strip_accents(sms_text(campaign, language)))


async def _json(resp: aiohttp.ClientResponse, provider: str) -> dict:
    try:
        return await resp.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError) as exc:
        raise ConnectionFailed(f"{provider} http {resp.status} non-JSON") from exc


async def _post(http: aiohttp.ClientSession, provider: str, url: str, **kwargs) -> tuple[int, dict]:
    """POST and read JSON; transport errors, 5xx and 429 become the closed set's retryable errors."""
    try:
        async with http.post(url, timeout=TIMEOUT, **kwargs) as resp:
            if resp.status == 429:
                try:
                    body = await resp.json(content_type=None) if resp.content_length != 0 else {}
                except ValueError:
                    body = {}  # Zalo's 429 may be plain text
                after = (body.get("parameters") or {}).get("retry_after") if isinstance(body, dict) else None
                wait = float(after) if isinstance(after, (int, float)) else \
                    retry_after_seconds(resp.headers.get("Retry-After"), 1.0)  # seconds or an HTTP-date
                raise Throttled(f"{provider} http 429", code=429, retry_after=wait)
            if resp.status >= 500:
                raise ConnectionFailed(f"{provider} http {resp.status}", code=resp.status)
            return resp.status, await _json(resp, provider)
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise ConnectionFailed(f"{provider} unreachable: {type(exc).__name__}") from exc


class ZaloSender:
    """Consultation messages (inside the 7-day window) and ZNS templates (to a phone), with token refresh."""

    def __init__(self, settings: Settings, http: aiohttp.ClientSession, tokens):
        self.settings, self.http, self.tokens = settings, http, tokens
        self.token: str | None = None
        self.lock = asyncio.Lock()

    async def _token(self, stale: str | None = None) -> str:
        async with self.lock:
            if stale is None and self.token:
                return self.token
            if stale is not None and self.token and self.token != stale:
                return self.token  # another send refreshed it meanwhile
            # ZaloTokens is synchronous (database + Redis lock): keep it off the event loop.
            get = self.tokens.current if stale is None else (lambda: self.tokens.refresh(stale=stale))
            self.token = await asyncio.to_thread(get)
            return self.token

    async def _call(self, url: str, payload: dict, provider: str) -> dict:
        token = await self._token()
        for attempt in (1, 2):
            _, data = await _post(self.http, provider, url, json=payload, headers={"access_token": token})
            code = int(data.get("error", 0) or 0)
            if code == 0:
                return data.get("data") or {}
            if code in AUTH_ERRORS and attempt == 1:
                token = await self._token(stale=token)
                continue
            raise map_error(code, str(data.get("message", "")))
        raise AuthFailed("zalo token refused after refresh")  # pragma: no cover

    async def send_cs(self, user_id: str, message: Message) -> str:
        """One consultation message: a button card when the campaign has buttons, else text."""
        text = split_text(message.text)[0]
        if message.buttons:
            buttons = [{"type": "oa.query.show", "title": t[:100], "payload": p} for t, p in
                       message.buttons[:MAX_BUTTONS]]
            body = {"text": text, "attachment": {"type": "template", "payload": {
                "template_type": "button", "text": text, "buttons": buttons}}}
        else:
            body = {"text": text}
        data = await self._call(f"{self.settings.zalo_api_base}/v3.0/oa/message/cs",
                                {"recipient": {"user_id": user_id}, "message": body}, "zalo")
        return str(data.get("message_id", ""))

    async def send_zns(self, phone: str, template_id: str, message: Message, tracking_id: str) -> str:
        """One ZNS template message to a phone (84... without +); the tracking id comes back in its receipt."""
        digits = phone.lstrip("+")
        payload = {"phone": "84" + digits[1:] if digits.startswith("0") else digits, "template_id": template_id,
                   "template_data": {"title": message.title[:100], "content": message.text[:400]},
                   "tracking_id": tracking_id}
        data = await self._call(f"{self.settings.zalo_zns_base}/message/template", payload, "zns")
        return str(data.get("msg_id", ""))


class TelegramSender:
    """sendMessage with an inline keyboard, straight over aiohttp (one Bot API call per citizen)."""

    def __init__(self, settings: Settings, http: aiohttp.ClientSession):
        self.url = f"{settings.telegram_api_base}{settings.telegram_bot_token}/sendMessage"
        self.http = http

    async def send(self, chat_id: str, message: Message) -> str:
        """Send; returns the message id."""
        body: dict = {"chat_id": int(chat_id), "text": message.text[:4096]}
        if message.buttons:
            short = all(len(t) <= 18 for t, _ in message.buttons)
            row = 2 if short else 1
            keys = [{"text": t, "callback_data": p[:64]} for t, p in message.buttons]
            body["reply_markup"] = {"inline_keyboard": [keys[i:i + row] for i in range(0, len(keys), row)]}
        status, data = await _post(self.http, "telegram", self.url, json=body)
        if data.get("ok"):
            return str((data.get("result") or {}).get("message_id", ""))
        text = f"telegram {status}: {data.get('description', '')}"
        if status == 403:
            raise ContactStopped(text, code=403)
        if status == 401:
            raise AuthFailed(text, code=401)
        raise MessageInvalid(text, code=status)


class SmsSender:
    """Twilio Messages.json with a StatusCallback, the text without diacritics (GSM-7, half the segments)."""

    def __init__(self, settings: Settings, http: aiohttp.ClientSession):
        sid = settings.twilio_account_sid
        self.url = f"{settings.twilio_api_base}/2010-04-01/Accounts/{sid}/Messages.json"
        token = base64.b64encode(f"{sid}:{settings.twilio_auth_token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"}
        self.sender = settings.twilio_from_number
        self.callback = settings.public_url.rstrip("/") + SMS_STATUS_PATH
        self.http = http

    async def send(self, phone: str, message: Message) -> str:
        """Send; returns the message sid."""
        form = {"To": phone, "From": self.sender, "Body": message.sms[:1500],
                "StatusCallback": self.callback}
        status, data = await _post(self.http, "sms", self.url, data=form, headers=self.headers)
        if 200 <= status < 300:
            return str(data.get("sid", ""))
        code = int(data.get("code") or 0)
        text = f"sms {code}: {data.get('message', '')}"
        if code == 21610:
            raise ContactStopped(text, code=code)
        if status in (401, 403):
            raise AuthFailed(text, code=code)
        raise MessageInvalid(text, code=code)
