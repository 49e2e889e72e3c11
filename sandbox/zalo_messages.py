"""Check an OA `message` object the way the Zalo OA API would, and turn it into an inspectable record.

`read_message(kind, message)` returns (error_code, error_message, record_fields): error_code 0 means valid.
"""
from __future__ import annotations

MAX_TEXT = 2000
MAX_BUTTONS = 5
TITLE_MAX = 100
SUBTITLE_MAX = 500
BUTTON_TYPES = {"oa.query.show", "oa.query.hide", "oa.open.url", "oa.open.phone", "oa.open.sms"}
CONTACT_PAYLOAD = "__contact__"  # how a request_user_info card's "share" button shows up in the inspection API
ERRORS = {
    -32: "Your application reached limit call api",
    -200: "Send message failed",
    -201: "Parameter is invalid",
    -209: "API not supported",
    -210: "Parameter exceeds allowed limit",
    -211: "Out of quota",
    -213: "User has not followed OA",
    -216: "Access token is invalid",
    -217: "User has blocked invitation from OA",
    -218: "Out of quota receive",
    -220: "Access token is expired or removed",
    -227: "User is banned or inactive more than 45 days",
    -230: "User has not interacted with the OA in the last 7 days",
    -232: "User has not interacted with the OA or the interaction has expired",
    -233: "Message type is invalid or not supported",
    -234: "Promotion messages cannot be sent at night",
    -244: "User has restricted this type of message from the OA",
}


def error_message(code: int) -> str:
    """Zalo's message text for an error code."""
    return ERRORS.get(code, "Error")


def _bad(code: int, what: str) -> tuple[int, str, dict]:
    return code, what, {}


def _button(button: dict) -> tuple[dict | None, str]:
    kind, title, payload = button.get("type"), button.get("title"), button.get("payload")
    if kind not in BUTTON_TYPES:
        return None, "button.type is invalid"
    if not isinstance(title, str) or not title or len(title) > TITLE_MAX:
        return None, "button.title is invalid"
    if kind in ("oa.query.show", "oa.query.hide"):
        if not isinstance(payload, str) or not payload:
            return None, "button.payload is invalid"
        shown = payload
    elif kind == "oa.open.url":
        shown = (payload or {}).get("url") if isinstance(payload, dict) else None
    else:  # phone and sms buttons carry the number to call or text
        shown = (payload or {}).get("phone_code") if isinstance(payload, dict) else None
    if not shown:
        return None, "button.payload is invalid"
    return {"title": title, "payload": shown, "type": kind}, ""


def _buttons(raw) -> tuple[list | None, int, str]:
    if raw is None:
        return [], 0, ""
    if not isinstance(raw, list):
        return None, -201, "buttons is invalid"
    if len(raw) > MAX_BUTTONS:
        return None, -210, "buttons exceeds allowed limit"
    out = []
    for button in raw:
        shown, why = _button(button if isinstance(button, dict) else {})
        if shown is None:
            return None, -201, why
        out.append(shown)
    return out, 0, ""


def _template(kind: str, payload: dict, text: str) -> tuple[int, str, dict]:
    template = payload.get("template_type")
    if kind == "transaction" and not str(template).startswith("transaction_"):
        return _bad(-233, "template_type is not a transaction template")
    if kind == "promotion" and template != "promotion":
        return _bad(-233, "template_type is not a promotion template")
    if template == "button":
        body = payload.get("text") or text
        if not body or len(body) > MAX_TEXT:
            return _bad(-201, "payload.text is invalid")
        buttons, code, why = _buttons(payload.get("buttons"))
        return (code, why, {}) if code else (0, "", {"kind": "buttons", "text": body, "buttons": buttons})
    if template == "request_user_info":
        elements = payload.get("elements") or []
        first = elements[0] if elements and isinstance(elements[0], dict) else {}
        title, subtitle = first.get("title") or "", first.get("subtitle") or ""
        if not title or len(title) > TITLE_MAX or len(subtitle) > SUBTITLE_MAX:
            return _bad(-201, "elements.title is invalid")
        return 0, "", {"kind": "request_user_info", "text": "\n".join(p for p in (title, subtitle) if p),
                       "buttons": [{"title": title, "payload": CONTACT_PAYLOAD, "type": "request_user_info"}]}
    if template == "media":
        elements = payload.get("elements") or []
        first = elements[0] if elements and isinstance(elements[0], dict) else {}
        media = first.get("url") or first.get("attachment_id")
        if first.get("media_type") not in ("image", "gif") or not media:
            return _bad(-201, "elements is invalid")
        return 0, "", {"kind": "image", "text": text, "media": media}
    if kind in ("transaction", "promotion"):
        parts = [str(e.get("content")) for e in payload.get("elements") or []
                 if isinstance(e, dict) and e.get("type") in ("header", "text") and e.get("content")]
        buttons, code, why = _buttons(payload.get("buttons"))
        return (code, why, {}) if code else (0, "", {"kind": kind, "text": "\n".join(parts), "buttons": buttons})
    return _bad(-201, "template_type is invalid")


def read_message(kind: str, message) -> tuple[int, str, dict]:
    """Validate a `message` sent to /v3.0/oa/message/<kind>; (0, "", record fields) when Zalo would take it."""
    if not isinstance(message, dict):
        return _bad(-201, "message is invalid")
    text = message.get("text") or ""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return _bad(-210 if isinstance(text, str) else -201, "message.text is invalid")
    attachment = message.get("attachment")
    if attachment is None:
        if kind != "cs":
            return _bad(-233, "message must be a template")
        if not text.strip():
            return _bad(-201, "message.text is invalid")
        return 0, "", {"kind": "text", "text": text, "buttons": []}
    if not isinstance(attachment, dict) or not isinstance(attachment.get("payload"), dict):
        return _bad(-201, "attachment is invalid")
    if attachment.get("type") == "file" and kind == "cs":
        token = attachment["payload"].get("token")
        return (0, "", {"kind": "file", "text": text, "media": token}) if token else _bad(-201, "token is invalid")
    if attachment.get("type") != "template":
        return _bad(-201, "attachment.type is invalid")
    return _template(kind, attachment["payload"], text)
