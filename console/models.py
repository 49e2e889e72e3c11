"""The console's own records: who claimed an alert and who resolved it, and staff notes on alerts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.models import utcnow


class AlertWork(Base):
    """Staff work on one alert (core.models.Alert): claimed by one person, then resolved.

    Resolving also sets the alert's own acknowledged_at/by, which is what "open" means everywhere else.
    """

    __tablename__ = "alert_work"
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), primary_key=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AlertNote(Base):
    """A note a staff member wrote on an alert (what they did, what the citizen said)."""

    __tablename__ = "alert_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _page_indexes() -> None:
    # Indexes the console's pages filter on, declared here (with migration 0009) beside the console's tables
    # rather than in the other parts' models: the declarations page filters by commune or risk within a date
    # range; Today counts open alerts, the day's calls and the day's unreachable.
    from core.models import Alert, Declaration
    from ivr.models import CallAttempt, TracingContact

    Index("ix_declaration_commune_created", Declaration.commune_code, Declaration.created_at)
    Index("ix_declaration_risk_created", Declaration.risk_level, Declaration.created_at)
    Index("ix_alert_open", Alert.acknowledged_at, Alert.created_at)
    Index("ix_call_attempt_started_at", CallAttempt.started_at)
    Index("ix_tracing_contact_status", TracingContact.status, TracingContact.unreachable_at)


_page_indexes()
