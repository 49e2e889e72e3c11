"""`python -m bot.polling`: updates fetched with getUpdates go through the same parse -> dedupe -> inbox path."""
from __future__ import annotations

import json

import httpx

from bot.channels import get_adapter
from bot.polling import poll_once
from core.redis_conn import get_redis
from tests.bot.helpers import pipeline_settings  # noqa: F401


def test_polled_updates_reach_the_inbox_once(pipeline_settings, sandbox_clean, migrated):
    settings = pipeline_settings
    adapter = get_adapter("telegram", settings)
    try:
        adapter.runner.run(adapter.bot.delete_webhook())  # no webhook: the sandbox queues updates for getUpdates
        for text in ("xin chào", "khai báo"):
            httpx.post(f"{settings.sandbox_url}/_sandbox/telegram/emit",
                       json={"kind": "text", "chat_id": 9001, "text": text}, timeout=5).raise_for_status()
        offset = poll_once(settings, None, timeout=0)
        assert poll_once(settings, offset, timeout=0) == offset  # confirmed: nothing comes twice
        items = [json.loads(i) for i in get_redis(settings).lrange("loa:inbox:telegram:9001", 0, -1)]
        assert [(i["kind"], i["text"]) for i in items] == [("text", "xin chào"), ("text", "khai báo")]
    finally:
        httpx.post(f"{settings.sandbox_url}/_sandbox/reset", timeout=5)
