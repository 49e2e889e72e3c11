"""Deliver webhooks to Loa the way the providers do: POST the exact bytes, retry on failure, log every try.

The first attempt runs in the caller's thread (so `/_sandbox/.../emit` can report the outcome); retries
run in a daemon thread after the configured delays. Every attempt is logged for `GET /_sandbox/deliveries`.
"""
from __future__ import annotations

import copy
import threading
import time

import httpx

from sandbox.chat_store import now_iso

_lock = threading.Lock()
_log: list[dict] = []
_generation = 0  # bumped by reset() so retries scheduled before it give up


def deliver(channel: str, url: str, body: bytes, headers: dict, delays: list[float], timeout: float,
            label: str, retry_header: str | None = None, in_background: bool = False) -> dict:
    """POST `body` to `url`; on a non-2xx answer or no answer retry after each of `delays`.

    Returns the first attempt's log entry (or a "queued" entry when `in_background`).
    `retry_header` names a header carrying the retry number on retries (Zalo's `num_retry`).
    """
    generation = _generation
    if in_background:
        # A short pause so a receipt does not overtake the API answer it is about (as with the real service).
        threading.Thread(target=_retry_loop, args=(channel, url, body, headers, [0.05, *delays], timeout, label,
                                                   retry_header, generation, 0), daemon=True).start()
        return {"channel": channel, "label": label, "url": url, "status": None, "queued": True}
    first = _attempt(channel, url, body, headers, timeout, label, 0, retry_header)
    if not first["ok"] and delays:
        threading.Thread(target=_retry_loop, args=(channel, url, body, headers, delays, timeout, label,
                                                   retry_header, generation, 1), daemon=True).start()
    return first


def _retry_loop(channel, url, body, headers, delays, timeout, label, retry_header, generation, first_number):
    for number, delay in enumerate(delays, start=first_number):
        time.sleep(delay)
        if generation != _generation:
            return
        if _attempt(channel, url, body, headers, timeout, label, number, retry_header)["ok"]:
            return


def _attempt(channel, url, body, headers, timeout, label, number, retry_header) -> dict:
    sent = dict(headers)
    if retry_header and number:
        sent[retry_header] = str(number)
    entry = {"channel": channel, "label": label, "url": url, "attempt": number + 1, "time": now_iso(),
             "status": None, "error": None, "ok": False}
    try:
        resp = httpx.post(url, content=body, headers=sent, timeout=timeout)
        entry["status"] = resp.status_code
        entry["ok"] = 200 <= resp.status_code < 300
        if not entry["ok"]:
            entry["error"] = f"HTTP {resp.status_code}: {resp.text[:200]}"
    except httpx.HTTPError as exc:
        entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
    with _lock:
        _log.append(entry)
    return dict(entry)


def deliveries(channel: str | None = None) -> list[dict]:
    """Every delivery attempt so far, oldest first."""
    with _lock:
        return [copy.deepcopy(e) for e in _log if channel in (None, e["channel"])]


def reset() -> None:
    """Forget the log and abandon pending retries."""
    global _generation
    with _lock:
        _log.clear()
        _generation += 1
