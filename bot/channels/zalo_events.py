"""Zalo OA webhook events -> Inbound: each event name has a schema (bot.channels.zalo_schema) and a small
reader; unknown events are ignored. `check_origin` refuses events for another app or stamped too far from now."""
from __future__ import annotations

import json
import time

from bot.channels import ParseError, Refused
from bot.channels.schema import check
from bot.channels.zalo_schema import (DeliveryReceipt, Envelope, FollowChange, Message, SubmitInfo,
                                      UserMessage)
from bot.messages import Inbound

CHANNEL = "zalo"
# Zalo stamps each event when it sends it; older (or future) ones are replays or a wrong clock.
MAX_SKEW_MS = 5 * 60 * 1000


def _json(body: bytes) -> dict:
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ParseError("body is not JSON") from exc
    if not isinstance(event, dict):
        raise ParseError("body is not an object")
    return event


def _base(event: Envelope, kind: str, user_id: str, msg_id: str | None = None) -> Inbound:
    # event_id is what the webhook dedupes provider retries on.
    event_id = f"{event.event_name}:{msg_id}" if msg_id else f"{event.event_name}:{user_id}:{event.timestamp}"
    return Inbound(channel=CHANNEL, user_id=user_id, kind=kind, msg_id=msg_id,
                   extra={"event_id": event_id, "timestamp": str(event.timestamp)})


def is_payload(text: str) -> bool:
    """True when a text is one of our button payloads coming back (they all start with '/')."""
    return text.startswith("/") and len(text) <= 200 and "\n" not in text


def user_send_text(raw: dict) -> list[Inbound]:
    """Typed text, or a button click (oa.query.show sends the payload back as text)."""
    event = check(UserMessage, raw)
    text = (event.message.text or "").strip()
    inbound = _base(event, "text", event.sender.id, event.message.msg_id)
    inbound.text = text
    if is_payload(text):
        inbound.kind, inbound.payload = "button", text
    if event.message.quote_msg_id:
        inbound.extra["quote_msg_id"] = event.message.quote_msg_id
    return [inbound]


def _coordinates(message: Message) -> tuple[float, float] | None:
    """Latitude and longitude from any of the three shapes seen in the wild."""
    candidates = []
    for att in message.attachments:
        if att.payload is not None:
            candidates += [att.payload.coordinates, att.payload]
    candidates.append(message.location)
    return next((c.point() for c in candidates if c is not None and c.point() is not None), None)


def user_send_location(raw: dict) -> list[Inbound]:
    """A shared location."""
    event = check(UserMessage, raw)
    coords = _coordinates(event.message)
    if coords is None:
        raise ParseError("location without coordinates")
    inbound = _base(event, "location", event.sender.id, event.message.msg_id)
    inbound.latitude, inbound.longitude = coords
    inbound.text = event.message.text or ""
    return [inbound]


def user_send_image(raw: dict) -> list[Inbound]:
    """A photo (the first attachment with a url), with its caption as text."""
    event = check(UserMessage, raw)
    url = next((a.payload.url for a in event.message.attachments if a.payload and a.payload.url), None)
    if not url:
        raise ParseError("image without url")
    inbound = _base(event, "image", event.sender.id, event.message.msg_id)
    inbound.media_url, inbound.text = url, event.message.text or ""
    return [inbound]


# Media Loa cannot read yet: each becomes an Inbound of its kind so the engine answers instead of staying silent.
MEDIA_KINDS = {"user_send_sticker": "sticker", "user_send_gif": "sticker", "user_send_audio": "voice",
               "user_send_file": "file", "user_send_video": "video"}


def user_send_media(raw: dict) -> list[Inbound]:
    """A sticker, GIF, voice note, file or video: its kind, the media url kept aside (not a report photo)."""
    event = check(UserMessage, raw)
    inbound = _base(event, MEDIA_KINDS[event.event_name], event.sender.id, event.message.msg_id)
    inbound.text = event.message.text or ""
    url = next((a.payload.url for a in event.message.attachments if a.payload and a.payload.url), None)
    if url:
        inbound.extra["media_url"] = url
    return [inbound]


def follow(raw: dict) -> list[Inbound]:
    """The citizen followed the OA."""
    event = check(FollowChange, raw)
    return [_base(event, "follow", event.follower.id)]


def unfollow(raw: dict) -> list[Inbound]:
    """The citizen unfollowed the OA: cs messages to them will fail from now on."""
    event = check(FollowChange, raw)
    return [_base(event, "unfollow", event.follower.id)]


def user_submit_info(raw: dict) -> list[Inbound]:
    """The citizen shared their contact on a request_user_info card; Zalo sends the phone as 84xxxxxxxxx."""
    event = check(SubmitInfo, raw)
    info = event.info
    phone = "".join(ch for ch in info.phone if ch.isdigit() or ch == "+")
    if not 8 <= len(phone.lstrip("+")) <= 15:
        raise ParseError("info.phone: not a phone number")
    inbound = _base(event, "contact", event.sender.id)
    inbound.phone = phone if phone.startswith("+") else ("+" + phone if phone.startswith("84") else phone)
    inbound.display_name = info.name or None
    inbound.extra["own"] = True  # Zalo fills the card from the sender's own account: the number is theirs
    inbound.extra.update({k: getattr(info, k) for k in ("address", "ward", "district", "city") if getattr(info, k)})
    return [inbound]


def _delivery(raw: dict, kind: str) -> list[Inbound]:
    """Receipts for messages we sent: the OA is the sender, the citizen the recipient."""
    event = check(DeliveryReceipt, raw)
    ids = event.ids()
    if not ids:
        raise ParseError(f"{kind} receipt without msg_id")
    return [_base(event, kind, event.user_id(), mid) for mid in ids]


def user_received_message(raw: dict) -> list[Inbound]:
    """A message we sent reached the citizen's phone."""
    return _delivery(raw, "delivered")


def user_seen_message(raw: dict) -> list[Inbound]:
    """The citizen read a message we sent."""
    return _delivery(raw, "seen")


READERS = {
    "user_send_text": user_send_text,
    "user_send_location": user_send_location,
    "user_send_image": user_send_image,
    **{name: user_send_media for name in MEDIA_KINDS},
    "follow": follow,
    "unfollow": unfollow,
    "user_submit_info": user_submit_info,
    "user_received_message": user_received_message,
    "user_seen_message": user_seen_message,
}


def parse_event(body: bytes) -> list[Inbound]:
    """The Inbounds in one webhook body; [] for events Loa does not act on; ParseError when malformed."""
    raw = _json(body)
    name = raw.get("event_name")
    if not isinstance(name, str) or not name:
        raise ParseError("event_name missing")
    envelope = check(Envelope, raw)  # every event, even one we ignore, names its app and time
    reader = READERS.get(envelope.event_name)
    if reader is None:
        return []  # oa_* echoes, links, business cards, anonymous chats: nothing for the engine
    inbounds = reader(raw)
    for inbound in inbounds:
        inbound.extra["event"] = name
    return inbounds


def check_origin(body: bytes, app_id: str, now_ms: int | None = None) -> None:
    """Raise Refused unless the event is for our app and stamped within 5 minutes of now (ParseError if unreadable)."""
    envelope = check(Envelope, _json(body))
    if envelope.app_id != app_id:
        raise Refused("event for another Zalo app")
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    skew_ms = abs(int(envelope.timestamp) - now_ms)
    if skew_ms > MAX_SKEW_MS:
        raise Refused(f"event timestamp is {skew_ms // 1000} s from now (at most {MAX_SKEW_MS // 1000} s)")
