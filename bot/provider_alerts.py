"""Alerts to staff when a provider stops accepting Loa's credentials (a dead Zalo refresh token).

Without a person acting (a new refresh token from the Zalo developer console) no Zalo citizen gets an
answer, so this is an Alert row and an event on the alerts stream, not only a log line. One alert per
incident: while one is unacknowledged, later failures (every message retries the refresh) add none.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from bot.alerts import raise_alert
from core.db import session_scope
from core.models import Alert
from core.redis_conn import get_redis
from core.settings import Settings

log = logging.getLogger(__name__)
KIND = "provider_auth"


def provider_auth_failed(settings: Settings, provider: str, reason: str, action: str) -> bool:
    """Raise a critical provider_auth alert for `provider` unless one is open already; True when raised."""
    try:
        with session_scope(settings.database_url) as db:
            open_ones = db.scalars(select(Alert).where(Alert.kind == KIND, Alert.acknowledged_at.is_(None))).all()
            if any((a.details or {}).get("provider") == provider for a in open_ones):
                return False
            raise_alert(db, get_redis(settings), KIND, "critical",
                        f"{provider}: Loa's credentials were refused ({reason}). {action}",
                        details={"provider": provider, "reason": reason})
        log.error("%s credentials refused (%s): staff alerted", provider, reason)
        return True
    except Exception:  # noqa: BLE001 - the alert must never hide the failure it reports
        log.exception("could not raise the %s credentials alert", provider)
        return False
