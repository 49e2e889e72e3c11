"""A campaign end to end on every channel against the sandbox over real HTTP, through a real RQ worker:
each citizen gets the message once, rows end sent/delivered/seen, receipts and status callbacks arrive."""
from __future__ import annotations

import pytest

from broadcasts.dispatch import counters, launch
from tests.broadcasts.dispatch_helpers import (add_campaign, add_people, dispatch_worker, faults, rows,  # noqa: F401
                                              sent_to, wait_state)
from core.testing import wait_until


@pytest.fixture()
def env(db, redis_client, sandbox_clean, web, worker, dispatch_worker, settings):
    """Everything a dispatch needs, limits as in production unless a test lifts them."""
    faults(sandbox_clean, {"channel": "zalo", "emit_received": True, "emit_seen": True})
    return db


def test_a_campaign_reaches_every_channel_once_and_tracks_delivery(env, settings, sandbox):
    with env() as db:
        zalo = add_people(db, 6, "zalo")
        telegram = add_people(db, 6, "telegram", start=100)
        sms = add_people(db, 6, "sms", start=200)
        campaign_id = add_campaign(db, allow_sms=True)
    planned = launch(settings.with_(broadcast_chunk_size=4), campaign_id)
    assert planned == 18
    wait_state(env, campaign_id, "finished")

    assert sent_to(sandbox, "zalo") == {a: 1 for a in zalo}
    assert sent_to(sandbox, "telegram") == {a: 1 for a in telegram}
    sms_sent = {}
    import httpx
    for m in httpx.get(f"{sandbox.url}/_sandbox/sms", params={"direction": "outbound-api"}).json():
        sms_sent[m["to"]] = sms_sent.get(m["to"], 0) + 1
    assert sms_sent == {a: 1 for a in sms}

    # Zalo sends its receipts, Twilio its status callbacks: rows move on to seen / delivered.
    def tracked():
        by = {}
        for row in rows(env, campaign_id):
            by.setdefault(row.channel, set()).add(row.status)
        return by if by.get("zalo") == {"seen"} and by.get("sms") == {"delivered"} else None

    # Zalo's receipts go through the webhook and the inbound worker, which may still be warming up its NLU.
    by_channel = wait_until(tracked, timeout=120)
    assert by_channel["telegram"] == {"sent"}  # the Bot API has no delivery receipts
    with env() as db:
        live = counters(db, campaign_id)
    assert live["total"] == 18 and live["by_status"]["failed"] == 0 and live["in_flight_lost"] == 0


def test_buttons_and_language_reach_each_channel_as_it_renders_them(env, settings, sandbox):
    import httpx

    with env() as db:
        [zalo_user] = add_people(db, 1, "zalo", language="en")
        [chat] = add_people(db, 1, "telegram", start=300)
        campaign_id = add_campaign(db)
    launch(settings, campaign_id)
    wait_state(env, campaign_id, "finished")
    zalo_msg = httpx.get(f"{sandbox.url}/_sandbox/messages", params={"channel": "zalo", "user_id": zalo_user}).json()
    assert zalo_msg[0]["text"].startswith("Vaccination at the commune")
    assert zalo_msg[0]["buttons"] == [{"title": "Declare", "payload": "/declare", "type": "oa.query.show"}]
    tg_msg = httpx.get(f"{sandbox.url}/_sandbox/messages", params={"channel": "telegram", "user_id": chat}).json()
    assert tg_msg[0]["text"].startswith("Tiêm vắc xin") and tg_msg[0]["buttons"][0]["payload"] == "/declare"


def test_the_campaigns_launch_hands_over_to_dispatch_and_the_campaign_finishes(env, settings, sandbox):
    from broadcasts import campaigns

    with env() as db:
        telegram = add_people(db, 3, "telegram", start=400)
        campaign_id = add_campaign(db)
        campaigns.launch(db, settings, "tests", campaign_id)  # approved ("scheduled") campaigns only
        db.commit()
        campaigns.after_commit(db, settings)  # a job plans the rows, then dispatch sends them
    wait_state(env, campaign_id, "finished")
    assert sent_to(sandbox, "telegram") == {c: 1 for c in telegram}
