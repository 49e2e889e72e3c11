"""What the stand-ins enforce for broadcasts, over real HTTP: ZNS template sends with their daily quota, the OA's
message quota (-211), slow answers, seen events after received ones, Twilio's sending rate (429 / 20429) and
injected SMS failures."""
from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.sandbox.helpers import access_token, fault, zalo_send


def zns(api, token: str, phone: str = "84912000111", template: str = "340406", tracking: str = "t1"):
    """POST one ZNS template message."""
    return api.post("/zalo/business/message/template", headers={"access_token": token},
                    json={"phone": phone, "template_id": template, "template_data": {"title": "T", "content": "C"},
                          "tracking_id": tracking})


ZNS_CASES = [
    # (case, knobs, request changes, expected error)
    ("sent", {}, {}, 0),
    ("phone not 84...", {}, {"phone": "0912000111"}, -201),
    ("template not approved", {"zns_templates": ["1"]}, {}, -201),
    ("outside the ZNS hours", {"zns_window": "00:00-00:01"}, {}, -234),
    ("daily quota used up", {"zns_daily_quota": 0}, {}, -211),
]


@pytest.mark.parametrize("case,knobs,changes,expected", ZNS_CASES, ids=[c[0] for c in ZNS_CASES])
def test_zns_template_sends(api, settings, case, knobs, changes, expected):
    if knobs:
        fault(api, channel="zalo", **knobs)
    body = zns(api, access_token(api, settings), **changes).json()
    assert body["error"] == expected
    if expected == 0:
        assert body["data"]["msg_id"] and body["data"]["quota"]["dailyQuota"] == "10000"
        [record] = api.get("/_sandbox/messages", params={"channel": "zns"}).json()
        assert record["user_id"] == "84912000111" and record["text"] == "T\nC"


def test_zns_quota_counts_each_send(api, settings):
    fault(api, channel="zalo", zns_daily_quota=2)
    token = access_token(api, settings)
    answers = [zns(api, token, tracking=str(i)).json()["error"] for i in range(3)]
    assert answers == [0, 0, -211]


def test_zns_needs_a_valid_token(api):
    assert zns(api, "not-a-token").json()["error"] == -216


def test_the_oa_message_quota_answers_211_once_spent(api, settings):
    fault(api, channel="zalo", message_quota=1)
    token = access_token(api, settings)
    assert zalo_send(api, token, "u1", {"text": "a"}).json()["error"] == 0
    assert zalo_send(api, token, "u2", {"text": "b"}).json()["error"] == -211


def test_a_slow_zalo_answers_late_but_answers(api, settings):
    token = access_token(api, settings)
    fault(api, channel="zalo", fail_next={"count": 1, "delay_s": 0.3, "method": "message/cs"})
    started = time.monotonic()
    assert zalo_send(api, token, "u1", {"text": "a"}).json()["error"] == 0
    assert time.monotonic() - started >= 0.3


def test_seen_follows_received_for_a_sent_message(api, settings, receiver):
    fault(api, channel="zalo", emit_received=True, emit_seen=True, webhook_url=receiver.url + "/zalo")
    message_id = zalo_send(api, access_token(api, settings), "u1", {"text": "a"}).json()["data"]["message_id"]
    deadline = time.monotonic() + 10
    while len(receiver.hits) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    events = {json.loads(h["body"])["event_name"]: json.loads(h["body"])["message"] for h in receiver.hits}
    assert events["user_received_message"]["msg_id"] == message_id
    assert events["user_seen_message"]["msg_ids"] == [message_id]


def _sms(settings, sandbox, to: str = "+84912000111"):
    return httpx.post(f"{sandbox.url}/twilio/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json",
                      data={"To": to, "From": settings.twilio_from_number, "Body": "hi"},
                      auth=(settings.twilio_account_sid, settings.twilio_auth_token), timeout=10)


def test_twilio_refuses_sends_beyond_its_rate_with_429(settings, sandbox_clean):
    httpx.post(f"{sandbox_clean.url}/_sandbox/twilio/sms_script", json={"per_second": 2}).raise_for_status()
    answers = [_sms(settings, sandbox_clean, f"+8491200011{i}") for i in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["code"] == 20429


def test_twilio_injected_failures_come_first(settings, sandbox_clean):
    httpx.post(f"{sandbox_clean.url}/_sandbox/twilio/sms_script",
               json={"fail_next": {"count": 2, "status": 503}}).raise_for_status()
    assert [_sms(settings, sandbox_clean).status_code for _ in range(3)] == [503, 503, 201]
