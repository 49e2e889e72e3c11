"""Telegram updates -> Inbound, read through strict schemas (bot.channels.telegram_schema); private chats only."""
from __future__ import annotations

import json

from bot.channels import ParseError
from bot.channels.schema import check
from bot.channels.telegram_schema import Update, User
from bot.messages import Inbound

CHANNEL = "telegram"


def _phone(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    return "+" + digits if digits else raw  # Telegram sends with or without the plus


def _base(update: Update, chat_id: int, kind: str, user: User | None) -> Inbound:
    return Inbound(channel=CHANNEL, user_id=str(chat_id), kind=kind,
                   language_code=user.language_code if user else None,
                   display_name=(user.full_name if user else None) or None,
                   extra={"event_id": f"update:{update.update_id}"})


def _from_message(update: Update) -> list[Inbound]:
    msg = update.message
    if msg.chat.type != "private":
        return []  # the bot is for citizens one to one; group chatter is not addressed to it
    inbound = _base(update, msg.chat.id, "text", msg.from_)
    inbound.msg_id = str(msg.message_id)
    if msg.text is not None:
        text = msg.text.strip()
        inbound.text = text
        command = text.split()[0].split("@")[0] if text.startswith("/") else ""  # "/menu@LoaBot" -> "/menu"
        if command == "/start":
            inbound.kind, inbound.text, inbound.payload = "start", "/start", "/start"
            if len(text.split()) > 1:
                inbound.extra["start_param"] = text.split(maxsplit=1)[1]  # deep link t.me/bot?start=...
        elif command:
            inbound.kind, inbound.payload = "button", command
            inbound.text = " ".join([command, *text.split()[1:]])
    elif msg.contact is not None:
        inbound.kind, inbound.phone = "contact", _phone(msg.contact.phone_number)
        # Only a contact the user shared about themselves proves their number.
        inbound.extra["own"] = msg.contact.user_id is not None and msg.from_ is not None \
            and msg.contact.user_id == msg.from_.id
    elif msg.location is not None:
        inbound.kind = "location"
        inbound.latitude, inbound.longitude = msg.location.latitude, msg.location.longitude
    elif msg.photo:
        biggest = msg.photo[-1]
        # Telegram file URLs carry the bot token, so only the file id is kept.
        inbound.kind, inbound.media_url = "image", f"telegram-file:{biggest.file_id}"
        inbound.text = msg.caption or ""
    elif media := _media(msg):
        kind, item = media
        inbound.kind, inbound.text = kind, msg.caption or ""
        inbound.extra["media_url"] = f"telegram-file:{item.file_id}"
    else:
        return []  # games, polls, dice...: nothing the engine reads
    return [inbound]


# Checked in this order: an animation (GIF) also carries a document.
MEDIA_KINDS = (("sticker", "sticker"), ("animation", "sticker"), ("voice", "voice"), ("audio", "voice"),
               ("video", "video"), ("video_note", "video"), ("document", "file"))


def _media(msg) -> tuple[str, object] | None:
    """(kind, media) for a sticker, GIF, voice note, audio, video or document the engine answers."""
    for field, kind in MEDIA_KINDS:
        item = getattr(msg, field)
        if item is not None:
            return kind, item
    return None


def _from_callback(update: Update) -> list[Inbound]:
    query = update.callback_query
    message = query.message
    chat = message.chat if message is not None else None
    if chat is not None and chat.type != "private":
        return []
    inbound = _base(update, chat.id if chat is not None else query.from_.id, "button", query.from_)
    inbound.payload = inbound.text = query.data or ""
    inbound.msg_id = query.id
    inbound.extra["callback_query_id"] = query.id
    if message is not None:
        inbound.extra["message_id"] = message.message_id
        if message.reply_markup is not None:
            # Lets send() recognise a toggle on the same keyboard and edit it in place.
            inbound.extra["keyboard"] = sorted(b.callback_data for row in message.reply_markup.inline_keyboard
                                               for b in row if b.callback_data)
    return [inbound]


def _from_member(update: Update) -> list[Inbound]:
    change = update.my_chat_member
    if change.chat.type != "private":
        return []
    kind = {"kicked": "unfollow", "member": "follow"}.get(change.new_chat_member.status)
    return [_base(update, change.chat.id, kind, change.from_)] if kind else []


def parse_update(body: bytes) -> list[Inbound]:
    """The Inbounds in one update; [] for updates Loa ignores (edits, groups); ParseError when malformed."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ParseError("body is not JSON") from exc
    if not isinstance(data, dict) or "update_id" not in data:
        raise ParseError("not a Telegram update")
    update = check(Update, data)
    if update.message is not None:
        return _from_message(update)
    if update.callback_query is not None:
        return _from_callback(update)
    if update.my_chat_member is not None:
        return _from_member(update)
    return []  # edited messages, channel posts, inline queries...
