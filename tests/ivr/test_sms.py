"""SMS: the adapter (parse, render, verify), the webhook's outcomes, and the carrier keywords.

Payloads are Twilio's inbound/status form bodies under tests/fixtures/twilio/ (shaped after Twilio's
documented parameters). The webhook is exercised over real HTTP against the running app.
"""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.channels.sms import SmsAdapter, form, render, split, strip_accents
from bot.messages import Button, Reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "twilio"
CITIZEN = "+84912345678"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.form").read_bytes()


# --- the adapter ------------------------------------------------------------------------------
@pytest.mark.nodb
@pytest.mark.parametrize("name, kind, text, media", [
    ("sms_inbound_text", "text", "khai báo y tế", None),
    ("sms_inbound_image", "image", "", "https://api.twilio.com/"),
])
def test_parse_recorded_payloads(settings, name, kind, text, media):
    (inbound,) = SmsAdapter(settings).parse(fixture(name))
    assert (inbound.channel, inbound.user_id, inbound.kind, inbound.text) == ("sms", CITIZEN, kind, text)
    assert inbound.msg_id.startswith(("SM", "MM")) and inbound.extra["event_id"] == inbound.msg_id
    assert (inbound.media_url or "").startswith(media or "") and bool(inbound.media_url) == bool(media)


@pytest.mark.nodb
def test_parse_refuses_a_body_without_sender(settings):
    from bot.channels import ParseError

    with pytest.raises(ParseError):
        SmsAdapter(settings).parse(b"Body=hello")


@pytest.mark.nodb
@pytest.mark.parametrize("name, kinds", [("sms_status_delivered", ["delivered"]), ("sms_status_failed_21610", [])])
def test_status_callbacks_become_receipts(settings, name, kinds):
    assert [r.kind for r in SmsAdapter(settings).parse_status(fixture(name))] == kinds


@pytest.mark.nodb
def test_buttons_are_a_numbered_list_without_diacritics():
    reply = Reply("Bạn có tiếp xúc gần với ca bệnh không?", [Button("Có", "/yes"), Button("Không", "/no")])
    assert render(reply) == "Ban co tiep xuc gan voi ca benh khong?\n1. Co\n2. Khong"
    assert strip_accents("Đường Hạc Thành, đặc khu") == "Duong Hac Thanh, dac khu"


@pytest.mark.nodb
def test_long_texts_are_split_at_line_breaks():
    parts = split("\n".join(["x" * 100] * 40), limit=1500)
    assert all(len(p) <= 1500 for p in parts) and "".join(parts).count("x") == 4000


@pytest.mark.nodb
def test_verify_uses_the_public_url_or_the_proxy_one(settings):
    adapter, body = SmsAdapter(settings), fixture("sms_inbound_text")
    params = form(body)
    good = RequestValidator(settings.twilio_auth_token).compute_signature(settings.public_url + "/webhooks/sms", params)
    assert adapter.verify({"X-Twilio-Signature": good}, body)
    assert not adapter.verify({"X-Twilio-Signature": good}, body.replace(b"khai", b"kh4i"))
    assert not adapter.verify({}, body)
    proxied = RequestValidator(settings.twilio_auth_token).compute_signature("https://loa.example.vn/webhooks/sms", params)
    assert adapter.verify({"X-Twilio-Signature": proxied, "X-Forwarded-Proto": "https",
                           "X-Forwarded-Host": "loa.example.vn"}, body)


# --- the webhook ------------------------------------------------------------------------------
@pytest.fixture()
def post(web, settings, db, redis_client):
    """post(path, params, signed=True) -> the HTTP response, signed for the public URL like Twilio."""
    validator = RequestValidator(settings.twilio_auth_token)

    def _post(path: str, params: dict, signed: bool = True) -> httpx.Response:
        headers = {"X-Twilio-Signature": validator.compute_signature(settings.public_url + path, params)} if signed else {}
        return httpx.post(web.url + path, data=params, headers=headers, timeout=10)

    return _post


