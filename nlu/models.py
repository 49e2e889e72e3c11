"""The curators' queue: citizen questions the NLU could not answer well, with what it guessed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.models import utcnow

# Why a question is queued. Free strings in the column (the engine may add more, e.g. no_answer).
REASONS = ("low_confidence", "expired_answer", "out_of_scope", "handoff", "no_answer")
MAX_TEXT = 1000


class UnansweredQuestion(Base):
    """One question for the curators: its text, the NLU's ranked guesses and why it was queued."""

    __tablename__ = "unanswered_question"
    __table_args__ = (Index("ix_unanswered_status_created", "status", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    # [[intent, confidence], ...] best first, as the NLU returned them.
    predictions: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="new")  # new | resolved
    # The intent a curator says the question belongs to (None: resolved with nothing to learn).
    label: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def record_unanswered(settings, session, *, channel: str, text: str, reason: str, language: str | None = None,
                      citizen_id: int | None = None, result=None) -> UnansweredQuestion:
    """Add a question to the curators' queue (the caller's session commits it)."""
    ranking = getattr(result, "ranking", None) or []
    row = UnansweredQuestion(
        channel=channel, citizen_id=citizen_id, text=(text or "")[:MAX_TEXT],
        language=language or settings.default_language, reason=reason,
        predictions=[[str(intent), round(float(conf), 4)] for intent, conf in ranking[:5]],
    )
    session.add(row)
    return row
