"""`make run`: start Loa with everything it needs and print where everything is.

With REDIS_URL unset an embedded redis-server is started (its append-only file under var/redis, stopped
again when `make run` stops); with no provider credentials the adapters talk to the sandbox stand-ins that the
Procfile starts next to the web app, the workers and Rasa. In production (core.production) it refuses
sandbox secrets, runs Procfile.production and never the sandbox.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from core import embedded_redis, migrate, redis_owner
from core.production import NotProductionReady, is_production, refuse_unsafe
from core.redis_conn import get_redis
from core.secret_masking import is_secret_name, mask_secrets, shorten
from core.settings import ROOT, Settings

PROCFILE = ROOT / "Procfile"
PRODUCTION_PROCFILE = ROOT / "Procfile.production"
SHOWN = ("PORT", "SANDBOX_PORT", "PUBLIC_URL", "DATABASE_URL", "REDIS_URL", "NLU_URL", "ZALO_APP_ID",
         "ZALO_OA_SECRET_KEY", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TWILIO_ACCOUNT_SID",
         "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")


def banner(settings: Settings, env: dict) -> str:
    """The lines that tell a newcomer where everything is and which settings are in force."""
    values = {
        "PORT": settings.port, "SANDBOX_PORT": settings.sandbox_port, "PUBLIC_URL": settings.public_url,
        "DATABASE_URL": settings.database_url, "REDIS_URL": env["REDIS_URL"], "NLU_URL": settings.nlu_url,
        "ZALO_APP_ID": settings.zalo_app_id, "ZALO_OA_SECRET_KEY": settings.zalo_oa_secret_key,
        "TELEGRAM_BOT_TOKEN": settings.telegram_bot_token, "TELEGRAM_WEBHOOK_SECRET": settings.telegram_webhook_secret,
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid, "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_FROM_NUMBER": settings.twilio_from_number,
    }
    lines = [
        "Loa is starting:",
        f"  web app      {settings.public_url}  (health: {settings.public_url}/healthz)",
        f"  webhooks     {settings.public_url}/webhooks/zalo  /webhooks/telegram  /webhooks/sms  /voice/incoming",
        f"  sandbox      {settings.sandbox_url}  (what was sent: {settings.sandbox_url}/_sandbox/messages?channel=zalo&user_id=...)",
        f"  NLU (Rasa)   {settings.nlu_url}",
        f"  hotline sim  .venv/bin/python -m ivr.simulate --url {settings.public_url}",
        f"  console      {settings.public_url}/console  (staff sign in; no account yet? create the first admin:)",
        "  first admin  .venv/bin/python -m core.staff add NAME --role admin --password-stdin"
        "  (prints its API token once; more: python -m core.staff --help)",
        "Settings in force (set any of them in the environment or .env to change it):",
    ]
    # Secrets only by their first characters, URLs without their passwords: the banner ends up in logs.
    lines += [f"  {name}={shorten(str(values[name])) if is_secret_name(name) else mask_secrets(str(values[name]))}"
              for name in SHOWN]
    return "\n".join(lines)


def main() -> int:
    """Start Redis if needed, migrate, then run the Procfile with honcho until interrupted."""
    settings = Settings.from_env()
    try:
        refuse_unsafe(settings)
    except NotProductionReady as exc:
        print(exc, file=sys.stderr, flush=True)
        return 2
    procfile = PRODUCTION_PROCFILE if is_production(settings) else PROCFILE
    # honcho gives each process its own PORT (base, base+100, ...): pin what every process must agree on.
    env = {**os.environ, "PUBLIC_URL": settings.public_url, "WEB_PORT": str(settings.port),
           "SANDBOX_PORT": str(settings.sandbox_port)}
    redis_proc = None
    # `kill` (SIGTERM, as supervisors and `timeout` send) stops everything like Ctrl-C does; without this the
    # web app, workers, sandbox, Rasa and the embedded redis-server would outlive us.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if not settings.redis_url:
            env["REDIS_URL"], redis_proc = embedded_redis.start(settings.redis_embedded_port,
                                                                Path(settings.redis_embedded_dir))
        try:
            redis_owner.claim(get_redis(settings.with_(redis_url=env["REDIS_URL"])), settings.database_url)
        except redis_owner.RedisOwnedElsewhere as exc:
            print(f"Loa refuses to start: {exc}", file=sys.stderr, flush=True)
            return 2
        migrate.upgrade(settings.database_url)
        print(banner(settings, env), flush=True)
        honcho = ROOT / ".venv" / "bin" / "honcho"
        proc = subprocess.Popen([str(honcho), "start", "-f", str(procfile)], cwd=ROOT, env=env)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        # Only what we started: a redis-server found running (another `make run`) is left alone.
        embedded_redis.stop(redis_proc)


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
