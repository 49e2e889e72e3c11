"""Alerts for staff: stored in the database and pushed at once on a Redis stream the console reads."""
from __future__ import annotations

import json

import redis
from sqlalchemy.orm import Session

from core.models import Alert

STREAM = "loa:alerts"


def raise_alert(db: Session, client: redis.Redis, kind: str, severity: str, summary: str,
                citizen_id: int | None = None, declaration_id: int | None = None, details: dict | None = None) -> Alert:
    """Record an alert and publish it (the console and on-call notifiers follow the stream)."""
    alert = Alert(kind=kind, severity=severity, summary=summary, citizen_id=citizen_id,
                  declaration_id=declaration_id, details=details or {})
    db.add(alert)
    db.flush()
    client.xadd(STREAM, {"id": alert.id, "kind": kind, "severity": severity,
                         "details": json.dumps(details or {}, ensure_ascii=False)}, maxlen=10000)
    return alert
