"""Citizens and their channel identities: one citizen, many addresses (zalo, telegram, phone, sms)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import ChannelIdentity, Citizen, utcnow


def ensure(db: Session, channel: str, external_id: str, display_name: str | None = None,
           language: str | None = None) -> ChannelIdentity:
    """The identity for (channel, external_id), created with a new citizen when first seen."""
    identity = db.scalar(select(ChannelIdentity).where(ChannelIdentity.channel == channel,
                                                        ChannelIdentity.external_id == external_id))
    if identity is None:
        citizen = Citizen(language=language or "vi")
        if channel in ("voice", "sms") and external_id.startswith("+"):
            citizen = _citizen_by_phone(db, external_id) or Citizen(language=language or "vi", phone=external_id)
        identity = ChannelIdentity(channel=channel, external_id=external_id, display_name=display_name,
                                   citizen=citizen)
        db.add(identity)
        db.flush()
    identity.last_inbound_at = utcnow()
    return identity


def _citizen_by_phone(db: Session, phone: str) -> Citizen | None:
    return db.scalar(select(Citizen).where(Citizen.phone == phone))


def link_phone(db: Session, identity: ChannelIdentity, phone: str) -> Citizen:
    """Record the citizen's phone; when another record already has it, merge this identity into it."""
    citizen = identity.citizen
    if citizen.phone == phone:
        return citizen
    owner = _citizen_by_phone(db, phone)
    if owner is not None and owner.id != citizen.id:
        # The same person reached us before by phone or another app: keep one citizen.
        identity.citizen = owner
        db.flush()
        return owner
    citizen.phone = phone
    db.flush()
    return citizen
