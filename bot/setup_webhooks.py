"""Register Loa's Telegram webhook: `python -m bot.setup_webhooks` (idempotent; run it at every deploy).

It asks Telegram what is registered (getWebhookInfo) and calls setWebhook, with the secret token Loa checks,
only when something differs. getWebhookInfo never shows the secret token, so the fingerprint of what was last
registered (URL, secret, update kinds) is kept in Redis: if Redis lost it, the webhook is set once more, which
is harmless. Zalo has no such API: its webhook URL is set in the Zalo developer console (Webhook settings of
the app: {PUBLIC_URL}/webhooks/zalo), together with the OA secret key.
"""
from __future__ import annotations

import hashlib
import logging
import sys

import httpx

from bot.polling import ALLOWED
from core.privacy import configure_logging
from core.production import NotProductionReady, refuse_unsafe
from core.redis_conn import get_redis
from core.settings import Settings

log = logging.getLogger(__name__)
REGISTERED_KEY = "loa:telegram:webhook"  # sha256 of what setWebhook was last given
MAX_CONNECTIONS = 40


class SetupFailed(RuntimeError):
    """Telegram refused a call (a wrong bot token, an unreachable or non-HTTPS URL)."""


def webhook_url(settings: Settings) -> str:
    """Where Telegram should deliver updates."""
    return f"{settings.public_url}/webhooks/telegram"


def _fingerprint(settings: Settings) -> str:
    wanted = "\n".join([webhook_url(settings), settings.telegram_webhook_secret, ",".join(ALLOWED)])
    return hashlib.sha256(wanted.encode()).hexdigest()


def _call(http: httpx.Client, settings: Settings, method: str, **params) -> dict:
    resp = http.post(f"{settings.telegram_api_base}{settings.telegram_bot_token}/{method}", json=params or None)
    try:
        body = resp.json()
    except ValueError as exc:
        raise SetupFailed(f"{method}: HTTP {resp.status_code}, not JSON") from exc
    if not body.get("ok"):
        raise SetupFailed(f"{method}: {body.get('error_code')} {body.get('description')}")
    return body["result"]


def setup_telegram(settings: Settings, http: httpx.Client | None = None) -> str:
    """Make Telegram's webhook Loa's; returns "unchanged", "set" or "polling" (TELEGRAM_MODE=polling: none)."""
    if settings.telegram_mode == "polling":
        return "polling"
    http = http or httpx.Client(timeout=15)
    info = _call(http, settings, "getWebhookInfo")
    if info.get("last_error_message"):
        log.warning("telegram reports a webhook error: %s", info["last_error_message"])
    redis = get_redis(settings)
    registered = redis.get(REGISTERED_KEY)
    same_allowed = sorted(info.get("allowed_updates") or []) == sorted(ALLOWED)
    if (info.get("url") == webhook_url(settings) and same_allowed and registered is not None
            and registered.decode() == _fingerprint(settings)):
        return "unchanged"
    _call(http, settings, "setWebhook", url=webhook_url(settings), secret_token=settings.telegram_webhook_secret,
          allowed_updates=ALLOWED, max_connections=MAX_CONNECTIONS)
    redis.set(REGISTERED_KEY, _fingerprint(settings))
    return "set"


def main() -> int:
    """Register the Telegram webhook and say what was done; remind that Zalo's is set in its console."""
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings)
    try:
        refuse_unsafe(settings)
        outcome = setup_telegram(settings)
    except (NotProductionReady, SetupFailed, httpx.HTTPError) as exc:
        print(f"webhook setup failed: {exc}", file=sys.stderr)
        return 1
    print({"unchanged": f"Telegram webhook already {webhook_url(settings)}: nothing to do",
           "set": f"Telegram webhook set to {webhook_url(settings)} (with the secret token)",
           "polling": "TELEGRAM_MODE=polling: no Telegram webhook (run python -m bot.polling)"}[outcome])
    print(f"Zalo: set the webhook to {settings.public_url}/webhooks/zalo in the Zalo developer console "
          "(app > Webhook); it has no API for it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
