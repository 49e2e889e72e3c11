"""The sandbox signs and emits only with its own keys, never with production ones.

The sandbox forges provider webhooks on request (`/_sandbox/*/emit`): with Loa's real Zalo OA secret, Telegram
webhook secret or Twilio auth token it would forge events that a production Loa accepts as genuine. So it
refuses to start, and every signing path refuses, unless those settings are the sandbox defaults.
"""
from __future__ import annotations

from dataclasses import fields

from core.settings import Settings

# What the sandbox signs or authenticates with; each must be the sandbox default.
SIGNING = ("zalo_oa_secret_key", "zalo_app_secret_key", "zalo_refresh_token", "telegram_bot_token",
           "telegram_webhook_secret", "twilio_account_sid", "twilio_auth_token")
DEFAULTS = {f.name: f.default for f in fields(Settings) if f.name in SIGNING}


class ForeignSecret(RuntimeError):
    """The sandbox was asked to sign with a key that is not its own."""


def foreign(settings: Settings) -> list[str]:
    """The signing settings whose value is not the sandbox default (names in upper case)."""
    return [name.upper() for name in SIGNING if getattr(settings, name) != DEFAULTS[name]]


def refuse_foreign(settings: Settings) -> None:
    """Raise ForeignSecret naming each signing setting that carries a non-sandbox value."""
    names = foreign(settings)
    if names:
        raise ForeignSecret("the sandbox signs only with its own keys; these settings are not the sandbox "
                            "defaults: " + ", ".join(names))


def own(name: str, value: str) -> str:
    """`value` if it is the sandbox default of setting `name`; raise ForeignSecret otherwise."""
    if value != DEFAULTS[name]:
        raise ForeignSecret(f"the sandbox refuses to sign with a {name.upper()} that is not its own")
    return value
