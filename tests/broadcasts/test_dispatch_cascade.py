"""What a provider's refusal does to one recipient: fall through Zalo -> ZNS -> SMS when the window is closed or
the quota is out, mark a stopped contact and never retry it, fail an invalid message with the provider's reason."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from broadcasts.dispatch import launch
from core.models import ChannelIdentity
from tests.broadcasts.dispatch_helpers import (add_campaign, add_people, dispatch_worker, faults, rows,  # noqa: F401
                                              sent_to, wait_state)


@pytest.fixture()
def env(db, redis_client, sandbox_clean, web, dispatch_worker):
    """Database, Redis, sandbox, web app (callbacks) and a broadcasts worker."""
    return db


def by_address(session_factory, campaign_id: int) -> dict:
    """{original address: (channel, status, reason)}: a fallen-through row carries the phone as address."""
    return {r.address: (r.channel, r.status, r.reason) for r in rows(session_factory, campaign_id)}


def test_window_closed_falls_through_to_zns_then_sms_when_zns_is_out_of_quota(env, settings, sandbox):
    with env() as db:
        closed = add_people(db, 2, "zalo")
        [fine] = add_people(db, 1, "zalo", start=10)
        campaign_id = add_campaign(db, zns_template_id="340406", allow_sms=True)
    faults(sandbox, *[{"channel": "zalo", "user_id": u, "last_interaction_days_ago": 8} for u in closed],
           {"channel": "zalo", "zns_daily_quota": 1})
    launch(settings, campaign_id)
    wait_state(env, campaign_id, "finished")
    result = rows(env, campaign_id)
    fallen = sorted(r.channel for r in result if r.address.startswith("+"))
    assert fallen == ["sms", "zns"]
    assert {r.status for r in result} <= {"sent", "delivered"}
    assert sent_to(sandbox, "zalo") == {fine: 1}
    assert len(sent_to(sandbox, "zns")) == 1
    sms = httpx.get(f"{sandbox.url}/_sandbox/sms", params={"direction": "outbound-api"}).json()
    assert len(sms) == 1


STOP_CASES = [
    # (case, channel, sandbox fault for the recipient, has phone, reason starts with, identity stopped)
    ("zalo unfollowed, no phone: nothing to fall to", "zalo", {"followed": False}, False, "zalo -213", True),
    ("zalo blocked the OA: never via another channel", "zalo", {"blocked": True}, True, "zalo -217", True),
    ("telegram blocked the bot", "telegram", {"blocked": True}, True, "telegram 403", True),
    ("telegram chat not found: invalid, not stopped", "telegram", {"exists": False}, True, "telegram 400", False),
]


@pytest.mark.parametrize("case,channel,fault,phone,reason,stopped", STOP_CASES, ids=[c[0] for c in STOP_CASES])
def test_refusals_end_the_row_with_the_providers_reason(env, settings, sandbox, case, channel, fault, phone,
                                                        reason, stopped):
    with env() as db:
        [address] = add_people(db, 1, channel, phone=phone, start=500)
        campaign_id = add_campaign(db, zns_template_id="340406", allow_sms=True)
    faults(sandbox, {"channel": channel, "user_id": address, **fault})
    launch(settings, campaign_id)
    wait_state(env, campaign_id, "finished")
    [row] = rows(env, campaign_id)
    assert row.status == "failed" and row.reason.startswith(reason) and row.attempts == 1
    with env() as db:
        identity = db.scalars(select(ChannelIdentity).where(ChannelIdentity.external_id == address)).one()
    assert (identity.stopped_at is not None) is stopped
    assert sent_to(sandbox, "zns") == {} and httpx.get(f"{sandbox.url}/_sandbox/sms").json() == []


def test_sms_stop_21610_marks_the_number_stopped(env, settings, sandbox):
    with env() as db:
        [phone] = add_people(db, 1, "sms", start=700)
        campaign_id = add_campaign(db, allow_sms=True)
    # Twilio knows of the STOP, Loa does not (its webhook missed it): the send itself answers 21610.
    httpx.post(f"{sandbox.url}/_sandbox/twilio/incoming_sms", json={"from": phone, "body": "STOP",
                                                                    "url": f"{sandbox.url}/_sandbox/nowhere"})
    launch(settings, campaign_id)
    wait_state(env, campaign_id, "finished")
    [row] = rows(env, campaign_id)
    assert row.status == "failed" and row.reason.startswith("sms 21610")
    with env() as db:
        identity = db.scalars(select(ChannelIdentity).where(ChannelIdentity.external_id == phone)).one()
    assert identity.stopped_at is not None


def test_a_server_error_is_retried_and_the_message_arrives_once(env, settings, sandbox):
    with env() as db:
        [user] = add_people(db, 1, "zalo", start=800)
        campaign_id = add_campaign(db)
    faults(sandbox, {"channel": "zalo", "fail_next": {"count": 2, "status": 503, "method": "message/cs"}})
    launch(settings, campaign_id)
    wait_state(env, campaign_id, "finished")
    [row] = rows(env, campaign_id)
    assert (row.status, row.attempts) == ("sent", 3)
    assert sent_to(sandbox, "zalo") == {user: 1}


def test_a_provider_down_for_good_fails_after_the_last_attempt(env, settings, sandbox):
    with env() as db:
        add_people(db, 1, "zalo", start=900)
        campaign_id = add_campaign(db)
    faults(sandbox, {"channel": "zalo", "fail_next": {"count": 50, "status": 503, "method": "message/cs"}})
    launch(settings.with_(broadcast_max_attempts=3), campaign_id)
    wait_state(env, campaign_id, "finished")
    [row] = rows(env, campaign_id)
    assert (row.status, row.attempts, row.reason) == ("failed", 3, "zalo http 503")
