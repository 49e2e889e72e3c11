"""Zalo OA webhook events -> Inbound: one small reader per event name, unknown events ignored."""
from __future__ import annotations

import json

from bot.channels import ParseError
from bot.messages import Inbound

CHANNEL = "zalo"


def _obj(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise ParseError(f"{what} is not an object")
    return value


def _id(event: dict, key: str) -> str:
    """The id of `event[key]`, which Zalo sends as {"id": ...} (or, in ZNS callbacks, as a bare string)."""
    value = event.get(key)
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, (str, int)) or value == "":
        raise ParseError(f"{key}.id missing")
    return str(value)


def _message(event: dict) -> dict:
    message = _obj(event.get("message"), "message")
    if not message.get("msg_id"):
        raise ParseError("message.msg_id missing")
    return message


def _base(event: dict, kind: str, user_id: str, msg_id: str | None = None) -> Inbound:
    # event_id is what the webhook dedupes provider retries on.
    event_id = f"{event['event_name']}:{msg_id}" if msg_id else \
        f"{event['event_name']}:{user_id}:{event.get('timestamp', '')}"
    return Inbound(channel=CHANNEL, user_id=user_id, kind=kind, msg_id=msg_id,
                   extra={"event_id": event_id, "timestamp": str(event.get("timestamp", ""))})


def is_payload(text: str) -> bool:
    """True when a text is one of our button payloads coming back (they all start with '/')."""
    return text.startswith("/") and len(text) <= 200 and "\n" not in text


def user_send_text(event: dict) -> list[Inbound]:
    """Typed text, or a button click (oa.query.show sends the payload back as text)."""
    message = _message(event)
    text = str(message.get("text") or "").strip()
    inbound = _base(event, "text", _id(event, "sender"), str(message["msg_id"]))
    inbound.text = text
    if is_payload(text):
        inbound.kind, inbound.payload = "button", text
    if message.get("quote_msg_id"):
        inbound.extra["quote_msg_id"] = str(message["quote_msg_id"])
    return [inbound]


def _coordinates(message: dict) -> tuple[float, float] | None:
    """Latitude and longitude from any of the three shapes seen in the wild."""
    candidates = []
    for att in message.get("attachments") or []:
        payload = att.get("payload") if isinstance(att, dict) else None
        if isinstance(payload, dict):
            candidates += [payload.get("coordinates"), payload]
    candidates.append(message.get("location"))
    for c in candidates:
        if not isinstance(c, dict):
            continue
        lat = c.get("latitude", c.get("lat"))
        lon = c.get("longitude", c.get("long", c.get("lng")))
        if lat not in (None, "") and lon not in (None, ""):
            try:
                return float(lat), float(lon)
            except (TypeError, ValueError) as exc:
                raise ParseError("coordinates are not numbers") from exc
    return None


def user_send_location(event: dict) -> list[Inbound]:
    """A shared location."""
    message = _message(event)
    coords = _coordinates(message)
    if coords is None:
        raise ParseError("location without coordinates")
    inbound = _base(event, "location", _id(event, "sender"), str(message["msg_id"]))
    inbound.latitude, inbound.longitude = coords
    inbound.text = str(message.get("text") or "")
    return [inbound]


def user_send_image(event: dict) -> list[Inbound]:
    """A photo (the first image attachment), with its caption as text."""
    message = _message(event)
    url = next((a["payload"].get("url") for a in message.get("attachments") or []
                if isinstance(a, dict) and isinstance(a.get("payload"), dict) and a["payload"].get("url")), None)
    if not url:
        raise ParseError("image without url")
    inbound = _base(event, "image", _id(event, "sender"), str(message["msg_id"]))
    inbound.media_url, inbound.text = str(url), str(message.get("text") or "")
    return [inbound]


def follow(event: dict) -> list[Inbound]:
    """The citizen followed the OA."""
    return [_base(event, "follow", _id(event, "follower"))]


def unfollow(event: dict) -> list[Inbound]:
    """The citizen unfollowed the OA: cs messages to them will fail from now on."""
    return [_base(event, "unfollow", _id(event, "follower"))]


def user_submit_info(event: dict) -> list[Inbound]:
    """The citizen shared their contact on a request_user_info card; Zalo sends the phone as 84xxxxxxxxx."""
    info = _obj(event.get("info"), "info")
    phone = "".join(ch for ch in str(info.get("phone") or "") if ch.isdigit() or ch == "+")
    if not phone:
        raise ParseError("user_submit_info without phone")
    inbound = _base(event, "contact", _id(event, "sender"))
    inbound.phone = phone if phone.startswith("+") else ("+" + phone if phone.startswith("84") else phone)
    inbound.display_name = info.get("name") or None
    inbound.extra.update({k: info[k] for k in ("address", "ward", "district", "city") if info.get(k)})
    return [inbound]


def _delivery(event: dict, kind: str) -> list[Inbound]:
    """Receipts for messages we sent: the OA is the sender, the citizen the recipient."""
    message = event.get("message") if isinstance(event.get("message"), dict) else {}
    ids = message.get("msg_ids") or ([message["msg_id"]] if message.get("msg_id") else [])
    if not ids and event.get("msg_id"):  # the flat ZNS callback shape
        ids = [event["msg_id"]]
    if not ids:
        raise ParseError(f"{kind} receipt without msg_id")
    user_id = _id(event, "recipient")
    return [_base(event, kind, user_id, str(mid)) for mid in ids]


def user_received_message(event: dict) -> list[Inbound]:
    """A message we sent reached the citizen's phone."""
    return _delivery(event, "delivered")


def user_seen_message(event: dict) -> list[Inbound]:
    """The citizen read a message we sent."""
    return _delivery(event, "seen")


READERS = {
    "user_send_text": user_send_text,
    "user_send_location": user_send_location,
    "user_send_image": user_send_image,
    "follow": follow,
    "unfollow": unfollow,
    "user_submit_info": user_submit_info,
    "user_received_message": user_received_message,
    "user_seen_message": user_seen_message,
}


def parse_event(body: bytes) -> list[Inbound]:
    """The Inbounds in one webhook body; [] for events Loa does not act on; ParseError when malformed."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError("body is not JSON") from exc
    event = _obj(event, "body")
    name = event.get("event_name")
    if not isinstance(name, str) or not name:
        raise ParseError("event_name missing")
    reader = READERS.get(name)
    if reader is None:
        return []  # oa_* echoes, stickers, files, anonymous chats: nothing for the engine
    inbounds = reader(event)
    for inbound in inbounds:
        inbound.extra["event"] = name
    return inbounds
