"""Replies: a citizen's message within 24 hours of receiving a campaign counts as a reply to it.

Read-only over what the chat pipeline already records (message_log's inbound rows): a reply may come on
the channel the campaign used (the delivery's address) or on any other address of the same citizen
(a ZNS or SMS recipient often answers on Zalo). One count per recipient, however many messages.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session

from broadcasts.models import Delivery
from core.models import ChannelIdentity, MessageLog

WINDOW = timedelta(hours=24)
SENT = ("sent", "delivered", "seen")


def _window_end(session: Session, sent_at):
    """SQL for sent_at + 24 h in this database's own date arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return sent_at + literal_column("interval '24 hours'")
    # SQLite keeps datetimes as 'YYYY-MM-DD HH:MM:SS[.ffffff]' text, which compares in time order.
    return func.datetime(sent_at, "+1 day")


def _replied(session: Session):
    """SQL: this delivery's recipient wrote to Loa within 24 h after it was sent."""
    end = _window_end(session, Delivery.sent_at)
    in_window = and_(MessageLog.direction == "in", MessageLog.created_at > Delivery.sent_at, MessageLog.created_at <= end)
    same_address = exists().where(in_window, MessageLog.channel == Delivery.channel,
                                  MessageLog.external_id == Delivery.address)
    other_address = exists().where(
        in_window, ChannelIdentity.citizen_id == Delivery.citizen_id,
        MessageLog.external_id == ChannelIdentity.external_id,
        or_(MessageLog.channel == ChannelIdentity.channel,
            and_(MessageLog.channel == "sms", ChannelIdentity.channel == "phone")))
    return or_(same_address, other_address)


def count(session: Session, campaign_id: int) -> int:
    """How many recipients of the campaign replied within 24 h of receiving it."""
    query = select(func.count()).select_from(Delivery).where(
        Delivery.campaign_id == campaign_id, Delivery.status.in_(SENT), Delivery.sent_at.isnot(None),
        _replied(session))
    return int(session.execute(query).scalar_one())


def summary(session: Session, campaign_id: int) -> dict:
    """Replies, recipients reached, and the reply rate (for the API and the CLI)."""
    reached = int(session.execute(select(func.count()).select_from(Delivery).where(
        Delivery.campaign_id == campaign_id, Delivery.status.in_(SENT))).scalar_one())
    replied = count(session, campaign_id)
    return {"replies": replied, "reached": reached, "reply_rate": round(replied / reached, 4) if reached else 0.0}
