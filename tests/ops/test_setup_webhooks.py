"""`python -m bot.setup_webhooks` against the sandbox's Bot API: sets the webhook once, then leaves it alone."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from bot.polling import ALLOWED
from bot.setup_webhooks import REGISTERED_KEY, setup_telegram, webhook_url

ROOT = Path(__file__).resolve().parents[2]


def _bot(settings, method: str, **params) -> dict:
    url = f"{settings.telegram_api_base}{settings.telegram_bot_token}/{method}"
    return httpx.post(url, json=params or None, timeout=5).json()["result"]


def test_set_once_then_unchanged_then_set_again_when_it_differs(settings, redis_client, sandbox_clean, web):
    assert setup_telegram(settings) == "set"
    info = _bot(settings, "getWebhookInfo")
    assert (info["url"], sorted(info["allowed_updates"])) == (webhook_url(settings), sorted(ALLOWED))
    assert setup_telegram(settings) == "unchanged"
    # The secret token went with it: an update the sandbox emits passes Loa's secret check (403 otherwise).
    emitted = httpx.post(f"{sandbox_clean.url}/_sandbox/telegram/emit",
                         json={"kind": "text", "chat_id": 4242, "text": "xin chao"}, timeout=10).json()
    assert emitted["delivery"]["status"] == 200
    # Someone pointed the bot elsewhere: the next run puts it back.
    _bot(settings, "setWebhook", url="https://elsewhere.example/hook")
    assert setup_telegram(settings) == "set"
    assert _bot(settings, "getWebhookInfo")["url"] == webhook_url(settings)
    # Redis forgot what was registered (the secret is not in getWebhookInfo): set once more, harmless.
    redis_client.delete(REGISTERED_KEY)
    assert setup_telegram(settings) == "set"
    assert setup_telegram(settings) == "unchanged"


def test_polling_mode_sets_no_webhook(settings, redis_client, sandbox_clean):
    assert setup_telegram(settings.with_(telegram_mode="polling")) == "polling"


def test_the_command_says_what_it_did_and_names_the_zalo_console(settings, redis_client, sandbox_clean):
    done = subprocess.run([sys.executable, "-m", "bot.setup_webhooks"], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Telegram webhook set to" in done.stdout and "Zalo developer console" in done.stdout
    again = subprocess.run([sys.executable, "-m", "bot.setup_webhooks"], cwd=ROOT, env=dict(os.environ),
                           capture_output=True, text=True, timeout=60)
    assert "nothing to do" in again.stdout


def test_a_wrong_bot_token_fails_loudly(settings, redis_client, sandbox_clean):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:wrong"}
    done = subprocess.run([sys.executable, "-m", "bot.setup_webhooks"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and "webhook setup failed" in done.stderr
