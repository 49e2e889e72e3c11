"""Secrets in logs: the configured secret values and anything shaped like `token=...` are cut to 4 characters.

A log line is read by more people than the settings are (support, log shippers): a provider secret printed in
full there is a secret given away. `remember_secrets(settings)` registers this process's secret values; the
patterns below catch the rest (a bot token in a Bot API URL, `Authorization: Bearer ...`, a URL's password).
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import fields

SECRET_WORDS = ("secret", "token", "key", "password")
SHOWN = 4  # characters kept, so a person can still tell two secrets apart
MIN_KNOWN = 6  # shorter values would mask ordinary words
_known: set[str] = set()
_lock = threading.Lock()

# name=value, name: value, "name": "value" where the name says secret/token/key/password.
_NAMED = re.compile(r"(?i)(\b[\w-]*(?:secret|token|key|password|passwd|pwd|signature)[\w-]*[\"']?\s*[=:]\s*[\"']?)"
                    r"([^\s&\"',;}]{%d,})" % (SHOWN + 1))
_BEARER = re.compile(r"(?i)(\bbearer\s+)([^\s\"',;]{%d,})" % (SHOWN + 1))
_BOT_URL = re.compile(r"(/bot)(\d{5,}:[\w-]{10,})")  # https://api.telegram.org/bot<token>/sendMessage
_URL_PASSWORD = re.compile(r"(\b[a-z][\w+.-]*://[^:/@\s]*:)([^@\s/]+)(@)")


def is_secret_name(name: str) -> bool:
    """True for a setting or field whose name says it holds a secret (SECRET, KEY, TOKEN, PASSWORD)."""
    return any(word in name.lower() for word in SECRET_WORDS)


def shorten(value: str) -> str:
    """A secret as it may be shown: its first characters and an ellipsis."""
    return value[:SHOWN] + "…" if value else value


def remember_secrets(settings) -> None:
    """Register every secret value of `settings` (and the passwords in its URLs) for masking in this process."""
    values = [getattr(settings, f.name) for f in fields(settings) if is_secret_name(f.name)]
    for url in (settings.database_url, settings.redis_url):
        match = _URL_PASSWORD.search(url or "")
        if match:
            values.append(match.group(2))
    with _lock:
        _known.update(v for v in values if isinstance(v, str) and len(v) >= MIN_KNOWN)


def mask_secrets(text: str) -> str:
    """`text` with every known secret and every token-like value cut to its first characters."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)  # longest first: one secret may contain another
    for value in known:
        if value in text:
            text = text.replace(value, shorten(value))
    text = _BOT_URL.sub(lambda m: m.group(1) + shorten(m.group(2)), text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + "***" + m.group(3), text)
    text = _BEARER.sub(lambda m: m.group(1) + shorten(m.group(2)), text)
    return _NAMED.sub(lambda m: m.group(1) + (m.group(2) if m.group(2).endswith("…") else shorten(m.group(2))),
                      text)


class SecretMaskingFilter(logging.Filter):
    """A logging filter that masks secrets in the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always True; rewrites the record's message when it carried a secret."""
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
