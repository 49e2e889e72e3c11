"""The SMS adapter (Twilio Messaging): signed form webhooks in, Messages.create out.

Buttons become a numbered list ("1. Yes"); the engine remembers the payloads it offered, so a reply
"1" comes back as that button (bot.turn). Vietnamese is sent without diacritics: with them every
segment drops from 160 GSM-7 characters to 70 UCS-2 ones, doubling the cost of a province-wide send.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

from bot.channels import ParseError, header
from bot.channels.schema import check
from bot.channels.twilio_forms import InboundSms, SmsStatus, fields
from bot.messages import Inbound, Reply
from core.settings import Settings

SMS_PATH = "/webhooks/sms"
STATUS_PATH = "/webhooks/sms/status"
MAX_BODY = 1500  # Twilio concatenates up to 1600 characters; keep a margin
# Twilio's MessageStatus -> the receipt kinds MessageLog understands.
RECEIPTS = {"delivered": "delivered", "read": "seen"}


def strip_accents(text: str) -> str:
    """Vietnamese without diacritics ("Sốt" -> "Sot", "đ" -> "d"), so the SMS stays GSM-7."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def render(reply: Reply) -> str:
    """One reply as SMS text: the message, then its buttons as a numbered list."""
    lines = [reply.text.strip()]
    if reply.buttons:
        lines += [f"{i}. {b.title.strip()}" for i, b in enumerate(reply.buttons, 1)]
    return strip_accents("\n".join(line for line in lines if line))


def split(text: str, limit: int = MAX_BODY) -> list[str]:
    """Cut an over-long text at line breaks (or hard, for one endless line)."""
    parts, current = [], ""
    for line in text.split("\n"):
        while len(line) > limit:
            parts, line = parts + ([current] if current else []) + [line[:limit]], line[limit:]
            current = ""
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return parts + ([current] if current else [])


def form(body: bytes) -> dict[str, str]:
    """A form-urlencoded body as a flat dict (first value of each key)."""
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise ParseError("body is not UTF-8") from exc
    return {key: values[0] for key, values in parsed.items()}


class SmsAdapter:
    """verify / parse / send for SMS through Twilio (the sandbox when no credentials are set)."""

    channel = "sms"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.validator = RequestValidator(settings.twilio_auth_token)

    def candidate_urls(self, headers, path: str = SMS_PATH) -> list[str]:
        """The URLs Twilio may have signed: the public URL, or the one a proxy's X-Forwarded-* headers name."""
        urls = [self.settings.public_url.rstrip("/") + path]
        proto, host = header(headers, "X-Forwarded-Proto"), header(headers, "X-Forwarded-Host")
        if proto and host:
            urls.append(f"{proto.split(',')[0].strip()}://{host.split(',')[0].strip()}{path}")
        return urls

    def verify(self, headers, body: bytes, path: str = SMS_PATH) -> bool:
        """True when X-Twilio-Signature matches the body for the URL Twilio posted to."""
        signature = header(headers, "X-Twilio-Signature") or ""
        if not signature:
            return False
        params = form(body)
        return any(self.validator.validate(url, params, signature) for url in self.candidate_urls(headers, path))

    def parse(self, body: bytes) -> list[Inbound]:
        """An inbound SMS as one Inbound (text, or image when it carries media)."""
        sms = check(InboundSms, fields(body))
        media = sms.MediaUrl0 if sms.NumMedia != "0" else None
        return [Inbound(channel="sms", user_id=sms.From, kind="image" if media and not sms.Body else "text",
                        text=sms.Body, media_url=media, msg_id=sms.sid, extra={"event_id": sms.sid, "to": sms.To})]

    def parse_status(self, body: bytes) -> list[Inbound]:
        """A delivery status callback as a receipt Inbound (none for statuses MessageLog does not track)."""
        status = check(SmsStatus, fields(body))
        kind = RECEIPTS.get(status.MessageStatus or "")
        if kind is None:
            return []
        return [Inbound(channel="sms", user_id=status.To, kind=kind, msg_id=status.sid,
                        extra={"event_id": f"{status.sid}:{status.MessageStatus}"})]

    def send(self, user_id: str, replies: list[Reply]) -> list[str]:
        """Send replies as SMS; returns the message sids or raises a bot.channels.errors error (21610: stopped)."""
        from ivr.twilio_client import classify, client

        sids = []
        callback = self.settings.public_url.rstrip("/") + STATUS_PATH
        for reply in replies:
            for part in split(render(reply)):
                try:
                    message = client(self.settings).messages.create(
                        to=user_id, from_=self.settings.twilio_from_number, body=part, status_callback=callback)
                except Exception as exc:  # noqa: BLE001 - every failure becomes one of the closed set
                    raise classify(exc) from exc
                sids.append(message.sid)
        return sids
