"""The declarations page's filters (commune, risk, dates, channel) read from the query string into one query."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import request
from sqlalchemy import select

from core.models import Declaration

RISKS = ("danger", "high", "moderate", "low")
CHANNELS = ("zalo", "telegram", "sms", "voice", "console-sim")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def read_filters() -> dict:
    """The filters of this request: only known risks and channels, dates as dates, commune as a code."""
    commune = request.args.get("commune", "")
    return {
        "commune": int(commune) if commune.isdecimal() and len(commune) < 10 else None,
        "risk": request.args.get("risk") if request.args.get("risk") in RISKS else None,
        "channel": request.args.get("channel") if request.args.get("channel") in CHANNELS else None,
        "date_from": _date("from"), "date_to": _date("to"),
    }


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(timezone.utc)


def filtered(filters: dict, zone: str):
    """A SELECT of declarations matching `filters`, newest first (dates are local days, both ends included)."""
    query = select(Declaration).order_by(Declaration.created_at.desc(), Declaration.id.desc())
    if filters["commune"]:
        query = query.where(Declaration.commune_code == filters["commune"])
    if filters["risk"]:
        query = query.where(Declaration.risk_level == filters["risk"])
    if filters["channel"]:
        query = query.where(Declaration.channel == filters["channel"])
    if filters["date_from"]:
        query = query.where(Declaration.created_at >= _local_midnight(filters["date_from"], zone))
    if filters["date_to"]:
        query = query.where(Declaration.created_at < _local_midnight(filters["date_to"] + timedelta(days=1), zone))
    return query
