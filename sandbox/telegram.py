"""Stand-in for the Telegram Bot API: /telegram/bot<token>/<method>, plus the update emitter (updates to Loa).

Methods (case-insensitive; form-urlencoded, multipart, JSON or query-string parameters): getMe, sendMessage,
editMessageText, editMessageReplyMarkup, deleteMessage, answerCallbackQuery, sendChatAction, setWebhook,
deleteWebhook, getWebhookInfo, getUpdates, setMyCommands/getMyCommands/deleteMyCommands. Errors carry the real
HTTP status and {"ok": false, "error_code", "description", "parameters"?}, which is what PTB maps to exceptions.
Flood limits (sandbox.faults "rate_limit") count sendMessage only: overall per second, per private chat (token
bucket with a burst), per group per minute; beyond them 429 with parameters.retry_after >= 1.
The webhook starts set to Loa's {public_url}/webhooks/telegram (unless TELEGRAM_MODE=polling).
The /_sandbox endpoints that drive this module are in sandbox.inspect.
"""
from __future__ import annotations

import re
import time

from flask import Blueprint, Response, current_app, jsonify, request

from core.settings import Settings
from sandbox import chat_store, faults, telegram_state, telegram_webhook
from sandbox.telegram_params import ApiError, read_int, read_markup, read_text, record_kind
from sandbox.telegram_updates import bot_user, build_telegram_update, private_chat  # noqa: F401 (re-export)
from sandbox.telegram_webhook import emit_update  # noqa: F401 (re-export)

bp = Blueprint("telegram", __name__, url_prefix="/telegram")
CHANNEL = "telegram"
TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}
STATUS_TEXT = {400: "Bad Request: chat not found", 403: "Forbidden: bot was blocked by the user",
               401: "Unauthorized", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error",
               502: "Bad Gateway", 503: "Service Unavailable"}


def _settings() -> Settings:
    return current_app.config["LOA_SETTINGS"]


def error_response(status: int, description: str, **parameters) -> Response:
    """The Bot API's error envelope with the matching HTTP status."""
    body = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    resp = jsonify(body)
    resp.status_code = status
    if "retry_after" in parameters:
        resp.headers["Retry-After"] = str(parameters["retry_after"])
    return resp


def _params() -> dict:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: can't parse JSON object")
        return {**request.args.to_dict(), **body}
    return request.values.to_dict()  # query string + form (urlencoded or multipart)


def _chat(params: dict, method: str) -> dict:
    """The addressed chat, after injected faults and the per-user states (not found, blocked, deactivated)."""
    raw = params.get("chat_id")
    if raw in (None, ""):
        raise ApiError(400, "Bad Request: chat_id is empty")
    try:
        chat_id = int(raw)
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request: chat not found") from None  # @channelname: the sandbox has none
    rule = faults.take_failure(CHANNEL, str(chat_id), method)
    if rule is not None:
        _raise_injected(rule)
    chat = telegram_state.get_chat(chat_id, create=faults.setting(CHANNEL, "unknown_chats") == "accept")
    if chat is None or not chat["exists"]:
        raise ApiError(400, "Bad Request: chat not found")
    if chat["blocked"]:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if chat["deactivated"]:
        raise ApiError(403, "Forbidden: user is deactivated")
    return chat


def _raise_injected(rule: dict) -> None:
    status = int(rule.get("status") or 400)
    if status == 429:
        retry = max(1, int(rule.get("retry_after") or 1))
        raise ApiError(429, rule.get("description") or f"Too Many Requests: retry after {retry}", retry_after=retry)
    raise ApiError(status, rule.get("description") or STATUS_TEXT.get(status, "Bad Request"))


def _flood(chat_id: int) -> None:
    """429 with retry_after when the overall, per-chat or per-group sending limit is exceeded."""
    limit = faults.setting(CHANNEL, "rate_limit")
    checks = [(("tg", "all"), lambda: faults.Window(int(limit["overall_per_s"]), 1.0))]
    if chat_id > 0:
        checks.append((("tg", "chat", chat_id),
                       lambda: faults.Bucket(float(limit["per_chat_per_s"]), float(limit["chat_burst"]))))
    else:
        checks.append((("tg", "group", chat_id), lambda: faults.Window(int(limit["group_per_min"]), 60.0)))
    retry = faults.limited(checks)
    if retry:
        raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)


def _message(chat: dict, message_id: int, text: str, markup: dict, date: int | None = None) -> dict:
    message = {"message_id": message_id, "from": bot_user(_settings().telegram_bot_token),
               "chat": private_chat(chat["id"], chat["first_name"], chat["last_name"]),
               "date": date or int(time.time()), "text": text}
    if markup["kind"] == "inline":  # only inline keyboards are echoed back on a Message
        message["reply_markup"] = markup["markup"]
    return message