def sms(body: str, sid: str = "SM" + "a" * 32, sender: str = CITIZEN) -> dict:
    return {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": "+842373600115", "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}


def queued(redis_client, phone: str = CITIZEN) -> list:
    """Messages accepted into the inbound pipeline: the inbox, or already taken by a running worker
    (which drains the inbox at once; its dedupe key is written in the same step as the inbox push)."""
    # Receipts for our own replies pass through the inbox too (deduplicated as `...:<sid>:delivered`);
    # they are not inbound messages.
    waiting = [item for item in redis_client.lrange(f"loa:inbox:sms:{phone}", 0, -1)
               if b'"kind": "delivered"' not in item]
    taken = [key for key in redis_client.scan_iter("loa:dedupe:sms:*") if key.count(b":") == 3]
    return waiting or taken


@pytest.mark.parametrize("params, signed, status, outcome, in_inbox", [
    (sms("khai bao"), True, 200, "accepted", 1),
    (sms("khai bao"), False, 403, "forbidden", 0),
    ({"Body": "no sender"}, True, 400, None, 0),
    (sms("YES"), True, 200, "accepted", 1),  # not opted out: "yes" is an answer for the engine
    (sms("stop"), True, 200, "opted_out", 0),
    (sms("  Unsubscribe "), True, 200, "opted_out", 0),
    (sms("stop please"), True, 200, "accepted", 1),  # only the keyword alone counts, as on Twilio
])
def test_webhook_outcomes(post, redis_client, params, signed, status, outcome, in_inbox):
    response = post("/webhooks/sms", params, signed)
    assert response.status_code == status
    if outcome:
        assert response.headers.get("X-Loa-Outcome", "forbidden") == outcome
    if status == 200:
        assert response.headers["content-type"].startswith("text/xml") and "<Response" in response.text
    assert len(queued(redis_client)) == in_inbox


def test_a_retried_webhook_is_queued_once(post, redis_client):
    assert post("/webhooks/sms", sms("ho")).headers["X-Loa-Outcome"] == "accepted"
    assert post("/webhooks/sms", sms("ho")).headers["X-Loa-Outcome"] == "duplicate"
    assert len(queued(redis_client)) == 1


def test_stop_opts_out_and_start_opts_back_in(post, db, redis_client):
    from ivr.models import OptOut

    post("/webhooks/sms", sms("STOP", sid="SM" + "1" * 32))
    with db() as session:
        assert [(o.phone, o.channel) for o in session.scalars(select(OptOut))] == [(CITIZEN, "sms")]
    post("/webhooks/sms", sms("STOP", sid="SM" + "2" * 32))  # twice is still one opt-out
    response = post("/webhooks/sms", sms("start", sid="SM" + "3" * 32))
    assert response.headers["X-Loa-Outcome"] == "opted_in" and queued(redis_client) == []
    with db() as session:
        assert session.scalars(select(OptOut)).all() == []


def test_a_21610_status_records_the_opt_out(post, db):
    from ivr.models import OptOut

    params = {"MessageSid": "SM" + "9" * 32, "MessageStatus": "failed", "ErrorCode": "21610",
              "To": CITIZEN, "From": "+842373600115"}
    assert post("/webhooks/sms/status", params).status_code == 200
    with db() as session:
        assert session.scalars(select(OptOut.channel)).all() == ["sms"]


def test_delivered_status_is_queued_as_a_receipt(post, redis_client):
    params = {"MessageSid": "SM" + "8" * 32, "MessageStatus": "delivered", "To": CITIZEN, "From": "+842373600115"}
    assert post("/webhooks/sms/status", params).status_code == 200
    waiting = redis_client.lrange(f"loa:inbox:sms:{CITIZEN}", 0, -1)
    # Either still waiting in the inbox, or already taken by the running worker (same atomic step as the push).
    taken = redis_client.exists(f"loa:dedupe:sms:{params['MessageSid']}:delivered")
    assert any(b'"kind": "delivered"' in item for item in waiting) or (taken and not waiting)
    assert post("/webhooks/sms/status", params, signed=False).status_code == 403
