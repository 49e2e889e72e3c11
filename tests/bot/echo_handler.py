"""A tiny stand-in engine for the pipeline tests: echoes what came in (workers import it by dotted path)."""
from __future__ import annotations

import time

from bot.messages import Button, Inbound, Reply


def handle(settings, inbound: Inbound) -> list[Reply]:
    """Echo the text; 'slow N' sleeps N seconds first; 'menu' answers with buttons; 'two' with two replies."""
    text = inbound.text or inbound.payload or inbound.kind
    if text.startswith("slow"):
        time.sleep(float(text.split()[1]))
    if text == "menu":
        return [Reply(text="Chọn:", buttons=[Button(f"Mục {i}", f"/item {i}") for i in range(1, 8)])]
    if text == "two":
        return [Reply(text="echo: one"), Reply(text="echo: two")]
    return [Reply(text=f"echo: {text}")]


def boom(settings, inbound: Inbound) -> list[Reply]:
    """An engine that fails on 'boom' and echoes otherwise."""
    if inbound.text == "boom":
        raise RuntimeError("engine bug")
    return handle(settings, inbound)


def flaky(settings, inbound: Inbound) -> list[Reply]:
    """Fails the first two times it sees a message (a database that is down for a moment), then echoes."""
    from core.redis_conn import get_redis

    if get_redis(settings).incr(f"loa:test:flaky:{inbound.msg_id}") <= 2:
        raise ConnectionError("database unavailable")
    return handle(settings, inbound)
