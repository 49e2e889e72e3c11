"""Staff pause the call centre and resume it: no new call while paused, nobody lost, calls again after."""
from __future__ import annotations

from datetime import timezone

import pytest
from sqlalchemy import select

from core.app import create_app
from core.testing import wait_until
from ivr import dialer
from ivr.models import CallAttempt, TracingContact
from tests.ivr.tracing_calls import person

AUTH = {"Authorization": "Bearer staff-secret"}


@pytest.fixture()
def api(settings, migrated):
    """The staff API with its token set."""
    return create_app(settings.with_(staff_api_token="staff-secret")).test_client()


@pytest.mark.parametrize("method, path", [("get", "/api/tracing/dialer"), ("post", "/api/tracing/dialer/pause"),
                                          ("post", "/api/tracing/dialer/resume")])
def test_only_staff_can_pause(api, redis_client, method, path):
    assert getattr(api, method)(path).status_code == 401
    assert dialer.paused_since(api.application.config["LOA_SETTINGS"]) is None


def test_an_unknown_dialer_action_is_404(api, redis_client):
    assert api.post("/api/tracing/dialer/stop", headers=AUTH).status_code == 404


def test_paused_places_no_call_and_resumed_calls_again(api, settings, db, redis_client, daytime, sandbox_clean):
    contact_id, _ = person(db, settings, status="pending")  # due now, inside the calling window
    paused = api.post("/api/tracing/dialer/pause", headers=AUTH).get_json()
    # On the schedules' clock (moved to 09:00 in Vietnam by `daytime`), in UTC.
    assert paused["paused"] and paused["paused_since"].startswith(daytime.astimezone(timezone.utc).isoformat()[:13])
    assert api.post("/api/tracing/dialer/pause", headers=AUTH).get_json()["paused_since"] == paused["paused_since"]
    assert dialer.step(settings) == "paused"
    with db() as session:
        assert session.get(TracingContact, contact_id).status == "pending"
        assert session.scalars(select(CallAttempt)).all() == []
    state = api.post("/api/tracing/dialer/resume", headers=AUTH).get_json()
    assert (state["paused"], state["paused_since"]) == (False, None)
    dialer.step(settings)  # this process or the session's worker, whichever claims first, places the call
    attempt = wait_until(lambda: _attempts(db, contact_id), timeout=20)[0]
    assert attempt.call_sid and attempt.to_phone == "+84980000001"
    assert api.get("/api/tracing/dialer", headers=AUTH).get_json()["paused"] is False


def _attempts(db, contact_id: int) -> list:
    with db() as session:
        return session.scalars(select(CallAttempt).where(CallAttempt.contact_id == contact_id)).all()
