"""Run an RQ worker on Loa's Redis: `python -m core.worker inbound calls broadcasts default`."""
from __future__ import annotations

import logging
import sys

from rq.worker import SimpleWorker

from core.privacy import configure_logging
from core.stale_scheduler import release_stale_locks
from core.redis_conn import QUEUES, get_redis
from core.settings import Settings


# RQ checks whether it should take over a dead scheduler only at maintenance time (10 min by default);
# delayed jobs (send retries, inboxes waiting out a dead worker's lock) would wait that long.
MAINTENANCE_INTERVAL_S = 10


class LoaWorker(SimpleWorker):
    """RQ's in-process worker that also frees scheduler locks whose holder died on this host."""

    @property
    def dequeue_timeout(self) -> int:
        """Wake from an idle wait often enough for the maintenance checks to run."""
        return MAINTENANCE_INTERVAL_S

    def run_maintenance_tasks(self):
        """Free stale scheduler locks, restart stranded inboxes, then RQ's own maintenance."""
        names = [q.name for q in self.queues]
        release_stale_locks(self.connection, names)
        if "inbound" in names:
            sweep_inboxes()
        super().run_maintenance_tasks()


def sweep_inboxes() -> None:
    """Restart inboxes whose drainer died, even when no new message arrives to trigger a drain."""
    from bot import inbox
    from bot.inbound import current_settings

    try:
        inbox.sweep(current_settings())
    except Exception:  # noqa: BLE001 - maintenance must not stop the worker; the next round retries
        logging.getLogger(__name__).exception("inbox sweep failed")


def warm_up(settings: Settings) -> None:
    """Load the engine and fit the degraded-mode matcher now, so the first citizen after a start or an NLU
    outage does not wait the second or two the fit takes."""
    from bot.inbound import resolve_handler
    from nlu.fallback import get_matcher

    resolve_handler(settings.bot_handler)
    try:
        get_matcher()
    except Exception:  # noqa: BLE001 - no training data here: the client says "not understood" instead
        logging.getLogger(__name__).exception("could not fit the fallback matcher")


class QuietMaintenance(logging.Filter):
    """Drop RQ's "cleaning registries" lines: they suit its 10-minute maintenance, not our 10 seconds."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the per-queue registry-cleaning line, unless the worker logs at DEBUG."""
        noise = record.levelno == logging.INFO and str(record.msg).startswith("Worker %s: cleaning registries")
        return not noise or logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def rq_log_level(queues: list[str], level: str) -> str:
    """RQ's own log level: LOG_LEVEL, but WARNING for a dialer-only worker unless debugging.

    RQ logs three lines per job at INFO, and the dialer's idle chain runs a tick job twice a second:
    that would bury everything else (the dialer's own log lines keep LOG_LEVEL)."""
    if set(queues) == {"calls"} and level.upper() != "DEBUG":
        return "WARNING"
    return level


def main(argv: list[str]) -> None:
    """Start a worker that listens on the named queues (all of Loa's queues by default)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    queues = argv or list(QUEUES)
    # Forking per job costs ~20 ms and re-opens every connection; jobs here are short, so a
    # worker that runs jobs in-process (SimpleWorker) is used; RQ still retries jobs of a dead worker.
    if "calls" in queues:
        from ivr.dialer import start_watchdog

        start_watchdog()  # restarts the dialer if the worker that ran it died
    if "inbound" in queues:
        warm_up(settings)
    release_stale_locks(get_redis(settings), queues)
    worker = LoaWorker(queues, connection=get_redis(settings), maintenance_interval=MAINTENANCE_INTERVAL_S)
    worker.log.addFilter(QuietMaintenance())  # one line per queue every 10 s would bury the job lines
    worker.work(with_scheduler=True, logging_level=rq_log_level(queues, settings.log_level))


if __name__ == "__main__":
    main(sys.argv[1:])
