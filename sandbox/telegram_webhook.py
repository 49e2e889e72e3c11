"""The Telegram stand-in's update side: setWebhook/deleteWebhook/getWebhookInfo/getUpdates and the emitter.

Updates from citizens (built by `build_telegram_update`) go to the webhook with the secret-token header and
Content-Type application/json, or wait in a queue for getUpdates when no webhook is set.
"""
from __future__ import annotations

import json
import re
import threading

from flask import current_app

from core.settings import Settings
from sandbox import chat_store, faults, keys, telegram_state, webhook_sender
from sandbox.telegram_params import ApiError, read_bool, read_int, read_json
from sandbox.telegram_updates import bot_user, build_telegram_update

CHANNEL = "telegram"
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def current_webhook(settings: Settings) -> dict:
    """The webhook config; it starts as Loa's {public_url}/webhooks/telegram, or none in polling mode."""
    url = "" if settings.telegram_mode == "polling" else f"{settings.public_url}/webhooks/telegram"
    return telegram_state.webhook(url, settings.telegram_webhook_secret)


def _settings() -> Settings:
    return current_app.config["LOA_SETTINGS"]


def set_webhook(params: dict) -> tuple[bool, str]:
    """setWebhook (an empty url removes it); pending updates go to the new webhook unless dropped."""
    url, secret = str(params.get("url") or ""), params.get("secret_token")
    if secret not in (None, "") and not SECRET_SHAPE.match(str(secret)):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    current_webhook(_settings())
    allowed = read_json(params["allowed_updates"]) if params.get("allowed_updates") else None
    telegram_state.set_webhook(url, secret, read_int(params, "max_connections", 40), allowed)
    pending = telegram_state.drain_queue() if url else []
    if read_bool(params, "drop_pending_updates"):
        pending = []
        telegram_state.drain_queue()
    settings = _settings()
    for update in pending:
        threading.Thread(target=deliver, args=(settings, update), daemon=True).start()
    return True, "Webhook was set" if url else "Webhook was deleted"


def delete_webhook(params: dict) -> tuple[bool, str]:
    """deleteWebhook."""
    current_webhook(_settings())
    had = telegram_state.set_webhook("")
    if read_bool(params, "drop_pending_updates"):
        telegram_state.drain_queue()
    return True, "Webhook was deleted" if had else "Webhook is already deleted"


def webhook_info(params: dict) -> dict:
    """getWebhookInfo."""
    hook = current_webhook(_settings())
    info = {"url": hook["url"], "has_custom_certificate": False,
            "pending_update_count": telegram_state.pending_count()}
    if hook["url"]:
        info["max_connections"] = hook["max_connections"]
        if hook["allowed_updates"]:
            info["allowed_updates"] = hook["allowed_updates"]
        if hook["last_error_date"]:
            info["last_error_date"], info["last_error_message"] = hook["last_error_date"], hook["last_error_message"]
    return info


def get_updates(params: dict) -> list:
    """getUpdates: long-polls up to `timeout` seconds; 409 while a webhook is set or another poll starts."""
    current_webhook(_settings())
    limit = min(100, max(1, read_int(params, "limit", 100)))
    updates, conflict = telegram_state.get_updates(read_int(params, "offset", 0), limit,
                                                   min(50.0, float(read_int(params, "timeout", 0))))
    if conflict:
        raise ApiError(409, conflict)
    return updates


def emit_update(settings: Settings, kind: str, chat_id: int, **fields) -> dict:
    """Build an Update from a citizen, note the chat, and deliver it to the webhook (or queue it for getUpdates)."""
    chat_id = int(chat_id)
    chat = telegram_state.set_chat(chat_id, exists=True, first_name=fields.get("first_name"),
                                   last_name=fields.get("last_name"), language_code=fields.get("language_code"))
    fields.setdefault("language_code", chat["language_code"])
    fields.setdefault("first_name", chat["first_name"])
    fields.setdefault("last_name", chat["last_name"])
    if kind in ("blocked", "unblocked"):
        telegram_state.set_chat(chat_id, blocked=kind == "blocked")
        fields["bot"] = bot_user(settings.telegram_bot_token)
    if kind == "callback_query":
        pressed = fields.pop("message_id", None)
        stored = chat_store.find(CHANNEL, str(chat_id), str(pressed)) if pressed is not None else None
        if stored is not None:
            fields["callback_message"] = stored["message"]
    elif kind not in ("blocked", "unblocked"):
        fields["message_id"] = telegram_state.next_message_id(chat_id)
    update = build_telegram_update(telegram_state.next_update_id(), kind, chat_id, **fields)
    if kind == "callback_query":
        query = update["callback_query"]
        telegram_state.add_callback(query["id"], chat_id, query["data"])
    return {"update": update, "delivery": deliver(settings, update)}


def deliver(settings: Settings, update: dict) -> dict:
    """POST one update to the webhook (retrying on failure), or queue it for getUpdates when there is none."""
    hook = current_webhook(settings)
    if not hook["url"]:
        telegram_state.enqueue(update)
        return {"queued": True, "status": None}
    keys.refuse_foreign(settings)  # the bot token and webhook secret in force must be the sandbox's own
    headers = {"Content-Type": "application/json"}
    if hook["secret_token"]:
        headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
    body = json.dumps(update, ensure_ascii=False, separators=(",", ":")).encode()
    config = faults.config(CHANNEL)
    result = webhook_sender.deliver(CHANNEL, hook["url"], body, headers, config["webhook_retry_delays"],
                                    config["webhook_timeout_s"], label=f"update:{update['update_id']}")
    telegram_state.note_webhook_error(result.get("error"))
    return result
