"""The Telegram adapter over recorded updates: each row names the case, the input and what comes out."""
from __future__ import annotations

import datetime as dtm

import pytest
from telegram.error import RetryAfter

from bot.channels import ParseError
from bot.channels.telegram import TelegramAdapter, inline_keyboard, retry_seconds
from bot.messages import Button, Inbound, Reply
from tests.bot.helpers import payload

CHAT = "501234567"

HANDLED = [
    ("typed text", "message_text",
     dict(kind="text", user_id=CHAT, text="tôi muốn khai báo y tế", msg_id="101", language_code="vi",
          display_name="An Nguyễn", extra={"event_id": "update:810000001"})),
    ("/start with the app language", "start",
     dict(kind="start", payload="/start", language_code="en", extra={"event_id": "update:810000002"})),
    ("/start from a deep link", "start_deep_link", dict(kind="start", extra={"start_param": "qr-poster-38"})),
    ("a command is a button payload", "command", dict(kind="button", payload="/menu", text="/menu")),
    ("own contact, phone to E.164", "contact", dict(kind="contact", phone="+84912345678", extra={"own": True})),
    ("someone else's contact", "contact_of_someone_else",
     dict(kind="contact", phone="+84987654321", extra={"own": False})),
    ("location", "location", dict(kind="location", latitude=19.806692, longitude=105.785182)),
    ("photo: biggest size, no token in the url", "photo",
     dict(kind="image", media_url="telegram-file:AgACAgUAAxkBAAIBbig", text="quán karaoke vẫn mở")),
    ("inline button press", "callback_query",
     dict(kind="button", payload="/sym fever", msg_id="4382bfdwdsb323b2d9",
          extra={"callback_query_id": "4382bfdwdsb323b2d9", "message_id": 110,
                 "keyboard": ["/sym cough", "/sym done", "/sym fever"]})),
    ("blocked the bot", "my_chat_member_kicked", dict(kind="unfollow", user_id=CHAT)),
    # Media the engine cannot read still come in, so the citizen gets an answer (never silence).
    ("sticker", "sticker", dict(kind="sticker", extra={"media_url": "telegram-file:CAACAgIAAxkBAAIB"})),
    ("GIF: an animation, not its document", "animation", dict(kind="sticker")),
    ("voice note", "voice", dict(kind="voice", extra={"media_url": "telegram-file:AwACAgUAAxkBAAIBvoice"})),
    ("audio file", "audio", dict(kind="voice")),
    ("document with caption", "document", dict(kind="file", text="giấy xét nghiệm", media_url=None)),
    ("video", "video", dict(kind="video")),
    ("round video note", "video_note", dict(kind="video")),
]
IGNORED = [("edited message", "edited_message"), ("group chat", "group_message")]
MALFORMED = [("truncated JSON", "truncated"), ("no update_id", "no_update_id"),
             ("message without chat", "message_without_chat")]


@pytest.fixture(scope="module")
def telegram(settings):
    return TelegramAdapter(settings)


@pytest.mark.parametrize("case,fixture,expected", HANDLED, ids=[r[0] for r in HANDLED])
def test_handled_updates(telegram, case, fixture, expected):
    (inbound,) = telegram.parse(payload("telegram", fixture))
    assert inbound.channel == "telegram" and inbound.user_id == CHAT
    for name, value in expected.items():
        actual = getattr(inbound, name)
        assert ({k: actual.get(k) for k in value} if name == "extra" else actual) == value, name


@pytest.mark.parametrize("case,fixture", IGNORED, ids=[r[0] for r in IGNORED])
def test_ignored_updates(telegram, case, fixture):
    assert telegram.parse(payload("telegram", fixture)) == []


@pytest.mark.parametrize("case,fixture", MALFORMED, ids=[r[0] for r in MALFORMED])
def test_malformed_updates(telegram, case, fixture):
    with pytest.raises(ParseError):
        telegram.parse(payload("telegram", fixture))


SECRETS = [
    ("our secret, JSON", lambda s: {"X-Telegram-Bot-Api-Secret-Token": s.telegram_webhook_secret,
                                    "Content-Type": "application/json"}, True),
    ("charset in the content type", lambda s: {"X-Telegram-Bot-Api-Secret-Token": s.telegram_webhook_secret,
                                               "Content-Type": "application/json; charset=utf-8"}, True),
    ("wrong secret", lambda s: {"X-Telegram-Bot-Api-Secret-Token": "guess", "Content-Type": "application/json"},
     False),
    ("no secret", lambda s: {"Content-Type": "application/json"}, False),
    ("form body", lambda s: {"X-Telegram-Bot-Api-Secret-Token": s.telegram_webhook_secret,
                             "Content-Type": "application/x-www-form-urlencoded"}, False),
]


@pytest.mark.parametrize("case,headers,ok", SECRETS, ids=[r[0] for r in SECRETS])
def test_secret_token(telegram, settings, case, headers, ok):
    assert telegram.verify(headers(settings), payload("telegram", "message_text")) is ok


def test_keyboard_layout_and_toggle_detection(telegram):
    short = inline_keyboard(Reply(text="?", buttons=[Button("Có", "/yes"), Button("Không", "/no"),
                                                     Button("Quay lại", "/back")]))
    assert [len(row) for row in short.inline_keyboard] == [2, 1]
    long = inline_keyboard(Reply(text="?", buttons=[Button("Khai báo y tế cho cả gia đình", "/household")]))
    assert long.inline_keyboard[0][0].callback_data == "/household"
    press = telegram.parse(payload("telegram", "callback_query"))[0]
    symptoms = Reply(text="Bạn có triệu chứng nào?", multi_select=True,
                     buttons=[Button("✅ Sốt", "/sym fever"), Button("Ho", "/sym cough"), Button("Xong", "/sym done")])
    assert telegram._is_toggle(symptoms, press)
    assert not telegram._is_toggle(Reply(text="menu", buttons=[Button("A", "/a")], multi_select=True), press)
    assert not telegram._is_toggle(symptoms, Inbound(channel="telegram", user_id=CHAT, text="hi"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # building RetryAfter(int) warns in PTB 22
@pytest.mark.parametrize("value,seconds", [(35, 35.0), (dtm.timedelta(seconds=7), 7.0)])
def test_retry_after_is_seconds_either_way(value, seconds):
    assert retry_seconds(RetryAfter(value)) == seconds
