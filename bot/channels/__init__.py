"""Chat channel adapters, one per provider, looked up by channel name: `get_adapter("zalo", settings)`.

Every adapter has three jobs: `verify(headers, body) -> bool`, `parse(body) -> list[Inbound]` and
`send(user_id, replies) -> list[str]` (provider message ids; raises the errors of `bot.channels.errors`).
Other parts add their channels with `register("sms", "ivr.sms_adapter:SmsAdapter")`.
"""
from __future__ import annotations

import importlib
import os
import threading

from core.settings import Settings

# channel -> "module:Class"; imported lazily so the web process only loads what it serves.
ADAPTERS: dict[str, str] = {
    "zalo": "bot.channels.zalo:ZaloAdapter",
    "telegram": "bot.channels.telegram:TelegramAdapter",
    "sms": "bot.channels.sms:SmsAdapter",
}

_cache: dict[str, tuple[int, Settings, object]] = {}
_lock = threading.Lock()


class ParseError(ValueError):
    """The body is not a payload this channel can send (bad JSON, missing fields): answer 400."""


class Refused(ValueError):
    """A well-formed, signed payload that is not for us now (another app, a replayed event): answer 403."""


def register(channel: str, spec: str) -> None:
    """Add (or replace) the adapter class for `channel`, given as "module:Class"."""
    ADAPTERS[channel] = spec
    _cache.pop(channel, None)


def get_adapter(channel: str, settings: Settings):
    """The adapter for `channel`, built once per process for these settings; KeyError if unknown."""
    spec = ADAPTERS[channel]
    with _lock:
        cached = _cache.get(channel)
        # A fork (gunicorn, tests) must not share the parent's connections or event loop.
        if cached and cached[0] == os.getpid() and cached[1] == settings:
            return cached[2]
        module_name, cls_name = spec.split(":")
        adapter = getattr(importlib.import_module(module_name), cls_name)(settings)
        _cache[channel] = (os.getpid(), settings, adapter)
        return adapter


def header(headers, name: str) -> str | None:
    """A header value, looked up case-insensitively in a dict or Werkzeug headers."""
    value = headers.get(name) if hasattr(headers, "get") else None
    if value is not None:
        return value
    lowered = name.lower()
    for key, val in getattr(headers, "items", lambda: [])():
        if key.lower() == lowered:
            return val
    return None
