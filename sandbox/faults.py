"""Per-channel behaviour switches, injected failures and rate limiters for the sandbox stand-ins.

The knobs (set with `POST /_sandbox/faults`, see sandbox.inspect) start from DEFAULTS on every reset.
Per-user state (blocked, followed, ...) lives with each channel's own state, not here.
"""
from __future__ import annotations

import copy
import math
import threading
import time
from collections import deque

# Real Zalo retries a failed webhook after 30 s, 5 m, 15 m, 30 m and 1 h; tests want seconds, not hours.
ZALO_REAL_RETRY_DELAYS = [30, 300, 900, 1800, 3600]

DEFAULTS = {
    "zalo": {
        "token_ttl_s": 90000,  # Zalo's access tokens live 25 h
        "rate_limit": {"calls": 1200, "period_s": 60},  # about 20 calls/s, counted per minute like Zalo's -32
        "emit_received": False,  # send user_received_message to Loa after each successful send
        "unknown_users": "accept",  # or "reject": users the sandbox never saw answer -213
        "promotion_window": None,  # e.g. "08:00-22:00" (Asia/Ho_Chi_Minh): promotion outside it -> -234
        "message_quota": None,  # OA messages accepted in all (cs + transaction + promotion); beyond -> -211
        "emit_seen": False,  # with emit_received: user_seen_message after the received event
        "zns_daily_quota": 10000,  # ZNS messages a day; beyond -> -211 (ZNS's own codes are undocumented)
        "zns_templates": None,  # None: any template id is approved; else the list of approved ids (-> -201)
        "zns_window": None,  # e.g. "06:00-22:00": ZNS outside it -> -234
        "delay_s": 0.0,  # every API call answers this much later (a slow provider)
        "strict_seed": False,  # True: the configured refresh token is single-use like the ones issued
        "webhook_url": None,  # None: {public_url}/webhooks/zalo
        "webhook_retry_delays": [0.2, 0.5, 1.0, 2.0, 4.0],
        "webhook_timeout_s": 2.0,  # Zalo wants the 200 within about 2 s
    },
    "telegram": {
        "rate_limit": {"overall_per_s": 30, "per_chat_per_s": 1, "chat_burst": 5, "group_per_min": 20},
        "unknown_chats": "accept",  # or "reject": chats that never wrote to the bot -> 400 chat not found
        "callback_ttl_s": 15,  # callback queries older than this are "too old" to answer
        "webhook_retry_delays": [0.2, 0.5, 1.0],
        "webhook_timeout_s": 5.0,
    },
}
RATE_OFF = {"zalo": {"calls": 0, "period_s": 60},
            "telegram": {"overall_per_s": 0, "per_chat_per_s": 0, "chat_burst": 0, "group_per_min": 0}}

_lock = threading.Lock()
_config: dict[str, dict] = copy.deepcopy(DEFAULTS)
_failures: dict[str, list[dict]] = {"zalo": [], "telegram": []}
_limiters: dict[tuple, object] = {}


def config(channel: str) -> dict:
    """A copy of the channel's current knobs."""
    with _lock:
        return copy.deepcopy(_config[channel])


def setting(channel: str, name: str):
    """One knob's current value."""
    with _lock:
        return copy.deepcopy(_config[channel][name])


def configure(channel: str, changes: dict) -> dict:
    """Change knobs (unknown names raise KeyError); "rate_limit": "off" lifts every limit."""
    with _lock:
        for name, value in changes.items():
            if name not in _config[channel]:
                raise KeyError(name)
            if name == "rate_limit":
                value = copy.deepcopy(RATE_OFF[channel]) if value in ("off", None, False) else \
                    {**_config[channel]["rate_limit"], **value}
                _limiters.clear()  # new limits start from empty buckets
            _config[channel][name] = value
        return copy.deepcopy(_config[channel])


def fail_next(channel: str, rule: dict) -> None:
    """Queue a failure for the next `count` matching calls (rule: count, status|error, user_id, method, ...)."""
    rule = dict(rule)
    rule["count"] = int(rule.get("count", 1))
    with _lock:
        _failures[channel].append(rule)


def take_failure(channel: str, user_id: str | None, method: str, named_only: bool = False) -> dict | None:
    """The injected failure for this call, if one matches (and count it as used).

    `named_only`: only rules that name this method match (Zalo's OAuth host is not one of "the next calls").
    """
    with _lock:
        for rule in _failures[channel]:
            if rule.get("user_id") not in (None, str(user_id) if user_id is not None else None):
                continue
            if named_only and not rule.get("method"):
                continue
            if rule.get("method") and rule["method"].lower() not in method.lower():
                continue
            rule["count"] -= 1
            if rule["count"] <= 0:
                _failures[channel].remove(rule)
            return dict(rule)
    return None


def pending_failures(channel: str) -> list[dict]:
    """Injected failures not used up yet."""
    with _lock:
        return copy.deepcopy(_failures[channel])


class Window:
    """At most `limit` events in any `period` seconds (limit 0: no limit)."""

    def __init__(self, limit: int, period: float):
        self.limit, self.period, self.times = limit, period, deque()

    def wait(self, now: float) -> float:
        """0 when an event is allowed now, else seconds until it would be."""
        if self.limit <= 0:
            return 0.0
        while self.times and now - self.times[0] >= self.period:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + self.period - now

    def charge(self, now: float) -> None:
        """Count one event."""
        if self.limit > 0:
            self.times.append(now)


class Bucket:
    """A token bucket: `rate` tokens a second, holding at most `burst` (rate 0: no limit)."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, max(1.0, burst)
        self.tokens, self.stamp = self.burst, None

    def wait(self, now: float) -> float:
        """0 when a token is there now, else seconds until one is."""
        if self.rate <= 0:
            return 0.0
        if self.stamp is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def charge(self, now: float) -> None:
        """Spend one token."""
        if self.rate > 0:
            self.tokens -= 1


def limited(checks: list[tuple[tuple, object]]) -> int:
    """Run several limiters atomically; 0 when all allow (all charged), else retry-after in whole seconds >= 1.

    `checks` holds (key, factory) pairs; nothing is charged unless every limiter allows the call,
    so a refused call does not eat into the allowance (as on the real APIs).
    """
    now = time.monotonic()
    with _lock:
        limiters = []
        for key, make in checks:
            if key not in _limiters:
                _limiters[key] = make()
            limiters.append(_limiters[key])
        wait = max((lim.wait(now) for lim in limiters), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for lim in limiters:
            lim.charge(now)
        return 0


def reset() -> None:
    """Back to the defaults: no injected failures, fresh limiters."""
    with _lock:
        _config.clear()
        _config.update(copy.deepcopy(DEFAULTS))
        for queue in _failures.values():
            queue.clear()
        _limiters.clear()
