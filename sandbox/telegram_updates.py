"""Telegram Bot API objects the stand-in hands out: the bot's User, chats, Messages and Updates.

Pure functions (no Flask, no network) so tests elsewhere can import `build_telegram_update`.
"""
from __future__ import annotations

import secrets
import time

UPDATE_KINDS = ("text", "start", "contact", "location", "callback_query", "photo", "blocked", "unblocked")


def bot_user(token: str) -> dict:
    """The bot as a User object (its id is the number before the colon in its token)."""
    head = token.split(":", 1)[0]
    return {"id": int(head) if head.isdigit() else 123456789, "is_bot": True, "first_name": "Loa Sandbox",
            "username": "LoaSandboxBot"}


def private_chat(chat_id: int, first_name: str = "", last_name: str = "") -> dict:
    """A private Chat object."""
    chat = {"id": int(chat_id), "first_name": first_name or f"User{str(chat_id)[-4:]}", "type": "private"}
    if last_name:
        chat["last_name"] = last_name
    return chat


def citizen(chat_id: int, first_name: str = "", last_name: str = "", language_code: str | None = "vi") -> dict:
    """The person writing to the bot, as a User object."""
    user = {"id": int(chat_id), "is_bot": False, "first_name": first_name or f"User{str(chat_id)[-4:]}"}
    if last_name:
        user["last_name"] = last_name
    if language_code:
        user["language_code"] = language_code
    return user


def command_entities(text: str) -> list[dict]:
    """The bot_command entity Telegram adds when a text starts with /command."""
    if not text.startswith("/"):
        return []
    return [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]


def build_telegram_update(update_id: int, kind: str, chat_id: int, *, text: str | None = None,
                          data: str | None = None, phone: str | None = None, latitude: float | None = None,
                          longitude: float | None = None, language_code: str | None = "vi", first_name: str = "",
                          last_name: str = "", message_id: int = 1, date: int | None = None,
                          callback_message: dict | None = None, callback_id: str | None = None,
                          contact_user_id: int | None = None, start_param: str | None = None,
                          bot: dict | None = None) -> dict:
    """One Update as Telegram would deliver it, for `kind` in UPDATE_KINDS.

    `callback_message` is the bot's Message carrying the pressed inline keyboard; `contact_user_id` defaults to
    the sender (sharing one's own number); `blocked`/`unblocked` give a my_chat_member update.
    """
    if kind not in UPDATE_KINDS:
        raise ValueError(f"unknown update kind {kind!r}")
    date = int(date or time.time())
    sender = citizen(chat_id, first_name, last_name, language_code)
    chat = private_chat(chat_id, sender["first_name"], last_name)
    if kind == "callback_query":
        query = {"id": callback_id or str(secrets.randbits(63)), "from": sender,
                 "chat_instance": str(-(int(chat_id) * 7919 % 10**18 + 1)), "data": data or ""}
        if callback_message is not None:
            query["message"] = callback_message
        return {"update_id": update_id, "callback_query": query}
    if kind in ("blocked", "unblocked"):
        me = bot or bot_user("123456789:x")
        old, new = ("member", "kicked") if kind == "blocked" else ("kicked", "member")
        return {"update_id": update_id, "my_chat_member": {
            "chat": chat, "from": sender, "date": date, "old_chat_member": {"user": me, "status": old},
            "new_chat_member": {"user": me, "status": new, **({"until_date": 0} if new == "kicked" else {})}}}
    message: dict = {"message_id": int(message_id), "from": sender, "chat": chat, "date": date}
    if kind in ("text", "start"):
        body = text if text is not None else ""
        if kind == "start":
            body = "/start" + (f" {start_param}" if start_param else "")
        message["text"] = body
        if command_entities(body):
            message["entities"] = command_entities(body)
    elif kind == "contact":
        message["contact"] = {"phone_number": phone or "84912345678", "first_name": sender["first_name"],
                              "user_id": int(contact_user_id if contact_user_id is not None else chat_id)}
        if last_name:
            message["contact"]["last_name"] = last_name
    elif kind == "location":
        message["location"] = {"latitude": float(latitude if latitude is not None else 19.806692),
                               "longitude": float(longitude if longitude is not None else 105.785182)}
    elif kind == "photo":
        file_id = "AgACAgUAAx" + secrets.token_urlsafe(20)
        message["photo"] = [{"file_id": file_id + "s", "file_unique_id": file_id[-12:] + "s", "width": 90,
                             "height": 67, "file_size": 1200},
                            {"file_id": file_id, "file_unique_id": file_id[-12:], "width": 1280, "height": 960,
                             "file_size": 98000}]
        if text:
            message["caption"] = text
    return {"update_id": update_id, "message": message}
