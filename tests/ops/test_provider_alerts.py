"""A dead Zalo refresh token alerts staff (an Alert row and the alerts stream), once per incident."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.alerts import STREAM
from bot.channels.errors import AuthFailed
from bot.channels.zalo_token import ZaloTokens
from core.models import Alert, ProviderCredential


def _alerts(db) -> list[Alert]:
    with db() as session:
        return session.scalars(select(Alert).where(Alert.kind == "provider_auth").order_by(Alert.id)).all()


def test_a_dead_refresh_token_alerts_staff_once_per_incident(settings, db, redis_client, sandbox_clean):
    with db() as session:  # a refresh token Zalo no longer accepts (spent, or revoked in the console)
        session.add(ProviderCredential(name="zalo", access_token=None, refresh_token="dead-refresh-token"))
        session.commit()
    tokens = ZaloTokens(settings, httpx.Client(timeout=10))
    for _message in range(3):  # every message to a Zalo citizen tries again
        with pytest.raises(AuthFailed):
            tokens.current()
    (alert,) = _alerts(db)
    assert (alert.severity, alert.details["provider"]) == ("critical", "zalo")
    assert "refresh token" in alert.summary
    assert [fields[b"kind"] for _id, fields in redis_client.xrange(STREAM)] == [b"provider_auth"]
    # Staff acknowledged it but the token is still dead: that is a new incident.
    with db() as session:
        session.get(Alert, alert.id).acknowledged_at = alert.created_at
        session.commit()
    with pytest.raises(AuthFailed):
        tokens.current()
    assert len(_alerts(db)) == 2
