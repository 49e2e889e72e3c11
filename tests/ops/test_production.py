"""Production refuses to run on stand-ins: each unsafe setting is named, in one message, at every entry point."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.app import create_app
from core.production import NotProductionReady, is_production, problems, refuse_unsafe
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.nodb

# Settings a real deployment would have: nothing left at a sandbox default.
REAL = dict(
    loa_env="production", secret_key="k" * 48, zalo_app_id="4321", zalo_oa_id="8765",
    zalo_oa_secret_key="real-oa-secret", zalo_app_secret_key="real-app-secret", zalo_refresh_token="real-refresh",
    telegram_bot_token="987654:real-bot-token-abcdefgh", telegram_webhook_secret="real-webhook-secret",
    twilio_account_sid="AC" + "1" * 32, twilio_auth_token="real-twilio-token",
    zalo_api_base="https://openapi.zalo.me", zalo_oauth_base="https://oauth.zaloapp.com",
    zalo_zns_base="https://business.openapi.zalo.me",
    telegram_api_base="https://api.telegram.org/bot", twilio_api_base="https://api.twilio.com",
    redis_url="redis://redis.internal:6379/0", database_url="postgresql+psycopg://loa@db.internal/loa",
    staff_api_token="s" * 40,
)


def real(**changes) -> Settings:
    """Production settings with some of them changed."""
    return Settings(**{**REAL, **changes})


CASES = [
    # name, changes, the setting the message must name
    ("secret key default", dict(secret_key=Settings.secret_key), "SECRET_KEY is still the sandbox default"),
    ("secret key empty", dict(secret_key=""), "SECRET_KEY is empty"),
    ("zalo oa secret", dict(zalo_oa_secret_key=Settings.zalo_oa_secret_key), "ZALO_OA_SECRET_KEY is still"),
    ("zalo app secret", dict(zalo_app_secret_key=""), "ZALO_APP_SECRET_KEY is empty"),
    ("zalo refresh token", dict(zalo_refresh_token=Settings.zalo_refresh_token), "ZALO_REFRESH_TOKEN is still"),
    ("zalo app id", dict(zalo_app_id=Settings.zalo_app_id), "ZALO_APP_ID is still"),
    ("telegram token", dict(telegram_bot_token=Settings.telegram_bot_token), "TELEGRAM_BOT_TOKEN is still"),
    ("telegram secret", dict(telegram_webhook_secret=""), "TELEGRAM_WEBHOOK_SECRET is empty"),
    ("twilio sid", dict(twilio_account_sid=Settings.twilio_account_sid), "TWILIO_ACCOUNT_SID is still"),
    ("twilio token", dict(twilio_auth_token=Settings.twilio_auth_token), "TWILIO_AUTH_TOKEN is still"),
    ("no redis", dict(redis_url=""), "REDIS_URL is unset"),
    ("sqlite", dict(database_url="sqlite:///var/loa.db"), "DATABASE_URL is unset or SQLite"),
    ("sandbox api base", dict(zalo_api_base="http://127.0.0.1:8099/zalo/openapi"), "ZALO_API_BASE points at"),
    ("sandbox ZNS base", dict(zalo_zns_base="http://127.0.0.1:8099/zalo/business"), "ZALO_ZNS_BASE points at"),
    ("short staff token", dict(staff_api_token="staff-secret"), "STAFF_API_TOKEN is shorter than 32"),
]


@pytest.mark.parametrize("name, changes, named", CASES, ids=[c[0] for c in CASES])
def test_each_unsafe_setting_is_refused_by_name(name, changes, named):
    with pytest.raises(NotProductionReady) as info:
        refuse_unsafe(real(**changes))
    assert named in str(info.value)
    assert len(problems(real(**changes))) == 1  # the rest of REAL is fine


def test_one_message_names_every_offending_setting():
    sandbox_like = Settings(loa_env="production")
    with pytest.raises(NotProductionReady) as info:
        refuse_unsafe(sandbox_like)
    message = str(info.value)
    for name in ("SECRET_KEY", "ZALO_OA_SECRET_KEY", "ZALO_APP_SECRET_KEY", "ZALO_REFRESH_TOKEN", "TELEGRAM_BOT_TOKEN",
                 "TELEGRAM_WEBHOOK_SECRET", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "REDIS_URL", "DATABASE_URL",
                 "ZALO_API_BASE", "TWILIO_API_BASE"):
        assert name in message


@pytest.mark.parametrize("changes, production", [
    (dict(loa_env="development"), False),
    (dict(loa_env="production"), True),
    (dict(loa_env="development", twilio_api_base="https://api.twilio.com"), True),  # a real provider = production
    (dict(loa_env="development", telegram_api_base="https://api.telegram.org/bot"), True),
])
def test_production_mode(changes, production):
    assert is_production(Settings(**changes)) is production


def test_sandbox_settings_start_as_before(settings):
    refuse_unsafe(settings)  # the test run itself: development, sandbox everywhere
    refuse_unsafe(Settings())


def test_real_settings_pass():
    refuse_unsafe(real())


def test_empty_staff_token_needs_a_staff_account(tmp_path):
    """The bootstrap token may stay empty only once someone can sign in with an account."""
    from sqlalchemy import create_engine, text

    from core.production import staff_accounts_exist

    url = f"sqlite:///{tmp_path / 'staff.db'}"
    assert not staff_accounts_exist(Settings(database_url=url))  # no table yet: nobody can sign in
    with create_engine(url).begin() as conn:
        conn.execute(text("CREATE TABLE staff_account (id INTEGER PRIMARY KEY)"))
        assert not staff_accounts_exist(Settings(database_url=url))
        conn.execute(text("INSERT INTO staff_account (id) VALUES (1)"))
    assert staff_accounts_exist(Settings(database_url=url))


def test_web_app_refuses():
    with pytest.raises(NotProductionReady):
        create_app(Settings(loa_env="production"))


def _run(module: str, env: dict) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return subprocess.run([sys.executable, "-m", module], cwd=ROOT, env={**environ, **env}, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("module", ["core.worker", "core.run", "sandbox"])
def test_processes_refuse_with_one_message(module, tmp_path):
    """A worker, `python -m core.run` and the sandbox exit at once, naming the settings, and start nothing."""
    env = {"LOA_ENV": "production", "TELEGRAM_BOT_TOKEN": "987654:real-bot-token-abcdefgh",
           "REDIS_EMBEDDED_DIR": str(tmp_path / "redis")}
    done = _run(module, env)
    assert done.returncode != 0
    if module == "sandbox":
        assert "the sandbox never runs in production" in done.stderr
    else:
        assert "SECRET_KEY is still the sandbox default" in done.stderr and "REDIS_URL is unset" in done.stderr
        assert "TELEGRAM_BOT_TOKEN" not in done.stderr  # set to a real value: not named
    assert not (tmp_path / "redis").exists()  # no embedded Redis was started
