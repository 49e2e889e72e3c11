"""A small thread-safe circuit breaker that does not serialise calls (pybreaker holds its lock during the call)."""
from __future__ import annotations

import threading
import time


class CircuitOpen(Exception):
    """The breaker is open: the call was not attempted."""


class Breaker:
    """Closed -> open after `fail_max` consecutive failures; after `reset_s` one trial call decides."""

    def __init__(self, fail_max: int = 3, reset_s: float = 15.0, clock=time.monotonic):
        self.fail_max = fail_max
        self.reset_s = reset_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        """'closed', 'open' or 'half-open'."""
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half-open" if self._clock() - self._opened_at >= self.reset_s else "open"

    def before(self) -> None:
        """Raise CircuitOpen unless a call may go out now (one trial at a time when half-open)."""
        with self._lock:
            state = self._state()
            if state == "open" or (state == "half-open" and self._trial_running):
                raise CircuitOpen()
            if state == "half-open":
                self._trial_running = True

    def success(self) -> None:
        """Record a good call: the breaker closes."""
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def failure(self) -> None:
        """Record a failed call: a failed trial, or too many failures in a row, opens the breaker."""
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.fail_max:
                self._opened_at = self._clock()
            self._trial_running = False

    def call(self, func, *args, **kwargs):
        """Run `func` through the breaker; any exception counts as a failure and is re-raised."""
        self.before()
        try:
            result = func(*args, **kwargs)
        except BaseException:
            self.failure()
            raise
        self.success()
        return result