def send_message(params: dict) -> dict:
    """sendMessage."""
    text, error = read_text(params)
    markup, error = (None, error) if error else read_markup(params)
    if error:
        raise ApiError(400, error)
    chat = _chat(params, "sendMessage")
    _flood(chat["id"])
    message = _message(chat, telegram_state.next_message_id(chat["id"]), text, markup)
    chat_store.record(CHANNEL, str(chat["id"]), str(message["message_id"]), record_kind(markup), text,
                      markup["buttons"], raw=params, message=message, remove_keyboard=markup["kind"] == "remove")
    return message


def _edit(params: dict, method: str, new_text: bool) -> dict | bool:
    if params.get("inline_message_id"):
        return True  # messages sent via inline mode are not kept by the sandbox
    text, error = read_text(params) if new_text else (None, None)
    markup, error = (None, error) if error else read_markup(params)
    if error:
        raise ApiError(400, error)
    chat = _chat(params, method)
    message_id = read_int(params, "message_id")
    stored = chat_store.find(CHANNEL, str(chat["id"]), str(message_id)) if message_id else None
    if stored is None or stored.get("deleted"):
        raise ApiError(400, "Bad Request: message to edit not found")
    text = stored["text"] if text is None else text
    old = stored["message"].get("reply_markup")
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    if text == stored["text"] and (markup["markup"] if markup["kind"] == "inline" else None) == old:
        raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                            "markup are exactly the same as a current content and reply markup of the message")
    message = _message(chat, message_id, text, markup, date=stored["message"]["date"])
    message["edit_date"] = int(time.time())
    chat_store.update(CHANNEL, str(chat["id"]), str(message_id), text=text, buttons=markup["buttons"],
                      kind=record_kind(markup), message=message)
    return message


def answer_callback_query(params: dict) -> bool:
    """answerCallbackQuery: only for queries the sandbox sent, once, within the time limit."""
    query_id = str(params.get("callback_query_id") or "")
    answer = {k: params.get(k) for k in ("text", "show_alert", "url", "cache_time") if params.get(k) is not None}
    if not telegram_state.answer_callback(query_id, float(faults.setting(CHANNEL, "callback_ttl_s")), answer):
        raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
    return True


def send_chat_action(params: dict) -> bool:
    """sendChatAction (not counted against flood limits)."""
    if params.get("action") not in CHAT_ACTIONS:
        raise ApiError(400, "Bad Request: wrong parameter action in request")
    _chat(params, "sendChatAction")
    return True


def delete_message(params: dict) -> bool:
    """deleteMessage: marks the message deleted in the inspection store."""
    chat = _chat(params, "deleteMessage")
    message_id = str(read_int(params, "message_id") or "")
    stored = chat_store.find(CHANNEL, str(chat["id"]), message_id)
    if stored is None or stored.get("deleted"):
        raise ApiError(400, "Bad Request: message to delete not found")
    chat_store.update(CHANNEL, str(chat["id"]), message_id, deleted=True)
    return True


METHODS = {
    "getme": lambda p: bot_user(_settings().telegram_bot_token) | {
        "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
        "can_connect_to_business": False, "has_main_web_app": False},
    "sendmessage": send_message,
    "editmessagetext": lambda p: _edit(p, "editMessageText", new_text=True),
    "editmessagereplymarkup": lambda p: _edit(p, "editMessageReplyMarkup", new_text=False),
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
    "sendchataction": send_chat_action,
    "setwebhook": telegram_webhook.set_webhook,
    "deletewebhook": telegram_webhook.delete_webhook,
    "getwebhookinfo": telegram_webhook.webhook_info,
    "getupdates": telegram_webhook.get_updates,
    "setmycommands": lambda p: True,
    "deletemycommands": lambda p: True,
    "getmycommands": lambda p: [],
}


@bp.route("/bot<token>/<method>", methods=["GET", "POST"])
def api(token: str, method: str):
    """One Bot API call."""
    if not TOKEN_SHAPE.match(token):
        return error_response(404, "Not Found")
    if token != _settings().telegram_bot_token:
        return error_response(401, "Unauthorized")
    handler = METHODS.get(method.lower())
    if handler is None:
        return error_response(404, "Not Found")
    try:
        params = _params()
        if "chat_id" not in params:  # calls with a chat meet their injected faults in _chat()
            rule = faults.take_failure(CHANNEL, None, method)
            if rule is not None:
                _raise_injected(rule)
        result = handler(params)
    except ApiError as exc:
        return error_response(exc.status, exc.description, **exc.parameters)
    if isinstance(result, tuple):  # (result, description) like setWebhook's "Webhook was set"
        return jsonify(ok=True, result=result[0], description=result[1])
    return jsonify(ok=True, result=result)


@bp.get("/file/bot<token>/<path:path>")
def file(token: str, path: str):
    """File downloads: the sandbox keeps no files, so any path gives a few placeholder bytes."""
    if token != _settings().telegram_bot_token:
        return error_response(401, "Unauthorized")
    return Response(b"sandbox file " + path.encode(), mimetype="application/octet-stream")


def reset() -> None:
    """Forget chats, pending updates, callback queries; the webhook goes back to Loa's."""
    telegram_state.reset()
