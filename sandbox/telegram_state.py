"""The Telegram stand-in's memory: chats, per-chat message ids, the webhook, pending updates, callback queries.

Update ids and message ids keep counting across `reset()`: Loa dedupes updates by update_id in Redis, so
an id must never come back within a test run.
"""
from __future__ import annotations

import threading
import time

CONFLICT_POLL = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
CONFLICT_WEBHOOK = ("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                    "the webhook first")

_cond = threading.Condition()
_chats: dict[int, dict] = {}
_message_ids: dict[int, int] = {}
_update_id = int(time.time() * 1000) % 2**31  # increasing within a run; unlikely to repeat across runs
_queue: list[dict] = []  # updates waiting for getUpdates
_webhook: dict | None = None  # None: not initialised yet (see webhook())
_poll_generation = 0
_callbacks: dict[str, dict] = {}


# -- chats ----------------------------------------------------------------------------------------
def get_chat(chat_id: int, create: bool) -> dict | None:
    """A chat's state; an unknown private chat is created (as if the user had started the bot) when `create`."""
    with _cond:
        found = _chats.get(chat_id)
        if found is None and create and chat_id > 0:
            found = _chats[chat_id] = _new_chat(chat_id)
        return dict(found) if found else None


def set_chat(chat_id: int, **changes) -> dict:
    """Change a chat's state (blocked, exists, deactivated, first_name, last_name, language_code)."""
    with _cond:
        found = _chats.setdefault(chat_id, _new_chat(chat_id))
        found.update({k: v for k, v in changes.items() if v is not None})
        return dict(found)


def _new_chat(chat_id: int) -> dict:
    return {"id": chat_id, "blocked": False, "exists": True, "deactivated": False, "first_name": "",
            "last_name": "", "language_code": "vi"}


def next_message_id(chat_id: int) -> int:
    """The next message id in a chat (Telegram numbers both directions of a private chat together)."""
    with _cond:
        _message_ids[chat_id] = _message_ids.get(chat_id, 0) + 1
        return _message_ids[chat_id]


def next_update_id() -> int:
    """The next update id (strictly increasing)."""
    global _update_id
    with _cond:
        _update_id += 1
        return _update_id


# -- webhook and getUpdates -----------------------------------------------------------------------
def webhook(default_url: str, default_secret: str) -> dict:
    """The webhook config; the first call sets it to Loa's (as a deployment would), or off for polling."""
    global _webhook
    with _cond:
        if _webhook is None:
            _webhook = {"url": default_url, "secret_token": default_secret or None, "max_connections": 40,
                        "allowed_updates": None, "last_error_date": None, "last_error_message": None}
        return dict(_webhook)


def set_webhook(url: str, secret_token: str | None = None, max_connections: int = 40,
                allowed_updates: list | None = None) -> bool:
    """Set (or with an empty url, delete) the webhook; returns whether one was set before."""
    global _webhook
    with _cond:
        had = bool(_webhook and _webhook["url"])
        _webhook = {"url": url, "secret_token": secret_token or None, "max_connections": max_connections,
                    "allowed_updates": allowed_updates, "last_error_date": None, "last_error_message": None}
        _cond.notify_all()  # a pending getUpdates must now fail with 409
        return had


def note_webhook_error(message: str | None) -> None:
    """Remember the last failed delivery, shown by getWebhookInfo."""
    with _cond:
        if _webhook is not None and message:
            _webhook["last_error_date"], _webhook["last_error_message"] = int(time.time()), message


def enqueue(update: dict) -> None:
    """Keep an update for getUpdates."""
    with _cond:
        _queue.append(update)
        _cond.notify_all()


def drain_queue() -> list[dict]:
    """Take every pending update (for delivery to a newly set webhook)."""
    with _cond:
        taken = list(_queue)
        _queue.clear()
        return taken


def pending_count() -> int:
    """How many updates wait for getUpdates."""
    with _cond:
        return len(_queue)


def get_updates(offset: int, limit: int, timeout: float) -> tuple[list[dict] | None, str | None]:
    """Long-poll for updates from `offset` (confirming the earlier ones); (updates, None) or (None, conflict)."""
    global _poll_generation
    deadline = time.monotonic() + max(0.0, timeout)
    with _cond:
        _poll_generation += 1
        mine = _poll_generation
        _cond.notify_all()  # an older long poll still waiting gets the "terminated by other" conflict
        if offset:
            _queue[:] = [u for u in _queue if u["update_id"] >= offset] if offset > 0 else _queue[offset:]
        while True:
            if _webhook and _webhook["url"]:
                return None, CONFLICT_WEBHOOK
            if mine != _poll_generation:
                return None, CONFLICT_POLL
            left = deadline - time.monotonic()
            if _queue or left <= 0:
                return [dict(u) for u in _queue[:limit]], None
            _cond.wait(left)


# -- callback queries -----------------------------------------------------------------------------
def add_callback(query_id: str, chat_id: int, data: str) -> None:
    """Remember a callback query the stand-in sent, so answerCallbackQuery can be checked."""
    with _cond:
        _callbacks[query_id] = {"id": query_id, "chat_id": chat_id, "data": data, "issued": time.time(),
                                "answered": False, "answer": None}


def answer_callback(query_id: str, ttl_s: float, answer: dict) -> bool:
    """Mark a query answered; False when it is unknown, answered already or too old (like Telegram)."""
    with _cond:
        query = _callbacks.get(query_id)
        if query is None or query["answered"] or time.time() - query["issued"] > ttl_s:
            return False
        query["answered"], query["answer"] = True, answer
        return True


def callbacks() -> list[dict]:
    """Every callback query sent so far and whether it was answered."""
    with _cond:
        return [dict(q) for q in _callbacks.values()]


def reset() -> None:
    """Forget chats, pending updates, callback queries and the webhook (ids keep counting)."""
    global _webhook
    with _cond:
        _chats.clear()
        _queue.clear()
        _callbacks.clear()
        _webhook = None
        _cond.notify_all()
