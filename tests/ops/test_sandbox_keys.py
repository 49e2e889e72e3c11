"""The sandbox signs and emits only with its own keys: never with production secrets, never in production."""
from __future__ import annotations

import pytest

from core.production import NotProductionReady
from core.settings import Settings
from sandbox.app import create_sandbox
from sandbox.keys import ForeignSecret
from sandbox.twilio_common import send_webhook
from sandbox.zalo import emit_event

pytestmark = pytest.mark.nodb

FOREIGN = [
    ("zalo oa secret", dict(zalo_oa_secret_key="real-oa-secret"), "ZALO_OA_SECRET_KEY"),
    ("zalo app secret", dict(zalo_app_secret_key="real-app-secret"), "ZALO_APP_SECRET_KEY"),
    ("telegram bot token", dict(telegram_bot_token="987654:real-token"), "TELEGRAM_BOT_TOKEN"),
    ("telegram webhook secret", dict(telegram_webhook_secret="real-webhook-secret"), "TELEGRAM_WEBHOOK_SECRET"),
    ("twilio auth token", dict(twilio_auth_token="real-twilio-token"), "TWILIO_AUTH_TOKEN"),
]


@pytest.mark.parametrize("name, changes, setting", FOREIGN, ids=[c[0] for c in FOREIGN])
def test_the_sandbox_refuses_to_start_with_a_foreign_secret(settings, name, changes, setting):
    with pytest.raises(ForeignSecret) as info:
        create_sandbox(settings.with_(**changes))
    assert setting in str(info.value)


def test_the_sandbox_never_starts_in_production():
    with pytest.raises(NotProductionReady):
        create_sandbox(Settings(loa_env="production"))


@pytest.mark.parametrize("path, body, changes", [
    ("/_sandbox/zalo/emit", {"event_name": "user_send_text", "user_id": "u1", "text": "hi"},
     dict(zalo_oa_secret_key="real-oa-secret")),
    ("/_sandbox/telegram/emit", {"kind": "text", "chat_id": 42, "text": "hi"},
     dict(telegram_webhook_secret="real-webhook-secret")),
    ("/_sandbox/twilio/incoming_sms", {"from": "+84912345678", "body": "STOP", "url": "http://127.0.0.1:1/sms"}, dict(twilio_auth_token="real-twilio-token")),
])
def test_emit_endpoints_refuse_to_sign_with_foreign_secrets(settings, path, body, changes):
    """Even if the settings change under a running sandbox, nothing is signed with them."""
    app = create_sandbox(settings)
    app.config["LOA_SETTINGS"] = settings.with_(**changes)
    answer = app.test_client().post(path, json=body)
    assert answer.status_code == 403
    assert answer.get_json()["error"] == "foreign_secret"


def test_signing_helpers_refuse_foreign_keys(settings):
    with pytest.raises(ForeignSecret):
        emit_event(settings.with_(zalo_oa_secret_key="real-oa-secret"), "user_send_text", "u1", text="hi")
    with pytest.raises(ForeignSecret):
        send_webhook("real-twilio-token", "http://127.0.0.1:1/x", {})
