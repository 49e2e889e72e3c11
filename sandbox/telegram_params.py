"""Read Bot API parameters the way Telegram does: numbers, flags, text + parse_mode, reply_markup.

Text and markup readers return (value, error_description) in the Bot API's own wording; the others raise ApiError.
"""
from __future__ import annotations

import html
import json
import re

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64  # bytes
CONTACT_PAYLOAD, LOCATION_PAYLOAD = "__contact__", "__location__"
INLINE_ACTIONS = ("callback_data", "url", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
                  "switch_inline_query_chosen_chat", "callback_game", "pay", "web_app", "copy_text")
_TAG = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)"
                  r"(\s[^>]*)?>", re.I)


class ApiError(Exception):
    """A Bot API error answer: HTTP status = error_code, plus optional `parameters` (retry_after...)."""

    def __init__(self, status: int, description: str, **parameters):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def read_int(params: dict, name: str, default: int | None = None) -> int | None:
    """An integer parameter (form values arrive as strings)."""
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {name} specified") from None


def read_bool(params: dict, name: str) -> bool:
    """A boolean parameter ("true"/"1" in form bodies, true in JSON)."""
    return str(params.get(name, "")).lower() in ("true", "1")


def read_json(value):
    """A parameter that may arrive JSON-encoded (form bodies) or already decoded (JSON bodies)."""
    if isinstance(value, str):
        return json.loads(value)
    return value


def read_text(params: dict, field: str = "text") -> tuple[str | None, str | None]:
    """The message text as Telegram stores it (markup removed for parse_mode HTML); checks empty/too long."""
    text = params.get(field)
    text = "" if text is None else str(text)
    mode = str(params.get("parse_mode") or "")
    if mode.lower() == "html":
        text = html.unescape(_TAG.sub("", text))
    elif mode and mode.lower() not in ("markdown", "markdownv2"):
        return None, "Bad Request: unsupported parse_mode"
    if not text.strip():
        return None, "Bad Request: message text is empty"
    if len(text) > MAX_TEXT:
        return None, "Bad Request: message is too long"
    return text, None


def _inline(markup: dict) -> tuple[list | None, str | None]:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return None, "Bad Request: can't parse inline keyboard button: field \"inline_keyboard\" must be an Array"
    buttons = []
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                return None, "Bad Request: can't parse inline keyboard button: Text must be non-empty"
            actions = [a for a in INLINE_ACTIONS if a in button]
            if not actions:
                return None, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in " \
                             "the inline keyboard"
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                return None, "Bad Request: BUTTON_DATA_INVALID"
            payload = data if data is not None else button.get("url") or ""
            buttons.append({"title": button["text"], "payload": payload,
                            "type": "callback" if data is not None else actions[0]})
    return buttons, None


def _reply(markup: dict) -> tuple[list | None, str | None]:
    rows = markup.get("keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return None, "Bad Request: can't parse keyboard: field \"keyboard\" must be an Array"
    buttons = []
    for row in rows:
        for button in row:
            button = {"text": button} if isinstance(button, str) else button
            if not isinstance(button, dict) or not button.get("text"):
                return None, "Bad Request: can't parse keyboard button: Text must be non-empty"
            if button.get("request_contact"):
                payload, kind = CONTACT_PAYLOAD, "request_contact"
            elif button.get("request_location"):
                payload, kind = LOCATION_PAYLOAD, "request_location"
            else:
                payload, kind = button["text"], "reply"
            buttons.append({"title": button["text"], "payload": payload, "type": kind})
    return buttons, None


def read_markup(params: dict) -> tuple[dict | None, str | None]:
    """The reply_markup as {"kind", "buttons", "markup"}; kind is none/inline/keyboard/remove/force_reply."""
    raw = params.get("reply_markup")
    if raw in (None, ""):
        return {"kind": "none", "buttons": [], "markup": None}, None
    try:
        markup = read_json(raw)
    except ValueError:
        return None, "Bad Request: can't parse reply keyboard markup JSON object"
    if not isinstance(markup, dict):
        return None, "Bad Request: can't parse reply keyboard markup JSON object"
    if "inline_keyboard" in markup:
        buttons, error = _inline(markup)
        kind = "inline"
    elif "keyboard" in markup:
        buttons, error = _reply(markup)
        kind = "keyboard"
    elif markup.get("remove_keyboard"):
        buttons, error, kind = [], None, "remove"
    elif markup.get("force_reply"):
        buttons, error, kind = [], None, "force_reply"
    else:
        return None, "Bad Request: can't parse reply keyboard markup JSON object"
    if error:
        return None, error
    return {"kind": kind, "buttons": buttons, "markup": markup}, None


def record_kind(markup: dict) -> str:
    """The `kind` shown by the inspection API for a message with this markup."""
    return {"inline": "buttons", "keyboard": "keyboard"}.get(markup["kind"], "text")
