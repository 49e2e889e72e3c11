"""Every setting Loa reads, from the environment (and `.env` in development), in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


def _load_dotenv() -> None:
    """Read `.env` from the project root when present; real environment variables win."""
    env_file = ROOT / ".env"
    if env_file.exists():
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _str(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _str(name, default).split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    """Loa's configuration; build with `Settings.from_env()` or `Settings.from_env(**overrides)`."""

    # web and sandbox
    port: int = 8000
    sandbox_port: int = 8099
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str = "dev-secret-change-me"
    log_level: str = "INFO"
    loa_env: str = "development"  # "production" refuses sandbox secrets, embedded Redis, SQLite (core.production)
    max_body_bytes: int = 1024 * 1024
    proxy_hops: int = 0  # proxies in front of the web app whose X-Forwarded-* headers are trusted
    # storage
    database_url: str = f"sqlite:///{VAR / 'loa.db'}"
    redis_url: str = ""  # empty: an embedded redis-server is started (see core.redis_conn)
    redis_embedded_port: int = 6390  # port of that embedded redis-server (`make run`)
    redis_embedded_dir: str = str(VAR / "redis")  # its append-only file lives here
    session_ttl_s: int = 7 * 24 * 3600
    dedupe_ttl_s: int = 3 * 24 * 3600
    inbound_max_attempts: int = 5  # a message whose processing fails this often goes to the dead letters
    inbox_lock_ttl_s: int = 30  # per-citizen inbox lock; a dead worker's items are picked up after this
    bot_handler: str = "bot.engine.handle"  # dotted path of the engine function the inbound worker calls
    # locale
    default_language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    province_code: int = 38  # Thanh Hóa
    # Zalo OA
    zalo_app_id: str = "1000000000000000001"
    zalo_oa_id: str = "2000000000000000002"
    zalo_oa_secret_key: str = "sandbox-oa-secret-key"
    zalo_app_secret_key: str = "sandbox-app-secret-key"
    zalo_access_token: str = ""
    zalo_refresh_token: str = "sandbox-refresh-token-0"
    zalo_api_base: str = "http://127.0.0.1:8099/zalo/openapi"
    zalo_oauth_base: str = "http://127.0.0.1:8099/zalo/oauth"
    zalo_zns_base: str = "http://127.0.0.1:8099/zalo/business"  # ZNS template messages (business.openapi.zalo.me)
    # Telegram
    telegram_bot_token: str = "123456789:SANDBOX-token-for-local-use"
    telegram_webhook_secret: str = "sandbox-webhook-secret"
    telegram_api_base: str = "http://127.0.0.1:8099/telegram/bot"
    telegram_mode: str = "webhook"  # or "polling" for development without a public URL
    # Twilio
    twilio_account_sid: str = "AC00000000000000000000000000000000"
    twilio_auth_token: str = "sandbox-twilio-auth-token"
    twilio_from_number: str = "+842373600115"
    twilio_api_base: str = "http://127.0.0.1:8099/twilio"
    # NLU
    nlu_url: str = "http://127.0.0.1:5005"
    nlu_timeout_ms: int = 300
    nlu_confidence_threshold: float = 0.55
    # voice / dialer
    calls_per_second: float = 1.0
    max_calls_in_progress: int = 20
    call_window: str = "07:30-21:00"
    retry_busy_s: int = 15 * 60
    retry_no_answer_s: int = 60 * 60
    retry_failed_s: int = 2 * 60 * 60
    retry_machine_s: int = 24 * 60 * 60
    max_call_attempts: int = 4
    f1_followup_days: int = 7
    quarantine_days_f1: int = 7
    quarantine_days_f1_vaccinated: int = 5  # an F1 with all vaccine doses (Quyết định 218/QĐ-BYT, 27/01/2022)
    quarantine_days_f2: int = 0
    quarantine_days_returnee: int = 0
    staff_api_token: str = ""  # bootstrap admin bearer token for the staff JSON APIs; empty: none
    staff_lockout_failures: int = 5  # failed sign-ins in a row that lock a staff account
    staff_lockout_minutes: int = 15  # how long such an account stays locked
    console_signin_per_minute: int = 10  # console sign-in attempts per address per minute (then 429)
    hotline_number: str = "1900 9095"
    service_name: str = ""  # what citizens call the service; empty: "Tổng đài phòng chống dịch <province>"
    staff_hours: str = "07:30-17:00 Mon-Sat"  # when staff answer hand-offs (local time; bot.staff_hours)
    # one-time codes that prove a typed phone number is the citizen's own (bot.phone_codes)
    otp_ttl_s: int = 600
    otp_max_attempts: int = 5
    otp_max_per_day: int = 3
    otp_max_total_per_day: int = 2000  # codes Loa sends in one day in all (a flood stops here, not at the bill)
    retention_days: int = 90  # personal data kept this long after a case is closed (told in the consent notice)
    cdc_numbers: list[str] = field(default_factory=lambda: ["+842373000115"])
    cdc_hours: str = "07:00-21:00"
    quiet_hours: str = "21:00-07:00"  # local time; non-urgent campaigns send nothing inside it
    # broadcast dispatch (broadcasts/dispatch*.py); a rate of 0 lifts that limit
    broadcast_telegram_per_second: float = 30.0
    broadcast_zalo_per_second: float = 15.0  # Zalo allows about 20 calls/s per app (-32 beyond)
    sms_per_second: float = 10.0
    broadcast_chunk_size: int = 500
    broadcast_lease_s: int = 300  # a chunk's rows come back to the queue this long after a worker died
    broadcast_max_attempts: int = 5
    broadcast_pause_failure_rate: float = 0.2

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Read every setting from the environment (upper-case field names), then apply overrides."""
        _load_dotenv()
        port = _int("PORT", cls.port)
        sandbox_port = _int("SANDBOX_PORT", cls.sandbox_port)
        sandbox = f"http://127.0.0.1:{sandbox_port}"
        values = dict(
            port=port,
            sandbox_port=sandbox_port,
            public_url=_str("PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/"),
            secret_key=_str("SECRET_KEY", cls.secret_key),
            log_level=_str("LOG_LEVEL", cls.log_level),
            loa_env=_str("LOA_ENV", cls.loa_env),
            max_body_bytes=_int("MAX_BODY_BYTES", cls.max_body_bytes),
            proxy_hops=_int("PROXY_HOPS", cls.proxy_hops),
            database_url=_str("DATABASE_URL", cls.database_url),
            redis_url=_str("REDIS_URL", ""),
            redis_embedded_port=_int("REDIS_EMBEDDED_PORT", cls.redis_embedded_port),
            redis_embedded_dir=_str("REDIS_EMBEDDED_DIR", cls.redis_embedded_dir),
            session_ttl_s=_int("SESSION_TTL_S", cls.session_ttl_s),
            dedupe_ttl_s=_int("DEDUPE_TTL_S", cls.dedupe_ttl_s),
            inbound_max_attempts=_int("INBOUND_MAX_ATTEMPTS", cls.inbound_max_attempts),
            inbox_lock_ttl_s=_int("INBOX_LOCK_TTL_S", cls.inbox_lock_ttl_s),
            bot_handler=_str("BOT_HANDLER", cls.bot_handler),
            default_language=_str("DEFAULT_LANGUAGE", cls.default_language),
            timezone=_str("TIMEZONE", cls.timezone),
            province_code=_int("PROVINCE_CODE", cls.province_code),
            zalo_app_id=_str("ZALO_APP_ID", cls.zalo_app_id),
            zalo_oa_id=_str("ZALO_OA_ID", cls.zalo_oa_id),
            zalo_oa_secret_key=_str("ZALO_OA_SECRET_KEY", cls.zalo_oa_secret_key),
            zalo_app_secret_key=_str("ZALO_APP_SECRET_KEY", cls.zalo_app_secret_key),
            zalo_access_token=_str("ZALO_ACCESS_TOKEN", ""),
            zalo_refresh_token=_str("ZALO_REFRESH_TOKEN", cls.zalo_refresh_token),
            zalo_api_base=_str("ZALO_API_BASE", f"{sandbox}/zalo/openapi").rstrip("/"),
            zalo_oauth_base=_str("ZALO_OAUTH_BASE", f"{sandbox}/zalo/oauth").rstrip("/"),
            zalo_zns_base=_str("ZALO_ZNS_BASE", f"{sandbox}/zalo/business").rstrip("/"),
            telegram_bot_token=_str("TELEGRAM_BOT_TOKEN", cls.telegram_bot_token),
            telegram_webhook_secret=_str("TELEGRAM_WEBHOOK_SECRET", cls.telegram_webhook_secret),
            telegram_api_base=_str("TELEGRAM_API_BASE", f"{sandbox}/telegram/bot"),
            telegram_mode=_str("TELEGRAM_MODE", cls.telegram_mode),
            twilio_account_sid=_str("TWILIO_ACCOUNT_SID", cls.twilio_account_sid),
            twilio_auth_token=_str("TWILIO_AUTH_TOKEN", cls.twilio_auth_token),
            twilio_from_number=_str("TWILIO_FROM_NUMBER", cls.twilio_from_number),
            twilio_api_base=_str("TWILIO_API_BASE", f"{sandbox}/twilio").rstrip("/"),
            nlu_url=_str("NLU_URL", cls.nlu_url).rstrip("/"),
            nlu_timeout_ms=_int("NLU_TIMEOUT_MS", cls.nlu_timeout_ms),
            nlu_confidence_threshold=_float("NLU_CONFIDENCE_THRESHOLD", cls.nlu_confidence_threshold),
            calls_per_second=_float("CALLS_PER_SECOND", cls.calls_per_second),
            max_calls_in_progress=_int("MAX_CALLS_IN_PROGRESS", cls.max_calls_in_progress),
            call_window=_str("CALL_WINDOW", cls.call_window),
            retry_busy_s=_int("RETRY_BUSY_S", cls.retry_busy_s),
            retry_no_answer_s=_int("RETRY_NO_ANSWER_S", cls.retry_no_answer_s),
            retry_failed_s=_int("RETRY_FAILED_S", cls.retry_failed_s),
            retry_machine_s=_int("RETRY_MACHINE_S", cls.retry_machine_s),
            max_call_attempts=_int("MAX_CALL_ATTEMPTS", cls.max_call_attempts),
            f1_followup_days=_int("F1_FOLLOWUP_DAYS", cls.f1_followup_days),
            quarantine_days_f1=_int("QUARANTINE_DAYS_F1", cls.quarantine_days_f1),
            quarantine_days_f1_vaccinated=_int("QUARANTINE_DAYS_F1_VACCINATED", cls.quarantine_days_f1_vaccinated),
            quarantine_days_f2=_int("QUARANTINE_DAYS_F2", cls.quarantine_days_f2),
            quarantine_days_returnee=_int("QUARANTINE_DAYS_RETURNEE", cls.quarantine_days_returnee),
            staff_api_token=_str("STAFF_API_TOKEN", ""),
            staff_lockout_failures=_int("STAFF_LOCKOUT_FAILURES", cls.staff_lockout_failures),
            staff_lockout_minutes=_int("STAFF_LOCKOUT_MINUTES", cls.staff_lockout_minutes),
            console_signin_per_minute=_int("CONSOLE_SIGNIN_PER_MINUTE", cls.console_signin_per_minute),
            hotline_number=_str("HOTLINE_NUMBER", cls.hotline_number),
            service_name=_str("SERVICE_NAME", ""),
            staff_hours=_str("STAFF_HOURS", cls.staff_hours),
            otp_ttl_s=_int("OTP_TTL_S", cls.otp_ttl_s),
            otp_max_attempts=_int("OTP_MAX_ATTEMPTS", cls.otp_max_attempts),
            otp_max_per_day=_int("OTP_MAX_PER_DAY", cls.otp_max_per_day),
            otp_max_total_per_day=_int("OTP_MAX_TOTAL_PER_DAY", cls.otp_max_total_per_day),
            retention_days=_int("RETENTION_DAYS", cls.retention_days),
            cdc_numbers=_list("CDC_NUMBERS", "+842373000115"),
            cdc_hours=_str("CDC_HOURS", cls.cdc_hours),
            quiet_hours=_str("QUIET_HOURS", cls.quiet_hours),
            broadcast_telegram_per_second=_float("BROADCAST_TELEGRAM_PER_SECOND", cls.broadcast_telegram_per_second),
            broadcast_zalo_per_second=_float("BROADCAST_ZALO_PER_SECOND", cls.broadcast_zalo_per_second),
            sms_per_second=_float("SMS_PER_SECOND", cls.sms_per_second),
            broadcast_chunk_size=_int("BROADCAST_CHUNK_SIZE", cls.broadcast_chunk_size),
            broadcast_lease_s=_int("BROADCAST_LEASE_S", cls.broadcast_lease_s),
            broadcast_max_attempts=_int("BROADCAST_MAX_ATTEMPTS", cls.broadcast_max_attempts),
            broadcast_pause_failure_rate=_float("BROADCAST_PAUSE_FAILURE_RATE", cls.broadcast_pause_failure_rate),
        )
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        """A copy with some settings changed (tests use this)."""
        return replace(self, **changes)

    @property
    def sandbox_url(self) -> str:
        """Base URL of the local provider stand-ins."""
        return f"http://127.0.0.1:{self.sandbox_port}"

    def public_dict(self) -> dict:
        """Settings safe to print: secrets shown only by their first characters."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if any(word in f.name for word in ("secret", "token", "key")) and isinstance(value, str) and value:
                value = value[:4] + "…"
            out[f.name] = value
        return out
