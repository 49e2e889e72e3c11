"""Zalo OA webhook events, built in the shapes of channels.md A.4 and signed the way Zalo signs them.

Pure functions (no Flask, no network) so tests and bench scripts elsewhere can import them.
"""
from __future__ import annotations

import hashlib
import secrets
import time

USER_EVENTS = {"user_send_text", "user_send_image", "user_send_location", "user_send_sticker", "user_send_link",
               "user_send_file", "user_send_audio", "user_send_video", "user_send_gif", "user_submit_info",
               "anonymous_send_text"}
FOLLOW_EVENTS = {"follow", "unfollow"}
DELIVERY_EVENTS = {"user_received_message", "user_seen_message"}
EVENT_NAMES = USER_EVENTS | FOLLOW_EVENTS | DELIVERY_EVENTS


def sign_zalo(body_bytes: bytes, app_id: str, timestamp: str, secret: str) -> str:
    """The X-ZEvent-Signature value: "mac=" + sha256_hex(app_id + raw body + timestamp + OA secret key)."""
    raw = str(app_id).encode() + body_bytes + str(timestamp).encode() + secret.encode()
    return "mac=" + hashlib.sha256(raw).hexdigest()


def new_msg_id() -> str:
    """A fresh Zalo-style message id (hex, unique per call)."""
    return secrets.token_hex(16)


def now_ms() -> str:
    """The current Unix time in milliseconds, as the string Zalo puts in `timestamp`."""
    return str(int(time.time() * 1000))


def user_id_by_app(user_id: str) -> str:
    """A stable app-scoped id for an OA-scoped user id (Zalo gives each user one id per app)."""
    return str(int(hashlib.sha256(f"app:{user_id}".encode()).hexdigest()[:15], 16))


def zalo_phone(phone: str) -> str:
    """A phone number the way Zalo reports it in user_submit_info: 84xxxxxxxxx (no plus, no leading 0)."""
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


def build_zalo_event(event_name: str, user_id: str, *, app_id: str, oa_id: str, text: str | None = None,
                     payload: str | None = None, phone: str | None = None, name: str | None = None,
                     info: dict | None = None, latitude: float | None = None, longitude: float | None = None,
                     image_url: str | None = None, attachments: list | None = None, msg_id: str | None = None,
                     msg_ids: list | None = None, quote_msg_id: str | None = None, timestamp: str | None = None,
                     source: str = "oa_profile", tracking_id: str | None = None) -> dict:
    """One webhook event as Zalo would POST it (fresh msg_id and millisecond timestamp unless given).

    `payload` is a pressed oa.query.show button: Zalo sends it back as user_send_text with text = payload.
    """
    if event_name not in EVENT_NAMES:
        raise ValueError(f"unknown Zalo event {event_name!r}")
    stamp = timestamp or now_ms()
    if event_name in FOLLOW_EVENTS:
        return {"app_id": app_id, "oa_id": oa_id, "user_id_by_app": user_id_by_app(user_id),
                "event_name": event_name, "timestamp": stamp, "follower": {"id": str(user_id)}, "source": source}
    if event_name in DELIVERY_EVENTS:
        # Delivery events point the other way: the OA is the sender, the citizen the recipient.
        message: dict = {"msg_ids": list(msg_ids or [msg_id or new_msg_id()])} if event_name == "user_seen_message" \
            else {"msg_id": msg_id or new_msg_id(), "delivery_time": str(int(stamp) - 1)}
        if tracking_id:
            message["tracking_id"] = tracking_id
        return {"app_id": app_id, "event_name": event_name, "timestamp": stamp, "sender": {"id": oa_id},
                "recipient": {"id": str(user_id)}, "message": message}
    event = {"app_id": app_id, "user_id_by_app": user_id_by_app(user_id), "event_name": event_name,
             "timestamp": stamp, "sender": {"id": str(user_id)}, "recipient": {"id": oa_id}}
    if event_name == "user_submit_info":
        shared = dict(info or {})
        shared.setdefault("name", name or "Người dùng Zalo")
        shared["phone"] = zalo_phone(phone if phone is not None else shared.get("phone", "0912345678"))
        for field in ("address", "ward", "district", "city"):
            shared.setdefault(field, "")
        event["info"] = shared
        return event
    message = {"msg_id": msg_id or new_msg_id(), "text": text if text is not None else (payload or "")}
    if event_name == "user_send_location":
        message["text"] = text or ""
        message["attachments"] = [{"type": "location", "payload": {"coordinates": {
            "latitude": str(latitude if latitude is not None else 19.806692),
            "longitude": str(longitude if longitude is not None else 105.785182)}}}]
    elif event_name == "user_send_image":
        url = image_url or "https://photo-stal-1.zdn.vn/sandbox/photo.jpg"
        message["attachments"] = [{"type": "image", "payload": {"url": url, "thumbnail": url}}]
    elif attachments is not None:
        message["attachments"] = attachments
    if quote_msg_id:
        message["quote_msg_id"] = quote_msg_id
    event["message"] = message
    return event
