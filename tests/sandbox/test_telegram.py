"""The Telegram Bot API stand-in over real HTTP, driven by python-telegram-bot itself and by raw requests."""
from __future__ import annotations

import asyncio
import json
import warnings

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.sandbox.helpers import fault, tg

pytestmark = pytest.mark.nodb
CHAT = 501234567


def run(coro_fn, sandbox, token):
    """Run `coro_fn(bot)` with a PTB Bot pointed at the sandbox."""
    async def main():
        async with Bot(token, base_url=f"{sandbox.url}/telegram/bot") as bot:
            return await coro_fn(bot)
    return asyncio.run(main())


def test_ptb_get_me_send_edit_and_answer(api, sandbox_clean, settings):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sốt", callback_data="/sym fever"),
                                      InlineKeyboardButton("Ho", callback_data="/sym cough")]])

    async def flow(bot):
        me = bot.bot
        sent = await bot.send_message(CHAT, "Bạn có triệu chứng nào?", reply_markup=keyboard)
        edited = await bot.edit_message_text("Đã chọn: Sốt", chat_id=CHAT, message_id=sent.message_id,
                                             reply_markup=keyboard)
        share = await bot.send_message(CHAT, "Số điện thoại?", reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton("📱 Gửi số", request_contact=True)]], one_time_keyboard=True))
        return me, sent, edited, share

    me, sent, edited, share = run(flow, sandbox_clean, settings.telegram_bot_token)
    assert me.is_bot and me.username and me.id == int(settings.telegram_bot_token.split(":")[0])
    assert sent.chat.id == CHAT and sent.text == "Bạn có triệu chứng nào?" and sent.message_id >= 1
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "/sym fever"
    assert edited.message_id == sent.message_id and edited.edit_date is not None
    assert share.message_id == sent.message_id + 1 and share.reply_markup is None  # reply keyboards are not echoed
    items = api.get("/_sandbox/messages", params={"channel": "telegram", "user_id": str(CHAT)}).json()
    assert [i["kind"] for i in items] == ["buttons", "keyboard"]
    assert items[0]["text"] == "Đã chọn: Sốt" and items[0]["edits"] == 1
    assert items[0]["buttons"] == [{"title": "Sốt", "payload": "/sym fever", "type": "callback"},
                                   {"title": "Ho", "payload": "/sym cough", "type": "callback"}]
    assert items[1]["buttons"] == [{"title": "📱 Gửi số", "payload": "__contact__", "type": "request_contact"}]


