"""The counts of the Today page: declarations by risk, open alerts, tracing calls, campaigns, questions, 14 days."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from broadcasts.models import Campaign
from core.models import Alert, Declaration
from core.settings import Settings
from ivr.models import CallAttempt, TracingContact
from nlu.models import UnansweredQuestion

RISKS = ("danger", "high", "moderate", "low")
DAYS = 14


def day_start(settings: Settings, now: datetime, days_back: int = 0) -> datetime:
    """Local midnight `days_back` days before `now`'s local date, in UTC."""
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone).date() - timedelta(days=days_back)
    return datetime.combine(local, time(0), zone).astimezone(timezone.utc)


def _local_day(session: Session, column, settings: Settings, now: datetime):
    # The day in Asia/Ho_Chi_Minh, computed by the database so 100,000 rows are grouped there, not here.
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(settings.timezone, column), "YYYY-MM-DD")
    offset = now.astimezone(ZoneInfo(settings.timezone)).utcoffset()
    return func.strftime("%Y-%m-%d", column, f"{int(offset.total_seconds())} seconds")


def today_counts(session: Session, settings: Settings, now: datetime, commune: int | None = None) -> dict:
    """Every number of the Today page (declarations filtered by `commune` when given)."""
    start = day_start(settings, now)
    declared = select(Declaration.risk_level, func.count()).where(Declaration.created_at >= start)
    if commune:
        declared = declared.where(Declaration.commune_code == commune)
    by_risk = dict(session.execute(declared.group_by(Declaration.risk_level)).all())
    calls = select(func.count()).select_from(CallAttempt).where(CallAttempt.started_at >= start)
    return {
        "declarations": {risk: by_risk.get(risk, 0) for risk in RISKS},
        "declarations_total": sum(by_risk.values()),
        "open_alerts": session.scalar(select(func.count()).select_from(Alert).where(Alert.acknowledged_at.is_(None))),
        "calls_placed": session.scalar(calls.where(CallAttempt.placed_at.is_not(None))),
        # Answered: a completed call that a person (not an answering machine) picked up.
        "calls_answered": session.scalar(calls.where(CallAttempt.status == "completed",
                                                     CallAttempt.outcome != "machine")),
        "unreachable": session.scalar(select(func.count()).select_from(TracingContact)
                                      .where(TracingContact.status == "unreachable",
                                             TracingContact.unreachable_at >= start)),
        "campaigns_running": session.scalar(select(func.count()).select_from(Campaign)
                                            .where(Campaign.state == "running")),
        "unanswered_questions": session.scalar(select(func.count()).select_from(UnansweredQuestion)
                                               .where(UnansweredQuestion.status == "new")),
    }


def last_days(session: Session, settings: Settings, now: datetime, commune: int | None = None) -> dict:
    """Declarations per local day and risk level over the last 14 days: {"days": [...], "series": {risk: [...]}}."""
    start = day_start(settings, now, DAYS - 1)
    day = _local_day(session, Declaration.created_at, settings, now)
    query = select(day, Declaration.risk_level, func.count()).where(Declaration.created_at >= start)
    if commune:
        query = query.where(Declaration.commune_code == commune)
    counts = {(d, risk): n for d, risk, n in session.execute(query.group_by(day, Declaration.risk_level))}
    zone = ZoneInfo(settings.timezone)
    first = now.astimezone(zone).date() - timedelta(days=DAYS - 1)
    days = [(first + timedelta(days=i)).isoformat() for i in range(DAYS)]
    return {"days": days, "series": {risk: [counts.get((d, risk), 0) for d in days] for risk in RISKS}}
