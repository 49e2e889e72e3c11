"""A tracing call that found symptoms or danger signs: staff are alerted (once per declaration)."""
from __future__ import annotations

from sqlalchemy import select

from bot.alerts import raise_alert
from core.db import session_scope
from core.models import Alert, Declaration
from core.redis_conn import get_redis


def alert_if_symptomatic(settings, contact, attempt) -> bool:
    """Raise an alert for this call's declaration if it reports symptoms; True when it does."""
    with session_scope(settings.database_url) as session:
        declaration = session.scalar(select(Declaration).where(Declaration.tracing_contact_id == contact.id)
                                     .order_by(Declaration.id.desc()).limit(1))
        if declaration is None:
            return False
        answers = declaration.answers or {}
        symptoms, danger = answers.get("symptoms") or [], answers.get("danger_signs") or []
        if not (symptoms or danger or declaration.risk_level in ("high", "danger")):
            return False
        exists = session.scalar(select(Alert.id).where(Alert.declaration_id == declaration.id).limit(1))
        if exists is None:
            # The engine alerts on high risk itself; a contact with any symptom matters to tracers too.
            raise_alert(session, get_redis(settings), "tracing_symptoms", "critical" if danger else "high",
                        f"{contact.classification} contact reports symptoms on a tracing call",
                        citizen_id=declaration.citizen_id, declaration_id=declaration.id,
                        details={"tracing_contact_id": contact.id, "list_id": contact.list_id,
                                 "call_attempt_id": attempt.id, "symptoms": symptoms, "danger_signs": danger})
        return True