def test_ptb_answers_a_callback_query_the_sandbox_sent(api, sandbox_clean, settings):
    tg(api, settings, "deleteWebhook")  # updates wait for getUpdates instead of going to a Loa that is not up
    sent = tg(api, settings, "sendMessage", chat_id=CHAT, text="?",
              reply_markup=json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "/a"}]]})).json()
    pressed = api.post("/_sandbox/telegram/emit", json={"kind": "callback_query", "chat_id": CHAT, "data": "/a",
                                                        "message_id": sent["result"]["message_id"]}).json()
    query = pressed["update"]["callback_query"]
    assert query["message"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "/a"

    async def answer(bot):
        first = await bot.answer_callback_query(query["id"], text="OK")
        try:
            await bot.answer_callback_query(query["id"])
        except BadRequest as exc:
            return first, str(exc)
        return first, None

    first, second = run(answer, sandbox_clean, settings.telegram_bot_token)
    assert first is True and "query is too old" in second.lower()
    (recorded,) = api.get("/_sandbox/telegram/callbacks").json()
    assert recorded["answered"] and recorded["answer"] == {"text": "OK"}


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


# (case, fault spec, PTB exception, text it must contain)
PTB_FAULTS = [
    ("injected 429", dict(fail_next={"count": 1, "status": 429, "retry_after": 3, "method": "sendMessage"}),
     RetryAfter, "retry"),
    ("blocked user", dict(user_id=str(CHAT), blocked=True), Forbidden, "bot was blocked by the user"),
    ("deactivated user", dict(user_id=str(CHAT), deactivated=True), Forbidden, "user is deactivated"),
    ("chat not found", dict(user_id=str(CHAT), exists=False), BadRequest, "chat not found"),
    ("injected 502", dict(fail_next={"status": 502, "method": "sendMessage"}), NetworkError, "bad gateway"),
]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PTB 22 warns when building RetryAfter(int)
@pytest.mark.parametrize("case,spec,error,text", PTB_FAULTS, ids=[r[0] for r in PTB_FAULTS])
def test_ptb_raises_its_own_errors_for_injected_faults(api, sandbox_clean, settings, case, spec, error, text):
    fault(api, channel="telegram", **spec)
    with pytest.raises(error) as caught:
        run(lambda bot: bot.send_message(CHAT, "hi"), sandbox_clean, settings.telegram_bot_token)
    assert text in str(caught.value).lower()
    if error is RetryAfter:
        assert _seconds(caught.value) == 3


def test_ptb_with_a_wrong_token_gets_invalid_token(sandbox_clean):
    with pytest.raises(InvalidToken):
        run(lambda bot: bot.get_me(), sandbox_clean, "123:wrong-token")


def test_flood_limit_per_chat_and_overall(api, settings):
    fault(api, channel="telegram", rate_limit={"per_chat_per_s": 0.1, "chat_burst": 2, "overall_per_s": 0})
    statuses = [tg(api, settings, "sendMessage", chat_id=CHAT, text=str(i)) for i in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    body = statuses[2].json()
    assert body["ok"] is False and body["error_code"] == 429 and body["parameters"]["retry_after"] >= 1
    assert body["description"].startswith("Too Many Requests: retry after ")
    assert tg(api, settings, "sendMessage", chat_id=CHAT + 1, text="other chat").status_code == 200
    fault(api, channel="telegram", rate_limit={"per_chat_per_s": 0, "overall_per_s": 1000000, "chat_burst": 0})
    fault(api, channel="telegram", rate_limit={"overall_per_s": 3})
    codes = [tg(api, settings, "sendMessage", chat_id=CHAT + i, text="x").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    fault(api, channel="telegram", rate_limit="off")
    assert all(tg(api, settings, "sendMessage", chat_id=CHAT, text="x").status_code == 200 for _ in range(40))


def _send(api, settings, how: str):
    url = f"/telegram/bot{settings.telegram_bot_token}/"
    params = {"chat_id": str(CHAT), "text": "xin chào"}
    if how == "form":
        return api.post(url + "sendMessage", data=params)
    if how == "json":
        return api.post(url + "sendMessage", json={**params, "chat_id": CHAT})
    if how == "multipart":
        return api.post(url + "sendMessage", data=params, files={"unused": ("a.txt", b"x")})
    if how == "query":
        return api.get(url + "sendMessage", params=params)
    return api.post(url + "SENDMESSAGE", data=params)


@pytest.mark.parametrize("how", ["form", "json", "multipart", "query", "upper-case method"])
def test_every_body_encoding_works(api, settings, how):
    body = _send(api, settings, how).json()
    assert body["ok"] and body["result"]["text"] == "xin chào" and body["result"]["chat"]["id"] == CHAT


LONG_DATA = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]})
# (case, method, params, HTTP status, description)
ERRORS = [
    ("empty text", "sendMessage", dict(chat_id=CHAT, text=" "), 400, "Bad Request: message text is empty"),
    ("text too long", "sendMessage", dict(chat_id=CHAT, text="a" * 4097), 400, "Bad Request: message is too long"),
    ("callback_data over 64 bytes", "sendMessage", dict(chat_id=CHAT, text="a", reply_markup=LONG_DATA), 400,
     "Bad Request: BUTTON_DATA_INVALID"),
    ("markup not JSON", "sendMessage", dict(chat_id=CHAT, text="a", reply_markup="{nope"), 400,
     "Bad Request: can't parse reply keyboard markup JSON object"),
    ("no chat_id", "sendMessage", dict(text="a"), 400, "Bad Request: chat_id is empty"),
    ("channel username", "sendMessage", dict(chat_id="@nobody", text="a"), 400, "Bad Request: chat not found"),
    ("unknown method", "sendTelepathy", dict(chat_id=CHAT), 404, "Not Found"),
    ("edit a message that does not exist", "editMessageText", dict(chat_id=CHAT, message_id=999999, text="a"),
     400, "Bad Request: message to edit not found"),
    ("answer an unknown callback", "answerCallbackQuery", dict(callback_query_id="nope"), 400,
     "Bad Request: query is too old and response timeout expired or query ID is invalid"),
    ("bad chat action", "sendChatAction", dict(chat_id=CHAT, action="dancing"), 400,
     "Bad Request: wrong parameter action in request"),
    ("getUpdates while the webhook is set", "getUpdates", {}, 409,
     "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"),
    ("bad secret token", "setWebhook", dict(url="https://x", secret_token="a b"), 400,
     "Bad Request: secret token contains unallowed characters"),
]


@pytest.mark.parametrize("case,method,params,status,description", ERRORS, ids=[r[0] for r in ERRORS])
def test_errors_have_the_real_status_and_envelope(api, settings, case, method, params, status, description):
    resp = tg(api, settings, method, **params)
    assert resp.status_code == status
    assert resp.json() == {"ok": False, "error_code": status, "description": description}


def test_edit_without_change_is_not_modified_and_without_markup_drops_the_keyboard(api, settings):
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "/a"}]]})
    sent = tg(api, settings, "sendMessage", chat_id=CHAT, text="t", reply_markup=markup).json()["result"]
    same = tg(api, settings, "editMessageText", chat_id=CHAT, message_id=sent["message_id"], text="t",
              reply_markup=markup)
    assert same.status_code == 400 and "message is not modified" in same.json()["description"]
    plain = tg(api, settings, "editMessageText", chat_id=CHAT, message_id=sent["message_id"], text="t").json()
    assert plain["ok"] and "reply_markup" not in plain["result"]
    only_markup = tg(api, settings, "editMessageReplyMarkup", chat_id=CHAT, message_id=sent["message_id"],
                     reply_markup=markup).json()
    assert only_markup["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "/a"


def test_wrong_tokens(api):
    assert api.post("/telegram/bot123:not-ours/getMe").json() == {"ok": False, "error_code": 401,
                                                                   "description": "Unauthorized"}
    assert api.post("/telegram/botgarbage/getMe").status_code == 404
