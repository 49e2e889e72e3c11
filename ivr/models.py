"""Voice tables: tracing lists and their contacts, every call placed, and opt-outs."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.models import utcnow

CLASSIFICATIONS = ("F1", "F2", "returnee")
# pending: due for a call at next_attempt_at; calling: claimed by one dialer, a call is (being) placed;
# reached: the person confirmed who they are; unreachable: attempts exhausted or wrong number (tracers take over);
# closed: staff closed the case; opted_out: the number asked not to be called.
STATUSES = ("pending", "calling", "reached", "unreachable", "closed", "opted_out")
# An F1's daily check call is a separate round that never touches `status` (a reached person stays reached):
# pending: today's check call is due at next_attempt_at; calling: it is being placed; done: answered today;
# missed: today's attempts ran out; stopped: the number is wrong or asked for no more calls.
FOLLOWUP_STATUSES = ("pending", "calling", "done", "missed", "stopped")
# A number is in at most one call at a time, even when it is on several lists (a claim that would make a
# second row 'calling' for the same phone fails on this partial unique index, on PostgreSQL and SQLite).
DIALING = "status = 'calling' OR followup_status = 'calling'"


class TracingList(Base):
    """A named batch of people to call, imported by staff from a file or the API."""

    __tablename__ = "tracing_list"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TracingContact(Base):
    """One person on a tracing list, with where their calls stand."""

    __tablename__ = "tracing_contact"
    __table_args__ = (
        # Importing the same file twice must create nothing new: one entry per phone per list.
        UniqueConstraint("list_id", "phone", name="uq_tracing_contact_list_phone"),
        Index("ix_tracing_contact_due", "status", "next_attempt_at"),
        Index("ix_tracing_contact_followup_due", "followup_status", "next_attempt_at"),
        Index("uq_tracing_contact_phone_dialing", "phone", unique=True,
              postgresql_where=text(DIALING), sqlite_where=text(DIALING)),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("tracing_list.id"), index=True)
    row_number: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str] = mapped_column(String(20), index=True)  # E.164
    name: Mapped[str] = mapped_column(String(200))
    classification: Mapped[str] = mapped_column(String(16))  # F1 | F2 | returnee
    commune_code: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    exposure_date: Mapped[date | None] = mapped_column(Date)  # exposure (F1/F2) or arrival (returnee)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # The current round (tracing | followup); attempts, next_attempt_at and claimed_at belong to it.
    purpose: Mapped[str] = mapped_column(String(16), default="tracing")
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # calls placed in the current round
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_outcome: Mapped[str | None] = mapped_column(String(32))
    reached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unreachable_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sms_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    followup_until: Mapped[date | None] = mapped_column(Date)
    followup_status: Mapped[str | None] = mapped_column(String(16))  # today's check call (FOLLOWUP_STATUSES)
    last_followup_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CallAttempt(Base):
    """One outbound call: created before calls.create so a crash never loses track of it."""

    __tablename__ = "call_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str | None] = mapped_column(String(40), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("tracing_contact.id"), index=True)
    attempt_no: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(16))  # tracing | followup
    to_phone: Mapped[str] = mapped_column(String(20), index=True)
    from_number: Mapped[str] = mapped_column(String(20))
    # creating (no sid yet) | queued | initiated | ringing | in-progress | completed | busy | no-answer
    # | failed | canceled | abandoned (never placed: the dialer died before Twilio took it)
    status: Mapped[str] = mapped_column(String(16), default="creating")
    last_sequence_number: Mapped[int] = mapped_column(Integer, default=-1)
    answered_by: Mapped[str | None] = mapped_column(String(32))
    # Why the call ended as it did; set once, never overwritten by a later callback (RapidPro's retry bug).
    outcome: Mapped[str | None] = mapped_column(String(32))
    duration_s: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    placed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # Twilio accepted calls.create
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OptOut(Base):
    """A number that asked not to be contacted on a channel (voice, sms, or all)."""

    __tablename__ = "opt_out"
    __table_args__ = (UniqueConstraint("phone", "channel", name="uq_opt_out_phone_channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DialerPause(Base):
    """Staff stopped calls: the whole call centre (scope "all") or one list ("list:<id>"); resuming deletes it.

    The truth is here, not in Redis: a Redis restarted without its data must not resume calling."""

    __tablename__ = "dialer_pause"
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("tracing_list.id"), index=True)
    paused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paused_by: Mapped[str | None] = mapped_column(String(100))
