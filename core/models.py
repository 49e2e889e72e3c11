"""The durable records of Loa: citizens, their channel identities, declarations, alerts, reports."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Index,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


class Citizen(Base):
    """A person Loa talks to, on any number of channels."""

    __tablename__ = "citizen"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)  # E.164
    name: Mapped[str | None] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    commune_code: Mapped[int | None] = mapped_column(Integer)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_version: Mapped[str | None] = mapped_column(String(16))  # the privacy notice agreed to
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    identities: Mapped[list["ChannelIdentity"]] = relationship(back_populates="citizen")


class ChannelIdentity(Base):
    """One citizen's address on one channel (Zalo user id, Telegram chat id, phone number)."""

    __tablename__ = "channel_identity"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_identity_channel_external"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # zalo | telegram | phone | sms
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(200))
    # Set when the provider says this address can no longer be reached (blocked, unfollowed, STOP).
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stopped_reason: Mapped[str | None] = mapped_column(String(200))
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    citizen: Mapped[Citizen] = relationship(back_populates="identities")


class Subscription(Base):
    """A citizen's wish to receive announcements, for a commune (or the whole province)."""

    __tablename__ = "subscription"
    __table_args__ = (Index("ix_subscription_active_commune", "active", "commune_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("channel_identity.id"), index=True)
    commune_code: Mapped[int | None] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(32), default="announcements")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Declaration(Base):
    """One person's health declaration with its triage; household members point to the main one."""

    __tablename__ = "declaration"
    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    household_of_id: Mapped[int | None] = mapped_column(ForeignKey("declaration.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(20))
    commune_code: Mapped[int | None] = mapped_column(Integer)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    risk_level: Mapped[str] = mapped_column(String(16))  # low | moderate | high | danger
    rule_version: Mapped[str] = mapped_column(String(32))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # Links a declaration taken on a tracing call to the list entry that was called (voice issue).
    tracing_contact_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    members: Mapped[list["Declaration"]] = relationship()


class Alert(Base):
    """Something staff must act on: danger signs, a high-risk declaration, a symptomatic call."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # danger | high_risk | callback | handoff ...
    severity: Mapped[str] = mapped_column(String(16))  # critical | high | normal
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declaration.id"))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))


class Report(Base):
    """A citizen's report to the authorities, with a reference number given back to them."""

    __tablename__ = "report"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))  # suspected_case | quarantine_breach | scam | price_gouging | fake_news | other
    text: Mapped[str | None] = mapped_column(Text)
    media_url: Mapped[str | None] = mapped_column(String(500))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class DataRequest(Base):
    """A citizen's request about their personal data ("xoa du lieu": delete it), for staff to carry out."""

    __tablename__ = "data_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="delete")
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="new")  # new | done | refused
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(100))


class MessageLog(Base):
    """Every message in and out, with the provider's id and delivery state."""

    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_provider", "channel", "provider_msg_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    text: Mapped[str | None] = mapped_column(Text)
    provider_msg_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="received")  # received | sent | delivered | seen | failed
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProviderCredential(Base):
    """A provider token that rotates (Zalo's single-use refresh token), stored before it is used."""

    __tablename__ = "provider_credential"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


def load_all_models() -> None:
    """Import every module that defines tables, so metadata and Alembic see them all."""
    import importlib

    for module in ("core.staff_models", "bot.handoff_models", "nlu.models", "ivr.models", "broadcasts.models",
                   "console.models"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
