"""Updates from the Telegram stand-in: real Update objects, delivered to the webhook or kept for getUpdates."""
from __future__ import annotations

import json
import threading

import pytest
from telegram import Update

from core.testing import wait_until
from sandbox.telegram import build_telegram_update
from tests.sandbox.helpers import tg

pytestmark = pytest.mark.nodb
CHAT = 501234567

# (emit body, check on the parsed PTB Update)
KINDS = [
    ({"kind": "text", "text": "tôi muốn khai báo"}, lambda u: u.message.text == "tôi muốn khai báo"),
    ({"kind": "start", "language_code": "en"},
     lambda u: u.message.text == "/start" and u.message.from_user.language_code == "en"
     and u.message.entities[0].type == "bot_command"),
    ({"kind": "start", "start_param": "qr-38"}, lambda u: u.message.text == "/start qr-38"),
    ({"kind": "contact", "phone": "84912345678"},
     lambda u: u.message.contact.phone_number == "84912345678" and u.message.contact.user_id == CHAT),
    ({"kind": "location", "latitude": 19.8, "longitude": 105.7},
     lambda u: (u.message.location.latitude, u.message.location.longitude) == (19.8, 105.7)),
    ({"kind": "callback_query", "data": "/sym fever"},
     lambda u: u.callback_query.data == "/sym fever" and u.callback_query.from_user.id == CHAT),
    ({"kind": "photo", "text": "quán karaoke"}, lambda u: u.message.photo[-1].width == 1280
     and u.message.caption == "quán karaoke"),
    ({"kind": "blocked"}, lambda u: u.my_chat_member.new_chat_member.status == "kicked"),
]


@pytest.fixture()
def hooked(api, settings, receiver):
    """The bot's webhook set to the test receiver with a secret token."""
    resp = tg(api, settings, "setWebhook", url=f"{receiver.url}/webhooks/telegram", secret_token="s3cret_-X")
    assert resp.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    return receiver


@pytest.mark.parametrize("body,check", KINDS, ids=[f"{r[0]['kind']}-{i}" for i, r in enumerate(KINDS)])
def test_emitted_updates_reach_the_webhook_as_real_updates(api, hooked, body, check):
    answer = api.post("/_sandbox/telegram/emit", json={"chat_id": CHAT, **body}).json()
    assert answer["delivery"]["status"] == 200
    (hit,) = hooked.hits
    assert hit["headers"]["Content-Type"] == "application/json"
    assert hit["headers"]["X-Telegram-Bot-Api-Secret-Token"] == "s3cret_-X"
    update = Update.de_json(json.loads(hit["body"]), None)
    assert update.update_id == answer["update"]["update_id"]
    assert check(update)


def test_update_ids_increase_and_message_ids_share_the_chat_counter(api, settings, hooked):
    ids = [api.post("/_sandbox/telegram/emit", json={"kind": "text", "chat_id": CHAT, "text": str(i)}).json()
           ["update"] for i in range(3)]
    assert [u["update_id"] for u in ids] == sorted({u["update_id"] for u in ids})
    sent = tg(api, settings, "sendMessage", chat_id=CHAT, text="reply").json()["result"]
    assert sent["message_id"] == ids[-1]["message"]["message_id"] + 1


def test_loas_adapter_accepts_the_delivery(api, settings):
    from bot.channels.telegram import TelegramAdapter

    update = build_telegram_update(7, "text", CHAT, text="xin chào")
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": settings.telegram_webhook_secret}
    adapter = TelegramAdapter(settings)
    (inbound,) = adapter.parse(json.dumps(update).encode())
    assert adapter.verify(headers, b"{}") and inbound.text == "xin chào" and inbound.user_id == str(CHAT)


def test_default_webhook_is_loas_with_our_secret(api, settings):
    info = tg(api, settings, "getWebhookInfo").json()["result"]
    assert info["url"] == f"{settings.public_url}/webhooks/telegram"


def test_failed_webhook_delivery_is_retried_and_reported(api, settings, hooked):
    hooked.statuses = [500]
    api.post("/_sandbox/telegram/emit", json={"kind": "text", "chat_id": CHAT, "text": "a"})
    wait_until(lambda: len(hooked.hits) == 2)
    assert hooked.hits[0]["body"] == hooked.hits[1]["body"]
    info = tg(api, settings, "getWebhookInfo").json()["result"]
    assert "500" in info["last_error_message"] and info["last_error_date"]


def test_get_updates_queue_offset_and_long_poll(api, settings):
    assert tg(api, settings, "deleteWebhook").json()["description"] == "Webhook was deleted"
    for text in ("một", "hai"):
        api.post("/_sandbox/telegram/emit", json={"kind": "text", "chat_id": CHAT, "text": text})
    assert tg(api, settings, "getWebhookInfo").json()["result"] == {
        "url": "", "has_custom_certificate": False, "pending_update_count": 2}
    first = tg(api, settings, "getUpdates").json()["result"]
    assert [u["message"]["text"] for u in first] == ["một", "hai"]
    rest = tg(api, settings, "getUpdates", offset=first[-1]["update_id"] + 1).json()["result"]
    assert rest == []
    result = {}
    poller = threading.Thread(target=lambda: result.update(tg(api, settings, "getUpdates", timeout=20,
                                                              offset=first[-1]["update_id"] + 1).json()))
    poller.start()  # whether it is already waiting or not, the update below is what it must return
    api.post("/_sandbox/telegram/emit", json={"kind": "text", "chat_id": CHAT, "text": "ba"})
    poller.join(timeout=25)
    assert [u["message"]["text"] for u in result["result"]] == ["ba"]


def test_a_second_long_poll_ends_the_first_with_409(api, settings):
    tg(api, settings, "deleteWebhook")
    result = {}
    first = threading.Thread(target=lambda: result.update(first=tg(api, settings, "getUpdates", timeout=20)))
    first.start()
    # Each later poll ends any poll still waiting; polling until the first has ended proves it got the 409.
    wait_until(lambda: tg(api, settings, "getUpdates").status_code == 200 and not first.is_alive(), timeout=15)
    first.join()
    assert result["first"].status_code == 409
    assert result["first"].json()["description"].startswith("Conflict: terminated by other getUpdates request")


def test_pending_updates_go_to_a_new_webhook(api, settings, receiver):
    tg(api, settings, "deleteWebhook")
    api.post("/_sandbox/telegram/emit", json={"kind": "text", "chat_id": CHAT, "text": "đang chờ"})
    tg(api, settings, "setWebhook", url=f"{receiver.url}/hook")
    wait_until(lambda: receiver.hits)
    assert json.loads(receiver.hits[0]["body"])["message"]["text"] == "đang chờ"
    assert "X-Telegram-Bot-Api-Secret-Token" not in receiver.hits[0]["headers"]
