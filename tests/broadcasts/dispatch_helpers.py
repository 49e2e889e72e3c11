"""Helpers for the dispatch tests: many citizens at once (bulk SQL), a campaign row, the sandbox's knobs."""
from __future__ import annotations

import os
import signal
import subprocess
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, insert, select

from broadcasts.models import Campaign, Delivery
from core.models import ChannelIdentity, Citizen, Subscription, utcnow
from core.testing import start_worker, wait_until

FINAL = ("sent", "delivered", "seen", "failed")


def add_people(session, n: int, channel: str, start: int = 0, phone: bool = True, language: str = "vi") -> list[str]:
    """`n` subscribed citizens on `channel` (Zalo window open), inserted in bulk; returns their addresses."""
    now = utcnow()
    phones = [f"+8497{start + i:07d}" if phone else None for i in range(n)]
    ids = list(session.scalars(insert(Citizen).returning(Citizen.id, sort_by_parameter_order=True),
                               [{"phone": p, "language": language} for p in phones]))
    if channel == "telegram":
        addresses = [str(900000 + start + i) for i in range(n)]
    elif channel == "sms":
        addresses = phones
    else:
        addresses = [f"z{start + i}" for i in range(n)]
    identity_ids = list(session.scalars(
        insert(ChannelIdentity).returning(ChannelIdentity.id, sort_by_parameter_order=True),
        [{"citizen_id": cid, "channel": channel, "external_id": a, "created_at": now,
          "last_inbound_at": now - timedelta(hours=1)} for cid, a in zip(ids, addresses)]))
    session.execute(insert(Subscription), [
        {"citizen_id": cid, "identity_id": iid, "topic": "announcements", "active": True, "created_at": now}
        for cid, iid in zip(ids, identity_ids)])
    session.commit()
    return addresses


def add_campaign(session, **fields) -> int:
    """An approved campaign ready to launch (urgent: the tests do not depend on the time of day)."""
    values = dict(title="Thong bao", body_vi="Tiêm vắc xin tại trạm y tế xã", body_en="Vaccination at the commune",
                  buttons=[{"title_vi": "Khai báo", "title_en": "Declare", "payload": "/declare"}], audience={},
                  allow_sms=False, urgent=True, state="scheduled", in_flight_lost=0)
    values.update(fields)
    campaign = Campaign(**values)
    session.add(campaign)
    session.commit()
    return campaign.id


def statuses(session_factory, campaign_id: int) -> dict[str, int]:
    """Rows per status right now."""
    with session_factory() as db:
        return dict(db.execute(select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign_id)
                               .group_by(Delivery.status)).all())


def state(session_factory, campaign_id: int) -> str:
    """The campaign's state right now."""
    with session_factory() as db:
        return db.scalar(select(Campaign.state).where(Campaign.id == campaign_id))


def wait_state(session_factory, campaign_id: int, wanted: str, timeout: float = 60.0) -> None:
    """Wait until the campaign reaches `wanted`."""
    wait_until(lambda: state(session_factory, campaign_id) == wanted, timeout=timeout, interval=0.2)


def rows(session_factory, campaign_id: int) -> list[Delivery]:
    """Every delivery row of the campaign."""
    with session_factory() as db:
        return list(db.scalars(select(Delivery).where(Delivery.campaign_id == campaign_id).order_by(Delivery.id)))


def faults(sandbox, *specs) -> None:
    """Apply sandbox fault specs (sandbox.inspect)."""
    httpx.post(f"{sandbox.url}/_sandbox/faults", json=list(specs), timeout=5).raise_for_status()


def sent_to(sandbox, channel: str) -> dict[str, int]:
    """How many messages the sandbox delivered to each address of `channel`."""
    found = httpx.get(f"{sandbox.url}/_sandbox/messages", params={"channel": channel}, timeout=30).json()
    counts: dict[str, int] = {}
    for message in found:
        counts[message["user_id"]] = counts.get(message["user_id"], 0) + 1
    return counts


@pytest.fixture(scope="module")
def dispatch_worker(migrated, tmp_path_factory):
    """A worker on the broadcasts queue alone (the suite's shared worker is kept busy by the dialer's chain)."""
    log = tmp_path_factory.mktemp("dispatch") / "worker.log"
    proc = start_worker(["broadcasts"], log=log)
    yield proc
    stop_worker(proc)
    errors = [line for line in log.read_text().splitlines() if "Traceback" in line or " ERROR " in line]
    assert not errors, f"the broadcasts worker logged errors (see {log})"


def stop_worker(proc) -> None:
    """Stop a worker started by start_worker, and its scheduler process."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
