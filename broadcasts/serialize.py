"""Campaigns and delivery rows as JSON-safe dicts for the API and the command line."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcasts.models import Campaign, Delivery
from core.clock import as_utc
from core.staff_models import StaffAccount

FIELDS = ("id", "title", "body_vi", "body_en", "buttons", "link", "audience", "allow_sms", "zns_template_id",
          "urgent", "state", "author_id", "approved_by_id", "second_approved_by_id", "scheduled_at", "started_at",
          "finished_at", "cancelled_at", "paused_reason", "created_at", "planned_count", "in_flight_lost")


def _json(value):
    return as_utc(value).isoformat() if isinstance(value, datetime) else value


def campaign_dict(session: Session, campaign: Campaign) -> dict:
    """Every field of the campaign, with the names of its author and approvers."""
    out = {name: _json(getattr(campaign, name)) for name in FIELDS}
    out["launching"] = campaign.state == "scheduled" and campaign.started_at is not None  # rows being planned
    ids = {campaign.author_id, campaign.approved_by_id, campaign.second_approved_by_id} - {None}
    names = dict(session.execute(select(StaffAccount.id, StaffAccount.name).where(StaffAccount.id.in_(ids))).all()) \
        if ids else {}
    for role in ("author", "approved_by", "second_approved_by"):
        out[f"{role}_name"] = names.get(out[f"{role}_id"])
    return out


def delivery_dict(row: Delivery) -> dict:
    """One recipient's row (the address in full: only for broadcasts.personal)."""
    return {"id": row.id, "citizen_id": row.citizen_id, "channel": row.channel, "address": row.address,
            "language": row.language, "commune_code": row.commune_code, "status": row.status, "reason": row.reason,
            "attempts": row.attempts, "chunk": row.chunk, "provider_msg_id": row.provider_msg_id,
            "sent_at": _json(row.sent_at), "updated_at": _json(row.updated_at)}
