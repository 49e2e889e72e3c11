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


def vouched_phone(inbound) -> str | None:
    """The number the provider vouches is the sender's own (a Telegram contact of the sender, Zalo's
    user_submit_info, the caller id or SMS sender), else None: a typed number proves nothing."""
    if inbound.channel in ("voice", "sms") and str(inbound.user_id).startswith("+"):
        return inbound.user_id
    if inbound.phone and inbound.extra.get("own") is True:
        return inbound.phone
    return None


def _citizen_by_phone(db: Session, phone: str) -> Citizen | None:
    return db.scalar(select(Citizen).where(Citizen.phone == phone))


def link_phone(db: Session, identity: ChannelIdentity, phone: str) -> Citizen:
    """Record the citizen's proven phone; when another record already has it, merge this identity into it.

    Only for numbers the provider vouched for or a one-time code proved (bot.phone_codes): `Citizen.phone`
    opens the number's tracing records and files later declarations under its owner."""
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
