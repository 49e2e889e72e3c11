"""Planning: one delivery row per recipient, written by the database (INSERT ... SELECT), never a Python loop.

The audience query (broadcasts.audience.chosen) runs in batches of person keys (citizen ids, or uploaded
phone rows), so each statement touches a bounded slice; rows get consecutive `chunk` numbers of
`chunk_size` rows (the unit a dispatch job takes). Python holds only counters, whatever the audience
size. Planning is done once per campaign: `planned_count` set means done, and a plan that died
half-way (planned_count still empty, nothing dispatched yet) is thrown away and redone.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from broadcasts import audience
from broadcasts.models import Campaign, Delivery
from core.models import utcnow

log = logging.getLogger(__name__)
BATCH_PERSONS = 250_000  # person keys per INSERT ... SELECT: big enough to be fast, small enough to bound each


def _insert_batch(session: Session, campaign: Campaign, now: datetime, lo: int, hi: int,
                  first_chunk: int, chunk_size: int) -> int:
    picked = audience.chosen(campaign, now, lo, hi).subquery("picked")
    position = func.row_number().over(order_by=picked.c.person) - 1
    rows = select(literal(campaign.id), picked.c.citizen_id, picked.c.identity_id, picked.c.channel,
                  picked.c.address, picked.c.language, picked.c.commune_code, literal("queued"), literal(0),
                  literal(first_chunk) + position // chunk_size)
    statement = insert(Delivery.__table__).from_select(
        ["campaign_id", "citizen_id", "identity_id", "channel", "address", "language", "commune_code", "status",
         "attempts", "chunk"], rows)
    session.execute(statement)
    # Counted rather than read from rowcount: SQLAlchemy reports -1 for INSERT ... SELECT on psycopg.
    return int(session.execute(select(func.count()).select_from(Delivery).where(
        Delivery.campaign_id == campaign.id, Delivery.chunk >= first_chunk)).scalar_one())


def plan(session: Session, campaign_id: int, chunk_size: int = 500, now: datetime | None = None,
         batch_persons: int = BATCH_PERSONS) -> int:
    """Write the campaign's delivery rows (once) and return how many there are; the caller commits.

    `now` decides whose Zalo window is open (default: the real time).
    """
    campaign = session.execute(select(Campaign).where(Campaign.id == campaign_id).with_for_update()).scalar_one()
    if campaign.planned_count is not None:
        return campaign.planned_count
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        # For this transaction only: sorts and hashes of a batch fit in memory instead of spilling to disk,
        # and JIT compilation (seconds per statement here) does not pay off for a one-pass query.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        session.execute(text("SET LOCAL jit = off"))
    session.execute(delete(Delivery).where(Delivery.campaign_id == campaign_id))  # a half-done earlier try
    total, next_chunk = 0, 0
    bounds = audience.person_bounds(session, campaign)
    if bounds is not None:
        low, high = bounds
        for lo in range(low, high + 1, batch_persons):
            count = _insert_batch(session, campaign, now, lo, lo + batch_persons, next_chunk, chunk_size)
            total += count
            next_chunk += -(-count // chunk_size)  # ceil: the batch's last chunk may be short
    campaign.planned_count = total
    session.flush()
    log.info("campaign %s planned: %s deliveries in %s chunks", campaign_id, total, next_chunk)
    return total


def chunk_count(session: Session, campaign_id: int) -> int:
    """How many chunks the plan has (the highest chunk number + 1; 0 for an empty plan)."""
    top = session.execute(select(func.max(Delivery.chunk)).where(Delivery.campaign_id == campaign_id)).scalar()
    return 0 if top is None else int(top) + 1
