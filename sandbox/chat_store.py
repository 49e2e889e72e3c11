"""What the stand-ins delivered to each user, kept in memory so tests and people can read it back.

One store for every chat channel; each record is a plain dict shaped for `GET /_sandbox/messages`:
`message_id`, `channel`, `user_id`, `kind`, `text`, `buttons` ([{title, payload, type}]), `time` (ISO 8601),
`raw` (the request body the provider saw) and, after edits, `edited` (ISO 8601) and `edits` (a count).
"""
from __future__ import annotations

import copy
import threading
import time
from datetime import datetime, timezone

_lock = threading.Condition()
_messages: list[dict] = []


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def record(channel: str, user_id: str, message_id: str, kind: str, text: str = "", buttons: list | None = None,
           raw: dict | None = None, **extra) -> dict:
    """Remember one delivered message and wake anyone waiting for it; returns a copy of the record."""
    item = {"message_id": str(message_id), "channel": channel, "user_id": str(user_id), "kind": kind,
            "text": text or "", "buttons": buttons or [], "time": now_iso(), "raw": raw or {}, **extra}
    with _lock:
        _messages.append(item)
        _lock.notify_all()
    return copy.deepcopy(item)


def update(channel: str, user_id: str, message_id: str, **changes) -> dict | None:
    """Change a recorded message in place (Telegram edits); None when there is no such message."""
    with _lock:
        for item in _messages:
            if item["channel"] == channel and item["user_id"] == str(user_id) and item["message_id"] == str(message_id):
                item.update(changes)
                item["edited"] = now_iso()
                item["edits"] = item.get("edits", 0) + 1
                _lock.notify_all()
                return copy.deepcopy(item)
    return None


def find(channel: str, user_id: str, message_id: str) -> dict | None:
    """One recorded message, or None."""
    with _lock:
        for item in _messages:
            if item["channel"] == channel and item["user_id"] == str(user_id) and item["message_id"] == str(message_id):
                return copy.deepcopy(item)
    return None


def messages(channel: str | None = None, user_id: str | None = None, after: int = 0) -> list[dict]:
    """Recorded messages, oldest first, filtered by channel and user when given, without the first `after`."""
    with _lock:
        # Copy only what is returned: a poller with a cursor would otherwise pay for the whole history.
        return [copy.deepcopy(m) for m in [m for m in _messages if _matches(m, channel, user_id)][after:]]


def wait_for(channel: str | None, user_id: str | None, minimum: int, timeout: float) -> list[dict]:
    """Block up to `timeout` seconds until at least `minimum` messages match; return what matches then."""
    deadline = time.monotonic() + max(0.0, timeout)
    with _lock:
        while True:
            found = [m for m in _messages if _matches(m, channel, user_id)]
            left = deadline - time.monotonic()
            if len(found) >= minimum or left <= 0:
                return copy.deepcopy(found)
            _lock.wait(left)


def reset() -> None:
    """Forget every recorded message."""
    with _lock:
        _messages.clear()
        _lock.notify_all()


def _matches(item: dict, channel: str | None, user_id: str | None) -> bool:
    return (channel is None or item["channel"] == channel) and (user_id is None or item["user_id"] == str(user_id))
