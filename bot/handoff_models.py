"""Hand-offs to staff: a citizen's request to talk to a person, with the whole thread staff read and answer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.models import utcnow

STATUSES = ("open", "held", "closed")  # held: a staff member took it and is answering


class Handoff(Base):
    """One request to talk to staff, from one channel address; open until staff close it."""

    __tablename__ = "handoff"
    __table_args__ = (Index("ix_handoff_status_opened", "status", "opened_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))  # the channel address replies go to
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # HT-XXXXXX, quoted by the citizen
    reason: Mapped[str] = mapped_column(String(32), default="asked")
    status: Mapped[str] = mapped_column(String(16), default="open")
    held_by: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    messages: Mapped[list["HandoffMessage"]] = relationship(order_by="HandoffMessage.id", back_populates="handoff")


class HandoffMessage(Base):
    """One message of a hand-off's thread: the citizen's, the bot's acknowledgement, or a staff member's."""

    __tablename__ = "handoff_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoff.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))  # citizen | bot | staff:<username>
    kind: Mapped[str] = mapped_column(String(16), default="text")  # the Inbound kind (text, voice, image...)
    text: Mapped[str | None] = mapped_column(Text)
    media_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    handoff: Mapped[Handoff] = relationship(back_populates="messages")
