"""The Zalo OA adapter: verify the event signature, parse events, send consultation ("cs") messages."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging

import httpx

from bot.channels import ParseError, header
from bot.channels.errors import AuthFailed, ConnectionFailed, ContactStopped, MessageInvalid, SendError, Throttled
from bot.channels.retry_after import retry_after_seconds
from bot.channels.zalo_events import check_origin, parse_event
from bot.channels.zalo_token import ZaloTokens
from bot.messages import Inbound, Reply
from core.settings import Settings

log = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_BUTTONS = 5  # Zalo's button template shows at most five; longer menus go out in several cards
CARD_TITLE_MAX = 100
CARD_SUBTITLE_MAX = 500
AUTH_ERRORS = (-216, -220)
THROTTLED = {-32: 60.0}  # per-minute app limit: wait for the next minute
STOPPED = {-213: "not following", -217: "blocked the OA", -227: "banned or inactive", -244: "restricted messages"}
WINDOW_CLOSED = (-230, -232)
INVALID = (-201, -210, -233, -248)
TRANSIENT = (-200, -214)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut text into pieces of at most `limit` characters, at a paragraph, line or word break when possible."""
    pieces, rest = [], text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return pieces + [rest] if rest or not pieces else pieces


def button_groups(buttons: list, size: int = MAX_BUTTONS) -> list[list]:
    """Split buttons into as few cards as needed, evenly (7 -> 4 + 3, not 5 + 2)."""
    if not buttons:
        return []
    count = -(-len(buttons) // size)
    per = -(-len(buttons) // count)
    return [buttons[i:i + per] for i in range(0, len(buttons), per)]


def map_error(code: int, message: str) -> SendError:
    """The send error for a Zalo OA API error code."""
    text = f"zalo {code}: {message}"
    if code in THROTTLED:
        return Throttled(text, code=code, retry_after=THROTTLED[code])
    if code in STOPPED:
        return ContactStopped(f"zalo {code}: {STOPPED[code]}", code=code)
    if code in WINDOW_CLOSED:
        return MessageInvalid(f"zalo {code}: interaction window closed", code=code)
    if code in AUTH_ERRORS or code == -223:
        return AuthFailed(text, code=code)
    if code in TRANSIENT:
        return ConnectionFailed(text, code=code)
    return MessageInvalid(text, code=code)


class ZaloAdapter:
    """Zalo Official Account: webhook events in, consultation messages out."""

    channel = "zalo"

    def __init__(self, settings: Settings):
        self.settings = settings
        # One pooled client per process; Zalo must answer quickly or we retry later.
        self.http = httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0),
                                 limits=httpx.Limits(max_connections=20, max_keepalive_connections=10))
        self.tokens = ZaloTokens(settings, self.http)

    # -- in ------------------------------------------------------------------------------------
    def verify(self, headers, body: bytes) -> bool:
        """True when X-ZEvent-Signature is sha256(app_id + body + timestamp + OA secret key)."""
        given = (header(headers, "X-ZEvent-Signature") or "").strip()
        if not given:
            return False
        try:
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: [[[[...]]]] nested deep
            raise ParseError("body is not JSON") from exc
        if not isinstance(event, dict):
            raise ParseError("body is not an object")
        given = given[4:] if given.lower().startswith("mac=") else given
        expected = self.signature(body, str(event.get("app_id", "")), str(event.get("timestamp", "")))
        return hmac.compare_digest(given.lower().encode(), expected.encode())

    def signature(self, body: bytes, app_id: str, timestamp: str) -> str:
        """The hex SHA-256 Zalo puts after "mac=" (tests and the bench sign with it too)."""
        raw = app_id.encode() + body + timestamp.encode() + self.settings.zalo_oa_secret_key.encode()
        return hashlib.sha256(raw).hexdigest()

    def admit(self, body: bytes) -> None:
        """Raise Refused for a signed event meant for another app or stamped over 5 minutes from now."""
        check_origin(body, self.settings.zalo_app_id)

    def parse(self, body: bytes) -> list[Inbound]:
        """The Inbounds in a webhook body; [] for ignored events; raises ParseError when malformed."""
        return parse_event(body)

    # -- out -----------------------------------------------------------------------------------
    def send(self, user_id: str, replies: list[Reply], reply_to: Inbound | None = None) -> list[str]:
        """Send replies as cs messages; returns Zalo message ids; raises a bot.channels.errors error."""
        ids: list[str] = []
        for reply in replies:
            for message in self.render(reply):
                ids.append(self._post(user_id, message))
        return ids

    def render(self, reply: Reply) -> list[dict]:
        """The Zalo `message` objects for one reply: text chunks, button cards, a contact request card."""
        chunks = split_text(reply.text)
        if reply.ask == "contact":
            return [{"text": c} for c in chunks[:-1]] + [self._contact_card(chunks[-1])]
        groups = button_groups(reply.buttons)
        if not groups:
            return [{"text": c} for c in chunks if c]
        messages = [{"text": c} for c in chunks[:-1]]
        for i, group in enumerate(groups):
            messages.append(self._button_card(chunks[-1] if i == 0 else "…", group))
        return messages

    @staticmethod
    def _button_card(text: str, buttons: list) -> dict:
        return {"text": text, "attachment": {"type": "template", "payload": {
            "template_type": "button", "text": text,
            "buttons": [{"type": "oa.query.show", "title": b.title, "payload": b.payload} for b in buttons]}}}

    def _contact_card(self, text: str) -> dict:
        title, subtitle = (text, "") if len(text) <= CARD_TITLE_MAX else ("📱", text[:CARD_SUBTITLE_MAX])
        return {"attachment": {"type": "template", "payload": {"template_type": "request_user_info", "elements": [
            {"title": title, "subtitle": subtitle, "image_url": f"{self.settings.public_url}/static/share-phone.png"}]}}}

    def _post(self, user_id: str, message: dict) -> str:
        token = self.tokens.current()
        for attempt in (1, 2):
            data = self._request(token, {"recipient": {"user_id": user_id}, "message": message})
            code = int(data.get("error", 0) or 0)
            if code == 0:
                return str((data.get("data") or {}).get("message_id", ""))
            if code in AUTH_ERRORS and attempt == 1:
                token = self.tokens.refresh(stale=token)
                continue
            raise map_error(code, str(data.get("message", "")))
        raise AuthFailed("zalo token refused after refresh")  # pragma: no cover - loop always returns/raises

    def _request(self, token: str, payload: dict) -> dict:
        try:
            resp = self.http.post(f"{self.settings.zalo_api_base}/v3.0/oa/message/cs", json=payload,
                                  headers={"access_token": token})
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"zalo unreachable: {type(exc).__name__}") from exc
        if resp.status_code == 429:
            wait = retry_after_seconds(resp.headers.get("Retry-After"), 60.0)  # seconds or an HTTP-date
            raise Throttled("zalo http 429", code=429, retry_after=wait)
        if resp.status_code >= 500:
            raise ConnectionFailed(f"zalo http {resp.status_code}", code=resp.status_code)
        try:
            return resp.json()
        except ValueError as exc:
            raise ConnectionFailed(f"zalo http {resp.status_code} non-JSON") from exc
