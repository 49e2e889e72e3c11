"""Broadcast campaigns, their planned deliveries (one row per recipient) and uploaded phone lists."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import core.staff_models  # noqa: F401  (staff_account must be on the metadata for the foreign keys)
from core.db import Base
from core.models import utcnow

STATES = ("draft", "awaiting_approval", "scheduled", "running", "paused", "finished", "cancelled")
FINAL_STATES = ("finished", "cancelled")
CHANNELS = ("zalo", "zns", "sms", "telegram")

# A delivery row only ever moves to a higher rank (a late or duplicated callback never moves it back).
# "failed" ranks highest: once failed, nothing revives the row; a delivery report after "sent" still wins
# over "sending" and "sent".
STATUS_ORDER = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "seen": 4, "failed": 5}
FINAL_STATUSES = ("sent", "delivered", "seen", "failed")


class Campaign(Base):
    """One announcement to many citizens, from draft through approval to finished or cancelled."""

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body_vi: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str | None] = mapped_column(Text)
    # [{"title_vi": ..., "title_en": ..., "payload": "/faq:quarantine" | "/declare"}]
    buttons: Mapped[list] = mapped_column(JSON, default=list)
    link: Mapped[str | None] = mapped_column(String(500))
    # {"communes": [codes] | None, "topic": str | None, "language": "vi" | "en" | None, "phones_upload_id": id | None}
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    allow_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    zns_template_id: Mapped[str | None] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_account.id"))
    second_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_account.id"))
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_reason: Mapped[str | None] = mapped_column(String(500))  # staff's pause or the auto-pause's top reasons
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    planned_count: Mapped[int | None] = mapped_column(Integer)
    # Rows that were in flight when a worker died: the only ones that may have arrived twice.
    in_flight_lost: Mapped[int] = mapped_column(Integer, default=0)


class Delivery(Base):
    """One recipient of one campaign on one channel, moving forward only through STATUS_ORDER."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("campaign_id", "citizen_id", name="uq_delivery_campaign_citizen"),
        # Uploaded phones with no citizen have citizen_id NULL: this one keeps them to one row each.
        UniqueConstraint("campaign_id", "channel", "address", name="uq_delivery_campaign_address"),
        Index("ix_delivery_campaign_status", "campaign_id", "status"),
        Index("ix_delivery_campaign_chunk", "campaign_id", "chunk"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    citizen_id: Mapped[int | None] = mapped_column(Integer)
    identity_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))  # zalo | zns | sms | telegram
    address: Mapped[str] = mapped_column(String(64))  # Zalo user id, Telegram chat id or E.164 phone
    language: Mapped[str] = mapped_column(String(5), default="vi")
    commune_code: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    reason: Mapped[str | None] = mapped_column(String(200))
    provider_msg_id: Mapped[str | None] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    chunk: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PhoneUpload(Base):
    """A CSV of phone numbers staff uploaded as a campaign's audience, with its row-by-row report."""

    __tablename__ = "phone_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_account.id"))
    filename: Mapped[str | None] = mapped_column(String(200))
    good_count: Mapped[int] = mapped_column(Integer, default=0)
    # [{"row": n, "phone": raw, "reason": why}] for every refused row
    rows: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UploadedPhone(Base):
    """One accepted phone number of an upload (E.164, once per upload)."""

    __tablename__ = "uploaded_phone"
    __table_args__ = (UniqueConstraint("upload_id", "phone", name="uq_uploaded_phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("phone_upload.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    row_number: Mapped[int | None] = mapped_column(Integer)


class StaffTestAddress(Base):
    """A staff member's own address a campaign's test send goes to (their Telegram, Zalo or phone)."""

    __tablename__ = "staff_test_address"
    __table_args__ = (UniqueConstraint("staff_id", "channel", "address", name="uq_staff_test_address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_account.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # zalo | telegram | sms
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
