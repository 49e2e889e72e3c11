"""Production refuses to run on stand-ins: sandbox secrets, an embedded Redis or a SQLite file stop Loa at start.

Production mode is `LOA_ENV=production`, or any provider base URL that is not the sandbox's (a Loa that talks
to the real Zalo, Telegram or Twilio is production, whatever LOA_ENV says). Every entry point (web app factory,
workers, `python -m core.run`, `python -m sandbox`) calls `refuse_unsafe(settings)` before doing anything.
"""
from __future__ import annotations

from dataclasses import fields

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.db import get_engine
from core.settings import Settings

# Settings that must be set, and set to something else than the sandbox default, in production.
SECRETS = ("secret_key", "zalo_oa_secret_key", "zalo_app_secret_key", "zalo_refresh_token", "telegram_bot_token",
           "telegram_webhook_secret", "twilio_account_sid", "twilio_auth_token")
# Not secret, but their sandbox defaults would make every real webhook fail its app check.
IDENTIFIERS = ("zalo_app_id", "zalo_oa_id")
PROVIDER_BASES = ("zalo_api_base", "zalo_oauth_base", "zalo_zns_base", "telegram_api_base", "twilio_api_base")
# A staff token shorter than this is guessable; production tokens are long random strings.
MIN_STAFF_TOKEN = 32
SANDBOX_DEFAULTS = {f.name: f.default for f in fields(Settings) if f.name in SECRETS + IDENTIFIERS}


class NotProductionReady(RuntimeError):
    """Loa would run in production on a stand-in: the message names each offending setting."""


def is_production(settings: Settings) -> bool:
    """True with LOA_ENV=production or any provider base URL that is not the sandbox's."""
    if settings.loa_env.lower() == "production":
        return True
    return any(not getattr(settings, name).startswith(settings.sandbox_url + "/") for name in PROVIDER_BASES)


def problems(settings: Settings) -> list[str]:
    """Every reason the settings are not fit for production, one line per setting (empty when fine)."""
    found = []
    for name in SECRETS + IDENTIFIERS:
        value = getattr(settings, name)
        if not value:
            found.append(f"{name.upper()} is empty")
        elif value == SANDBOX_DEFAULTS[name]:
            found.append(f"{name.upper()} is still the sandbox default")
    for name in PROVIDER_BASES:
        if getattr(settings, name).startswith(settings.sandbox_url + "/"):
            found.append(f"{name.upper()} points at the sandbox ({getattr(settings, name)})")
    if not settings.redis_url:
        found.append("REDIS_URL is unset (no embedded Redis in production: a Redis with appendonly yes)")
    if settings.database_url.startswith("sqlite"):
        found.append("DATABASE_URL is unset or SQLite (production keeps its records in PostgreSQL)")
    token = settings.staff_api_token
    # The bootstrap token is how the first staff account is made; once accounts exist it may be left empty
    # (closed). A set token opens every staff API, so it must not be a short or demo value.
    if token and len(token) < MIN_STAFF_TOKEN:
        found.append(f"STAFF_API_TOKEN is shorter than {MIN_STAFF_TOKEN} characters")
    elif not token and not settings.database_url.startswith("sqlite") and not staff_accounts_exist(settings):
        found.append("STAFF_API_TOKEN is empty and no staff account exists yet (set it to create the first one)")
    return found


def staff_accounts_exist(settings: Settings) -> bool:
    """True when the database holds at least one staff account (False when it cannot be read)."""
    try:
        with get_engine(settings.database_url).connect() as conn:
            return conn.execute(text("SELECT 1 FROM staff_account LIMIT 1")).first() is not None
    except SQLAlchemyError:
        return False  # not migrated yet, or unreachable: nobody can sign in, so the token is needed


def refuse_unsafe(settings: Settings) -> None:
    """Raise NotProductionReady, naming each offending setting, when production would run on stand-ins."""
    if not is_production(settings):
        return
    found = problems(settings)
    if found:
        raise NotProductionReady("Loa refuses to start in production (LOA_ENV=production or a real provider "
                                 "URL) with these settings:\n  - " + "\n  - ".join(found))


def refuse_sandbox(settings: Settings) -> None:
    """The sandbox never runs in production: raise NotProductionReady when the settings are production's."""
    if is_production(settings):
        raise NotProductionReady("the sandbox never runs in production (LOA_ENV=production or a real provider URL)")
