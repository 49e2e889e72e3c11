"""Pause, resume and cancel honoured between chunks and before each send (nothing sent is sent again on
resume), and the auto-pause when too many of the last minute's sends failed."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from broadcasts.dispatch import cancel, counters, launch, resume
from broadcasts.models import Campaign, Delivery
from core.models import Alert
from core.testing import wait_until
from tests.broadcasts.dispatch_helpers import (add_campaign, add_people, dispatch_worker, faults, sent_to,  # noqa: F401
                                              state, statuses, wait_state)

SLOW = dict(broadcast_telegram_per_second=10.0, broadcast_chunk_size=10)


@pytest.fixture()
def env(db, redis_client, sandbox_clean, web, dispatch_worker):
    """Database, Redis, sandbox, web app and a broadcasts worker."""
    return db


def set_state(session_factory, campaign_id: int, new: str) -> None:
    """What the campaigns API does to the row (its own tests cover the four-eyes and audit side)."""
    with session_factory() as db:
        db.execute(update(Campaign).where(Campaign.id == campaign_id).values(state=new))
        if new == "cancelled":
            db.execute(update(Delivery).where(Delivery.campaign_id == campaign_id, Delivery.status == "queued")
                       .values(status="failed", reason="cancelled"))
        db.commit()


def settled(session_factory, campaign_id: int) -> dict | None:
    """The status counts once nothing is in flight."""
    counts = statuses(session_factory, campaign_id)
    return None if counts.get("sending") else counts


def test_pause_holds_the_rest_and_resume_sends_only_what_was_not_sent(env, settings, sandbox):
    with env() as db:
        chats = add_people(db, 40, "telegram")
        campaign_id = add_campaign(db)
    fast = settings.with_(**SLOW)
    launch(fast, campaign_id)
    wait_until(lambda: statuses(env, campaign_id).get("sent", 0) >= 10, timeout=30)
    set_state(env, campaign_id, "paused")
    held = wait_until(lambda: settled(env, campaign_id), timeout=30)
    assert held.get("queued", 0) > 0
    before = sent_to(sandbox, "telegram")
    assert sum(before.values()) == held["sent"] and set(before.values()) == {1}
    assert state(env, campaign_id) == "paused"

    set_state(env, campaign_id, "running")
    resume(fast, campaign_id)
    wait_state(env, campaign_id, "finished")
    assert sent_to(sandbox, "telegram") == {c: 1 for c in chats}
    assert statuses(env, campaign_id) == {"sent": 40}


def test_cancel_stops_sending_and_every_row_ends(env, settings, sandbox):
    with env() as db:
        add_people(db, 40, "telegram", start=100)
        campaign_id = add_campaign(db)
    launch(settings.with_(**SLOW), campaign_id)
    wait_until(lambda: statuses(env, campaign_id).get("sent", 0) >= 10, timeout=30)
    set_state(env, campaign_id, "cancelled")
    cancel(settings, campaign_id)
    final = wait_until(lambda: (lambda c: c if not c.get("queued") and not c.get("sending") else None)(
        statuses(env, campaign_id)), timeout=30)
    assert final["failed"] > 0 and final["sent"] + final["failed"] == 40
    sent = sent_to(sandbox, "telegram")
    assert sum(sent.values()) == final["sent"] and set(sent.values()) == {1}
    assert state(env, campaign_id) == "cancelled"
    with env() as db:
        assert counters(db, campaign_id)["failed_by_reason"]["cancelled"] == final["failed"]


def test_too_many_failures_in_a_minute_pause_the_campaign_and_alert_staff(env, settings, sandbox):
    with env() as db:
        chats = add_people(db, 200, "telegram", start=1000)
        campaign_id = add_campaign(db)
    blocked = [c for i, c in enumerate(chats) if i % 5 < 3]  # 60% of the audience blocked the bot
    faults(sandbox, *[{"channel": "telegram", "user_id": c, "blocked": True} for c in blocked])
    launch(settings.with_(broadcast_telegram_per_second=20.0, broadcast_chunk_size=20), campaign_id)
    wait_state(env, campaign_id, "paused", timeout=60)
    with env() as db:
        alert = db.scalars(select(Alert).where(Alert.kind == "broadcast_paused")).one()
        campaign = db.get(Campaign, campaign_id)
    assert alert.details["campaign_id"] == campaign_id and alert.details["sends"] >= 50
    assert alert.details["top_reasons"][0]["reason"].startswith("telegram 403: Forbidden: bot was blocked")
    assert campaign.paused_reason.startswith("auto-pause: telegram 403")
    settled_counts = wait_until(lambda: settled(env, campaign_id), timeout=30)
    assert settled_counts.get("queued", 0) > 0  # it stopped before the end
