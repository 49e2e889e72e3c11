"""The sandbox's own endpoints: reading back what was sent, long-polling for it, faults, reset."""
from __future__ import annotations

import json
import threading
from datetime import datetime

import pytest

from tests.sandbox.helpers import access_token, fault, refresh, tg, zalo_send

pytestmark = pytest.mark.nodb
CARD = {"text": "Chọn", "attachment": {"type": "template", "payload": {"template_type": "button", "text": "Chọn",
        "buttons": [{"type": "oa.query.show", "title": "Khai báo", "payload": "/declare"}]}}}


def _messages(api, **params):
    resp = api.get("/_sandbox/messages", params=params)
    resp.raise_for_status()
    return resp.json()


def test_messages_per_user_oldest_first_with_buttons_and_time(api, settings):
    token = access_token(api, settings)
    for message in ({"text": "một"}, CARD, {"text": "ba"}):
        assert zalo_send(api, token, "u-a", message).json()["error"] == 0
    zalo_send(api, token, "u-b", {"text": "người khác"})
    tg(api, settings, "sendMessage", chat_id=42, text="telegram")
    items = _messages(api, channel="zalo", user_id="u-a")
    assert [i["text"] for i in items] == ["một", "Chọn", "ba"]
    assert [i["kind"] for i in items] == ["text", "buttons", "text"]
    assert items[1]["buttons"] == [{"title": "Khai báo", "payload": "/declare", "type": "oa.query.show"}]
    assert all(datetime.fromisoformat(i["time"]).tzinfo for i in items)
    assert len({i["message_id"] for i in items}) == 3 and "raw" not in items[0]
    assert [i["text"] for i in _messages(api, channel="telegram", user_id="42")] == ["telegram"]
    assert len(_messages(api, channel="zalo")) == 4
    # `after` is a poller's cursor: only what came after the first N.
    assert [i["text"] for i in _messages(api, channel="zalo", user_id="u-a", after=2)] == ["ba"]
    assert _messages(api, channel="zalo", after=4) == []
    assert api.get("/_sandbox/messages", params={"channel": "zalo", "after": "x"}).status_code == 400
    raw = _messages(api, channel="zalo", user_id="u-a", raw=1)
    assert raw[0]["raw"] == {"recipient": {"user_id": "u-a"}, "message": {"text": "một"}}


def test_wait_long_polls_until_enough_messages(api, settings):
    token = access_token(api, settings)
    sender = threading.Timer(0.3, lambda: [zalo_send(api, token, "u-w", {"text": str(i)}) for i in range(2)])
    sender.start()
    items = _messages(api, channel="zalo", user_id="u-w", wait=10, min=2)
    sender.join()
    assert [i["text"] for i in items] == ["0", "1"]
    assert _messages(api, channel="zalo", user_id="nobody", wait=0.2) == []


def test_reset_clears_messages_and_faults_but_not_tokens(api, settings):
    first = refresh(api, settings, settings.zalo_refresh_token)
    zalo_send(api, first["access_token"], "u-r", {"text": "x"})
    fault(api, channel="zalo", user_id="u-r", blocked=True)
    fault(api, channel="telegram", fail_next={"count": 5, "status": 500})
    api.post("/_sandbox/reset").raise_for_status()
    assert _messages(api, channel="zalo") == []
    state = api.get("/_sandbox/faults").json()
    assert state["telegram"]["pending"] == [] and state["zalo_users"] == []
    assert zalo_send(api, first["access_token"], "u-r", {"text": "x"}).json()["error"] == 0
    assert "access_token" in refresh(api, settings, first["refresh_token"])


BAD_FAULTS = [
    ("no channel", {"blocked": True, "user_id": "u"}),
    ("unknown channel", {"channel": "viber", "blocked": True, "user_id": "u"}),
    ("user fault without a user", {"channel": "zalo", "blocked": True}),
    ("unknown knob", {"channel": "telegram", "warp_speed": 9}),
    ("telegram user that is not a number", {"channel": "telegram", "user_id": "abc", "blocked": True}),
]


@pytest.mark.parametrize("case,spec", BAD_FAULTS, ids=[r[0] for r in BAD_FAULTS])
def test_bad_fault_specs_are_refused(api, case, spec):
    resp = api.post("/_sandbox/faults", json=spec)
    assert resp.status_code == 400 and resp.json()["error"]


def test_a_list_of_faults_and_reading_them_back(api):
    resp = api.post("/_sandbox/faults", content=json.dumps([
        {"channel": "zalo", "fail_next": {"count": 2, "error": -32, "method": "message/cs"}},
        {"channel": "telegram", "rate_limit": "off", "unknown_chats": "reject"}]),
        headers={"Content-Type": "application/json"})
    assert resp.status_code == 200
    state = api.get("/_sandbox/faults").json()
    assert state["zalo"]["pending"] == [{"count": 2, "error": -32, "method": "message/cs"}]
    assert state["telegram"]["config"]["unknown_chats"] == "reject"
    assert state["telegram"]["config"]["rate_limit"]["overall_per_s"] == 0


def test_unknown_chats_rejected_until_they_write(api, settings):
    fault(api, channel="telegram", unknown_chats="reject")
    assert tg(api, settings, "sendMessage", chat_id=777, text="x").json()["description"] == \
        "Bad Request: chat not found"
    tg(api, settings, "deleteWebhook")
    api.post("/_sandbox/telegram/emit", json={"kind": "start", "chat_id": 777})
    assert tg(api, settings, "sendMessage", chat_id=777, text="x").json()["ok"]
