"""One asyncio event loop per process, on its own thread, for the async provider clients (PTB)."""
from __future__ import annotations

import asyncio
import threading


class LoopThread:
    """Runs coroutines on a persistent loop, so clients keep their connection pools between calls."""

    def __init__(self, name: str = "loa-aio"):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 30.0):
        """Run `coro` on the loop from any (non-loop) thread and return its result or raise its error."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)
