"""F1 follow-up: a check call each day until `f1_followup_days` after exposure, stopping when staff close the case.

The daily scheduling runs from the dialer's tick (once per local day, idempotent), so no cron is needed;
`python -m ivr.followup` runs it by hand.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, update

from core import clock
from core.db import session_scope
from core.redis_conn import get_redis
from core.settings import Settings
from ivr.models import TracingContact
from ivr.window import next_opening

DONE_KEY = "loa:followup:done:{day}"
RERUN_S = 600


def reached_values(settings: Settings, contact: TracingContact, now: datetime) -> dict:
    """The contact's values once a call reached them; an F1 reached on the tracing call starts follow-up."""
    today = now.astimezone(clock.local_now(settings).tzinfo).date()
    # Today's tracing call counts as today's check: the daily check calls start tomorrow.
    values = {"status": "reached", "attempts": 0, "last_followup_on": today, "reached_at": now}
    if contact.classification == "F1":
        exposed = contact.exposure_date or today
        values["followup_until"] = exposed + timedelta(days=settings.f1_followup_days)
    return values


def schedule_followups(settings: Settings) -> int:
    """Queue today's check call for every F1 still in follow-up; returns how many were queued."""
    now = clock.now(settings)
    today = clock.local_now(settings).date()
    with session_scope(settings.database_url) as session:
        # Setting last_followup_on in the same UPDATE makes a second run the same day a no-op.
        queued = session.execute(
            update(TracingContact)
            .where(TracingContact.classification == "F1", TracingContact.status == "reached",
                   TracingContact.closed_at.is_(None), TracingContact.followup_until >= today,
                   or_(TracingContact.last_followup_on.is_(None), TracingContact.last_followup_on < today),
                   # A check call still under way finishes first; the next run (minutes later) picks it up.
                   or_(TracingContact.followup_status.is_(None), TracingContact.followup_status != "calling"))
            .values(followup_status="pending", purpose="followup", attempts=0, last_followup_on=today,
                    next_attempt_at=next_opening(settings, now))
        ).rowcount
    return queued


def maybe_schedule_today(settings: Settings) -> int:
    """Run the (idempotent) daily scheduling unless it ran in the last few minutes (called from every tick)."""
    # Keyed by local day, so the first tick of a new day runs it at once; the short expiry lets a later
    # run pick up anyone skipped because a check call was still under way.
    key = DONE_KEY.format(day=clock.local_now(settings).date().isoformat())
    if not get_redis(settings).set(key, "1", nx=True, ex=RERUN_S):
        return 0
    return schedule_followups(settings)


def close_case(settings: Settings, contact_id: int) -> bool:
    """Staff close a case: no more calls or follow-ups for this entry; False if it was not found or closed."""
    now = clock.now(settings)
    with session_scope(settings.database_url) as session:
        return bool(session.execute(
            update(TracingContact).where(TracingContact.id == contact_id, TracingContact.status != "closed")
            .values(status="closed", closed_at=now, next_attempt_at=None,
                    followup_status=case((TracingContact.followup_status.is_not(None), "stopped"), else_=None))
        ).rowcount)


if __name__ == "__main__":
    print(f"{schedule_followups(Settings.from_env())} follow-up calls queued")
