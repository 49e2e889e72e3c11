"""The Zalo webhook emitter: event shapes (channels.md A.4), the signature, retries, delivery receipts."""
from __future__ import annotations

import json

import pytest

from core.testing import wait_until
from sandbox.zalo import build_zalo_event, sign_zalo
from tests.sandbox.helpers import access_token, fault, zalo_mac, zalo_send

pytestmark = pytest.mark.nodb

USER = "4143046553463412237"


def _location(event):
    coords = event["message"]["attachments"][0]["payload"]["coordinates"]
    return (event["message"]["attachments"][0]["type"], coords["latitude"], coords["longitude"])


# (event_name, emit fields, check on the delivered event)
EVENTS = [
    ("user_send_text", {"text": "khai báo y tế"}, lambda e: e["message"]["text"] == "khai báo y tế"),
    ("user_send_text", {"payload": "/declare"}, lambda e: e["message"]["text"] == "/declare"),
    ("follow", {}, lambda e: e["follower"] == {"id": USER} and "sender" not in e and e["oa_id"]),
    ("unfollow", {}, lambda e: e["follower"] == {"id": USER} and e["source"]),
    ("user_submit_info", {"phone": "0912345678", "name": "An"},
     lambda e: e["info"]["phone"] == "84912345678" and e["info"]["name"] == "An" and "city" in e["info"]),
    ("user_send_location", {"latitude": 19.8, "longitude": 105.78},
     lambda e: _location(e) == ("location", "19.8", "105.78") and e["message"]["text"] == ""),
    ("user_send_image", {"image_url": "https://x.zdn.vn/p.jpg", "text": "ảnh"},
     lambda e: e["message"]["attachments"][0] == {"type": "image", "payload": {
         "url": "https://x.zdn.vn/p.jpg", "thumbnail": "https://x.zdn.vn/p.jpg"}}),
    ("user_received_message", {"msg_id": "m-1"},
     lambda e: e["sender"]["id"] != USER and e["recipient"] == {"id": USER} and e["message"]["msg_id"] == "m-1"),
    ("user_seen_message", {"msg_ids": ["m-1", "m-2"]}, lambda e: e["message"]["msg_ids"] == ["m-1", "m-2"]),
]


@pytest.fixture()
def hooked(api, receiver):
    """The sandbox pointed at the test receiver instead of Loa, with quick retries."""
    fault(api, channel="zalo", webhook_url=f"{receiver.url}/webhooks/zalo", webhook_retry_delays=[0.05, 0.05, 0.05])
    return receiver


@pytest.mark.parametrize("name,fields,check", EVENTS, ids=[f"{r[0]}-{i}" for i, r in enumerate(EVENTS)])
def test_emitted_events_are_shaped_and_signed_like_zalo(api, settings, hooked, name, fields, check):
    answer = api.post("/_sandbox/zalo/emit", json={"event_name": name, "user_id": USER, **fields}).json()
    assert answer["delivery"]["status"] == 200
    (hit,) = hooked.hits
    assert hit["path"] == "/webhooks/zalo" and hit["headers"]["Content-Type"] == "application/json"
    event = json.loads(hit["body"])
    assert event == answer["event"]
    assert event["event_name"] == name and event["app_id"] == settings.zalo_app_id
    assert event["timestamp"].isdigit() and len(event["timestamp"]) == 13  # milliseconds, as a string
    assert check(event)
    expected = zalo_mac(hit["body"], event["app_id"], event["timestamp"], settings.zalo_oa_secret_key)
    assert hit["headers"]["X-Zevent-Signature"] == expected


def test_loas_adapter_accepts_the_signature(api, settings, hooked):
    from bot.channels.zalo import ZaloAdapter

    api.post("/_sandbox/zalo/emit", json={"event_name": "user_send_text", "user_id": USER, "text": "xin chào"})
    (hit,) = hooked.hits
    adapter = ZaloAdapter(settings)
    assert adapter.verify(hit["headers"], hit["body"])
    assert not adapter.verify(hit["headers"], hit["body"].replace(b"xin", b"XIN"))


def test_msg_ids_are_unique():
    events = [build_zalo_event("user_send_text", USER, app_id="1", oa_id="2", text="a") for _ in range(50)]
    assert len({e["message"]["msg_id"] for e in events}) == 50


def test_sign_zalo_is_the_channels_md_formula():
    body = b'{"app_id":"1","timestamp":"1677721200000"}'
    assert sign_zalo(body, "1", "1677721200000", "k") == zalo_mac(body, "1", "1677721200000", "k")


def test_unknown_event_is_refused(api):
    assert api.post("/_sandbox/zalo/emit", json={"event_name": "user_sends_money", "user_id": USER}).status_code == 400


def test_failed_delivery_is_retried_with_the_same_bytes(api, hooked):
    hooked.statuses = [500, 503]
    first = api.post("/_sandbox/zalo/emit", json={"event_name": "user_send_text", "user_id": USER, "text": "a"})
    assert first.json()["delivery"]["status"] == 500
    wait_until(lambda: len(hooked.hits) == 3)
    assert len({h["body"] for h in hooked.hits}) == 1
    assert [h["headers"].get("Num-Retry") for h in hooked.hits] == [None, "1", "2"]
    log = api.get("/_sandbox/deliveries", params={"channel": "zalo"}).json()
    assert [d["status"] for d in log] == [500, 503, 200]


def test_events_change_what_the_user_can_receive(api, settings, hooked):
    token = access_token(api, settings)
    for event_name, code in [("unfollow", -213), ("follow", 0)]:
        api.post("/_sandbox/zalo/emit", json={"event_name": event_name, "user_id": "u-ev"})
        assert zalo_send(api, token, "u-ev", {"text": "hi"}).json()["error"] == code
    fault(api, channel="zalo", user_id="u-ev", last_interaction_days_ago=30)
    assert zalo_send(api, token, "u-ev", {"text": "hi"}).json()["error"] == -230
    api.post("/_sandbox/zalo/emit", json={"event_name": "user_send_text", "user_id": "u-ev", "text": "alo"})
    assert zalo_send(api, token, "u-ev", {"text": "hi"}).json()["error"] == 0


def test_delivery_receipt_after_a_send_when_switched_on(api, settings, hooked):
    token = access_token(api, settings)
    zalo_send(api, token, USER, {"text": "không có biên nhận"})
    fault(api, channel="zalo", emit_received=True)
    sent = zalo_send(api, token, USER, {"text": "có biên nhận"}).json()["data"]["message_id"]
    wait_until(lambda: hooked.hits)
    (hit,) = hooked.hits
    event = json.loads(hit["body"])
    assert event["event_name"] == "user_received_message" and event["message"]["msg_id"] == sent
    assert event["sender"]["id"] == settings.zalo_oa_id and event["recipient"]["id"] == USER
    assert hit["headers"]["X-Zevent-Signature"] == zalo_mac(hit["body"], event["app_id"], event["timestamp"],
                                                             settings.zalo_oa_secret_key)
