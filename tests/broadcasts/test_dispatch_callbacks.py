"""Receipts move delivery rows forward only: Twilio status callbacks (signed, over HTTP) and Zalo received/seen
events, in any order and repeated; a receipt that beats the chunk's write-back is kept and applied after it."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from broadcasts import callbacks
from broadcasts.models import Delivery
from broadcasts.senders import SMS_STATUS_PATH
from core.models import utcnow
from sandbox.twilio_common import sign
from core.testing import wait_until
from tests.broadcasts.dispatch_helpers import add_campaign


SID = "SM" + "1" * 32  # a message sid as Twilio writes them


@pytest.fixture()
def row(db, redis_client):
    """One delivery row already sent as SMS `SID`."""
    with db() as session:
        campaign_id = add_campaign(session, state="running")
        delivery = Delivery(campaign_id=campaign_id, channel="sms", address="+84970000001", status="sent",
                            provider_msg_id=SID, attempts=1, chunk=0, sent_at=utcnow())
        session.add(delivery)
        session.commit()
        return delivery.id


def status_of(db, row_id: int) -> tuple[str, str | None]:
    """(status, reason) of a row."""
    with db() as session:
        found = session.get(Delivery, row_id)
        return found.status, found.reason


def post_status(web, settings, status: str, sid: str | None = None, error: str | None = None, signed: bool = True):
    """Twilio's status callback for `sid`, signed like Twilio signs it."""
    sid = sid or SID
    params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
              "AccountSid": settings.twilio_account_sid, "From": settings.twilio_from_number, "To": "+84970000001"}
    if error:
        params["ErrorCode"] = error
    url = settings.public_url + SMS_STATUS_PATH
    signature = sign(settings.twilio_auth_token, url, params) if signed else "bad"
    return httpx.post(f"{web.url}{SMS_STATUS_PATH}", data=params, headers={"X-Twilio-Signature": signature})


SEQUENCES = [
    # (case, callbacks in arrival order, final status)
    ("in order", ["sent", "delivered"], "delivered"),
    ("late sent after delivered", ["delivered", "sent"], "delivered"),
    ("duplicated delivered", ["delivered", "delivered"], "delivered"),
    ("read after delivered", ["delivered", "read"], "seen"),
    ("delivered after read", ["read", "delivered"], "seen"),
    ("queued and sending add nothing", ["queued", "sending"], "sent"),
    ("undelivered fails the row", ["undelivered"], "failed"),
    ("nothing revives a failed row", ["failed", "delivered", "read"], "failed"),
]


@pytest.mark.parametrize("case,sequence,final", SEQUENCES, ids=[s[0] for s in SEQUENCES])
def test_sms_status_callbacks_move_a_row_forward_only(db, row, web, settings, case, sequence, final):
    for status in sequence:
        assert post_status(web, settings, status, error="30003" if status in ("undelivered", "failed") else None) \
            .status_code == 200
    assert status_of(db, row)[0] == final


def test_a_failed_sms_keeps_twilios_error_code(db, row, web, settings):
    post_status(web, settings, "undelivered", error="30003")
    assert status_of(db, row) == ("failed", "sms 30003: undelivered")


def test_an_unsigned_status_callback_is_refused(db, row, web, settings):
    assert post_status(web, settings, "delivered", signed=False).status_code == 403
    assert status_of(db, row)[0] == "sent"


def test_receipts_before_the_write_back_wait_and_are_applied_after_it(db, redis_client):
    with db() as session:
        campaign_id = add_campaign(session, state="running")
        first, second = (Delivery(campaign_id=campaign_id, channel="zalo", address=a, status="sending", attempts=1,
                                  chunk=0) for a in ("z1", "z2"))
        session.add_all([first, second])
        session.commit()
        # The provider's receipts arrive while the chunk job still holds the rows (no message id stored yet).
        assert callbacks.apply(session, redis_client, "msg-1", "seen") == 0
        assert callbacks.apply(session, redis_client, "msg-1", "delivered") == 0
        assert callbacks.apply(session, redis_client, "msg-2", "delivered") == 0
        for row, mid in ((first, "msg-1"), (second, "msg-2")):
            session.query(Delivery).filter(Delivery.id == row.id).update({"status": "sent", "provider_msg_id": mid})
        session.commit()
        assert callbacks.apply_early(session, redis_client, ["msg-1", "msg-2", "msg-other"]) == 2
        found = dict(session.execute(select(Delivery.address, Delivery.status)).all())
    assert found == {"z1": "seen", "z2": "delivered"}
    assert not redis_client.exists("loa:bcast:early:msg-1", "loa:bcast:early:msg-2")


ZALO_SEQUENCES = [
    ("received then seen", ["user_received_message", "user_seen_message"], "seen"),
    ("seen then a late received", ["user_seen_message", "user_received_message"], "seen"),
    ("received twice", ["user_received_message", "user_received_message"], "delivered"),
]


@pytest.mark.parametrize("case,events,final", ZALO_SEQUENCES, ids=[s[0] for s in ZALO_SEQUENCES])
def test_zalo_receipts_through_the_webhook_move_a_row_forward_only(db, redis_client, sandbox_clean, web, worker,
                                                                  settings, case, events, final):
    with db() as session:
        campaign_id = add_campaign(session, state="running")
        delivery = Delivery(campaign_id=campaign_id, channel="zalo", address="z77", status="sent",
                            provider_msg_id="zmsg77", attempts=1, chunk=0)
        # The citizen's events are worked on in order: once this one's receipt lands, all before it have.
        marker = Delivery(campaign_id=campaign_id, channel="zalo", address="z78", status="sent",
                          provider_msg_id="zmsg-marker", attempts=1, chunk=0)
        session.add_all([delivery, marker])
        session.commit()
        row_id, marker_id = delivery.id, marker.id
    for event, msg_id in [(e, "zmsg77") for e in events] + [("user_received_message", "zmsg-marker")]:
        field = {"msg_ids": [msg_id]} if event == "user_seen_message" else {"msg_id": msg_id}
        httpx.post(f"{sandbox_clean.url}/_sandbox/zalo/emit",
                   json={"event_name": event, "user_id": "z77", **field}).raise_for_status()
    wait_until(lambda: status_of(db, marker_id)[0] == "delivered", timeout=30)
    assert status_of(db, row_id)[0] == final


def test_a_malformed_status_callback_is_a_400_and_writes_nothing(db, row, web, settings, redis_client):
    params = {"MessageSid": "not-a-sid", "MessageStatus": "delivered", "To": "+84970000001"}
    url = settings.public_url + SMS_STATUS_PATH
    before = sorted(redis_client.keys("loa:bcast:*"))
    response = httpx.post(f"{web.url}{SMS_STATUS_PATH}", data=params,
                          headers={"X-Twilio-Signature": sign(settings.twilio_auth_token, url, params)})
    assert response.status_code == 400 and sorted(redis_client.keys("loa:bcast:*")) == before
    assert status_of(db, row)[0] == "sent"
