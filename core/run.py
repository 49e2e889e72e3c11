"""`make run`: start Loa with everything it needs and print where everything is.

With REDIS_URL unset an embedded redis-server is started; with no provider credentials the adapters
talk to the sandbox stand-ins that the Procfile starts next to the web app, the workers and Rasa.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from core import embedded_redis, migrate
from core.settings import ROOT, Settings

PROCFILE = ROOT / "Procfile"
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
        "Settings in force (set any of them in the environment or .env to change it):",
    ]
    lines += [f"  {name}={'(set)' if 'TOKEN' in name and name in os.environ else values[name]}" for name in SHOWN]
    return "\n".join(lines)


def main() -> int:
    """Start Redis if needed, migrate, then run the Procfile with honcho until interrupted."""
    settings = Settings.from_env()
    # honcho gives each process its own PORT (base, base+100, ...): pin what every process must agree on.
    env = {**os.environ, "PUBLIC_URL": settings.public_url, "WEB_PORT": str(settings.port),
           "SANDBOX_PORT": str(settings.sandbox_port)}
    if not settings.redis_url:
        env["REDIS_URL"] = embedded_redis.start()[0]
    migrate.upgrade(settings.database_url)
    print(banner(settings, env), flush=True)
    honcho = ROOT / ".venv" / "bin" / "honcho"
    proc = subprocess.Popen([str(honcho), "start", "-f", str(PROCFILE)], cwd=ROOT, env=env)
    # `kill` (SIGTERM, as supervisors and `timeout` send) stops everything like Ctrl-C does; without this the
    # web app, workers, sandbox and Rasa would outlive us.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        return proc.wait()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
