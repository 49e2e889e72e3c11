"""Small database helpers the voice modules share: idempotent inserts and opt-outs."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ivr.models import OptOut, TracingContact

# Opt-outs on these channels stop tracing calls; an SMS STOP alone only stops SMS.
CALL_OPT_OUT_CHANNELS = ("voice", "all")
SMS_OPT_OUT_CHANNELS = ("sms", "all")


def _insert(session, model):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def insert_contacts(session, rows: list[dict]) -> int:
    """Insert contacts, skipping any (list, phone) already there; returns how many were new."""
    if not rows:
        return 0
    list_id = rows[0]["list_id"]
    count = select(func.count()).select_from(TracingContact).where(TracingContact.list_id == list_id)
    before = session.scalar(count)
    defaults = {"status": "pending", "purpose": "tracing", "attempts": 0}
    for start in range(0, len(rows), 500):
        chunk = [{**defaults, **row} for row in rows[start:start + 500]]
        session.execute(_insert(session, TracingContact).on_conflict_do_nothing(), chunk)
    return session.scalar(count) - before


def opted_out(session, phones, channels=CALL_OPT_OUT_CHANNELS) -> set[str]:
    """The subset of `phones` that opted out of any of `channels`."""
    phones = list(set(phones))
    if not phones:
        return set()
    query = select(OptOut.phone).where(OptOut.phone.in_(phones), OptOut.channel.in_(channels))
    return set(session.scalars(query))


def add_opt_out(session, phone: str, channel: str, reason: str = "") -> None:
    """Record that `phone` asked not to be contacted on `channel` (idempotent)."""
    exists = session.scalar(select(OptOut.id).where(OptOut.phone == phone, OptOut.channel == channel))
    if exists:
        return
    try:
        with session.begin_nested():
            session.add(OptOut(phone=phone, channel=channel, reason=reason[:100]))
    except IntegrityError:
        pass  # recorded concurrently by another request: same result
