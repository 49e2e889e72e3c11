"""Secrets never reach a log line or the banner in full; RQ's job lines name the function, not its arguments."""
from __future__ import annotations

import io
import logging
import uuid

import pytest

from core.privacy import MaskingFormatter, PhoneMaskingFilter
from core.run import banner
from core.secret_masking import SecretMaskingFilter, mask_secrets, remember_secrets

REAL_OA = "zalo-oa-secret-0123456789abcdef"
REAL_TWILIO = "twilio-auth-0123456789abcdef"
REAL_BOT = "7012345678:AAHf3-realTelegramBotToken_x9"

CASES = [
    # name, line, what must not be in it, what must be
    ("known secret", f"refresh failed with secret_key {REAL_OA} (oauth)", REAL_OA, "zalo…"),
    ("known secret anywhere", f"signature check used {REAL_TWILIO}", REAL_TWILIO, "twil…"),
    ("token= query", "GET /cb?access_token=ya29.A0ARrdaM-long-value&x=1", "ya29.A0ARrdaM-long-value", "x=1"),
    ("json field", '{"refresh_token": "rt-9f8e7d6c5b4a"}', "rt-9f8e7d6c5b4a", '"refresh_token": "rt-9…"'),
    ("bearer", "Authorization: Bearer abcdefghijklmnop", "abcdefghijklmnop", "Bearer abcd…"),
    ("bot api url", "HTTP Request: POST https://api.telegram.org/bot7099999999:AAAbbbCCCdddEEE/sendMessage",
     "AAAbbbCCCdddEEE", "/bot7099…/sendMessage"),
    ("url password", "connecting to postgresql+psycopg://loa:pa55word@db:5432/loa", "pa55word", "loa:***@db"),
    ("nothing secret", "inbound zalo u1: 3 replies sent", None, "inbound zalo u1: 3 replies sent"),
]


@pytest.fixture(autouse=True)
def secrets_known(settings):
    remember_secrets(settings.with_(zalo_oa_secret_key=REAL_OA, twilio_auth_token=REAL_TWILIO,
                                    telegram_bot_token=REAL_BOT))


@pytest.mark.parametrize("name, line, hidden, shown", CASES, ids=[c[0] for c in CASES])
def test_mask_secrets(name, line, hidden, shown):
    masked = mask_secrets(line)
    if hidden:
        assert hidden not in masked
    assert shown in masked


def test_log_lines_and_tracebacks_are_masked():
    """Through the handler configure_logging installs: message arguments and exception texts alike."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(MaskingFormatter("%(levelname)s %(message)s"))
    handler.addFilter(PhoneMaskingFilter())
    handler.addFilter(SecretMaskingFilter())
    log = logging.getLogger(f"ops-test-{uuid.uuid4().hex}")
    log.addHandler(handler)
    log.propagate = False
    log.warning("zalo refresh with %s for 0912345678", REAL_OA)
    try:
        raise RuntimeError(f"401 from https://api.telegram.org/bot{REAL_BOT}/getMe")
    except RuntimeError:
        log.exception("telegram down")
    text = out.getvalue()
    assert REAL_OA not in text and REAL_BOT not in text and "0912345678" not in text
    assert "zalo…" in text and "telegram down" in text


def test_the_banner_shows_secrets_by_their_first_characters(settings):
    real = settings.with_(zalo_oa_secret_key=REAL_OA, twilio_auth_token=REAL_TWILIO, telegram_bot_token=REAL_BOT,
                          telegram_webhook_secret="webhook-secret-0123456789",
                          database_url="postgresql+psycopg://loa:pa55word@db:5432/loa")
    text = banner(real, {"REDIS_URL": "redis://:redispass99@cache:6379/0"})
    for secret in (REAL_OA, REAL_TWILIO, REAL_BOT, "webhook-secret-0123456789", "pa55word", "redispass99"):
        assert secret not in text
    assert "ZALO_OA_SECRET_KEY=zalo…" in text and "TWILIO_ACCOUNT_SID=" in text


def test_rq_logs_the_job_function_without_its_arguments(redis_client, caplog):
    """A chat job's arguments carry what citizens wrote and what Loa answered: they stay out of the log."""
    from rq import Queue

    from core.worker import HideJobArguments, LoaWorker

    queue = Queue(f"ops-{uuid.uuid4().hex}", connection=redis_client)
    queue.enqueue("core.privacy.mask_phone", "Tôi bị sốt, số của tôi 0912345678, trả lời: hãy cách ly")
    worker = LoaWorker([queue], connection=redis_client)
    worker.log.addFilter(HideJobArguments())
    with caplog.at_level("INFO", logger=worker.log.name):
        worker.work(burst=True, with_scheduler=False)
    lines = [r.getMessage() for r in caplog.records]
    assert any("core.privacy.mask_phone(…)" in line for line in lines), lines
    assert not any("sốt" in line or "cách ly" in line for line in lines), lines
