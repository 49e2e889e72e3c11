"""POST /webhooks/zalo with bad input: each row is (case, body, expected status, queued?), every body signed
correctly so the checks after the signature are what answers."""
from __future__ import annotations

import json
import time

import pytest

from bot.channels import Refused
from bot.channels.zalo_events import check_origin
from bot.webhooks import UNREADABLE
from tests.input.conftest import recorded, recorded_json


def now_ms(offset_s: float = 0) -> str:
    return str(int((time.time() + offset_s) * 1000))


def changed(name: str, change) -> bytes:
    """A recorded event with one change applied to its dict."""
    event = recorded_json("zalo", name)
    change(event)
    return json.dumps(event, ensure_ascii=False).encode()


def setting(path: str, value):
    """A change that sets event[a][b]... = value (path "a.b")."""
    def apply(event):
        *parents, last = path.split(".")
        for key in parents:
            event = event[key]
        event[last] = value
    return apply


def removing(path: str):
    def apply(event):
        *parents, last = path.split(".")
        for key in parents:
            event = event[key]
        del event[last]
    return apply


CASES = [
    ("text accepted", lambda: recorded("zalo", "user_send_text"), 200, True),
    ("sender.id is a list", lambda: changed("user_send_text", setting("sender.id", ["1", "2"])), 400, False),
    ("sender.id is a number", lambda: changed("user_send_text", setting("sender.id", 4143046553463412237)), 400, False),
    ("sender.id is empty", lambda: changed("user_send_text", setting("sender.id", "")), 400, False),
    ("no sender", lambda: changed("user_send_text", removing("sender")), 400, False),
    ("sender is a string", lambda: changed("user_send_text", setting("sender", "4143046553463412237")), 400, False),
    ("message.text is a list", lambda: changed("user_send_text", setting("message.text", ["khai", "bao"])), 400, False),
    ("message.text is a number", lambda: changed("user_send_text", setting("message.text", 115)), 400, False),
    ("message.text is an object", lambda: changed("user_send_text", setting("message.text", {"t": "x"})), 400, False),
    ("message.msg_id is a number", lambda: changed("user_send_text", setting("message.msg_id", 96)), 400, False),
    ("message is a string", lambda: changed("user_send_text", setting("message", "khai bao")), 400, False),
    ("message.text with a NUL", lambda: changed("user_send_text", setting("message.text", "khai\u0000bao")), 400, False),
    ("message.text of 9000 characters", lambda: changed("user_send_text", setting("message.text", "a" * 9000)),
     400, False),
    ("body is a JSON list", lambda: b"[" + recorded("zalo", "user_send_text") + b"]", 400, False),
    ("body is a JSON string", lambda: b'"user_send_text"', 400, False),
    ("body is a JSON number", lambda: b"42", 400, False),
    ("body is not JSON", lambda: recorded("zalo", "truncated"), 400, False),
    ("deeply nested body", lambda: b"[" * 100000 + b"]" * 100000, 400, False),
    ("event_name is a number", lambda: changed("user_send_text", setting("event_name", 7)), 400, False),
    ("unknown event, well formed: ignored", lambda: changed("user_send_text", setting("event_name",
                                                                                     "user_send_business_card")),
     200, False),
    ("latitude is words", lambda: changed("user_send_location", setting(
        "message.attachments", [{"type": "location", "payload": {"coordinates": {
            "latitude": "north", "longitude": "105.785182"}}}])), 400, False),
    ("latitude out of range", lambda: changed("user_send_location", setting(
        "message.attachments", [{"type": "location", "payload": {"coordinates": {
            "latitude": "190.5", "longitude": "105.785182"}}}])), 400, False),
    ("attachments is an object", lambda: changed("user_send_location", setting("message.attachments", {"a": 1})),
     400, False),
    ("location accepted", lambda: recorded("zalo", "user_send_location"), 200, True),
    ("image url is not a url", lambda: changed("user_send_image", setting(
        "message.attachments", [{"type": "image", "payload": {"url": "javascript:alert(1)"}}])), 400, False),
    ("shared phone is a number", lambda: changed("user_submit_info", setting("info.phone", 84912345678)), 400, False),
    ("shared phone has no digits", lambda: changed("user_submit_info", setting("info.phone", "không có")), 400, False),
    ("shared name is a list", lambda: changed("user_submit_info", setting("info.name", ["An"])), 400, False),
    ("seen msg_ids is a string", lambda: changed("user_seen_message", setting("message.msg_ids", "e5f7")), 400, False),
    ("follower missing", lambda: changed("follow", removing("follower")), 400, False),
    ("another app's event", lambda: changed("user_send_text", setting("app_id", "3000000000000000003")), 403, False),
    ("sent 10 minutes ago (a replay)", lambda: changed("user_send_text", setting("timestamp", now_ms(-600))),
     403, False),
    ("stamped 10 minutes ahead", lambda: changed("user_send_text", setting("timestamp", now_ms(600))), 403, False),
    ("sent 4 minutes ago: still accepted", lambda: changed("user_send_text", setting("timestamp", now_ms(-240))),
     200, True),
    ("timestamp is words", lambda: changed("user_send_text", setting("timestamp", "yesterday")), 400, False),
    ("no timestamp", lambda: changed("user_send_text", removing("timestamp")), 400, False),
    ("app_id is a number", lambda: changed("user_send_text", setting("app_id", 1000000000000000001)), 400, False),
]


@pytest.mark.parametrize("case,build,status,queued", CASES, ids=[c[0] for c in CASES])
def test_zalo_bad_input(hooks, case, build, status, queued):
    response = hooks.zalo(build())
    assert response.status_code == status, response.get_json()
    assert response.wrote is queued
    if status >= 400:  # a reason the provider's logs can show, never the catch-all for a reader's bug
        assert response.get_json()["description"] not in ("", UNREADABLE)


def test_bad_signature_is_403_and_oversized_is_413(hooks):
    bad = hooks.zalo(recorded("zalo", "user_send_text"), signed=False)
    assert (bad.status_code, bad.wrote) == (403, False)
    big = recorded("zalo", "user_send_text").replace(b'"khai', b'"' + b"a" * hooks.settings.max_body_bytes + b"khai")
    too_big = hooks.zalo(big)
    assert (too_big.status_code, too_big.wrote) == (413, False)


# (case, timestamp offset from now in s, app id, refused?)
ORIGINS = [
    ("ours, now", 0, "1000000000000000001", False),
    ("ours, 299 s old", -299, "1000000000000000001", False),
    ("ours, 301 s old", -301, "1000000000000000001", True),
    ("ours, 301 s ahead", 301, "1000000000000000001", True),
    ("another app", 0, "1", True),
]


@pytest.mark.parametrize("case,offset,app_id,refused", ORIGINS, ids=[o[0] for o in ORIGINS])
def test_origin_window_edges(case, offset, app_id, refused):
    now = 1_800_000_000_000
    body = json.dumps({"event_name": "user_send_text", "app_id": app_id, "timestamp": str(now + offset * 1000)}).encode()
    if refused:
        with pytest.raises(Refused):
            check_origin(body, "1000000000000000001", now_ms=now)
    else:
        check_origin(body, "1000000000000000001", now_ms=now)
