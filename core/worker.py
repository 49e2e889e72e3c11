"""Run an RQ worker on Loa's Redis: `python -m core.worker inbound calls broadcasts default`."""
from __future__ import annotations

import logging
import re
import sys

from rq.exceptions import StopRequested
from rq.worker import SimpleWorker

from core import redis_owner
from core.privacy import configure_logging
from core.production import NotProductionReady, refuse_unsafe
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
        if "broadcasts" in names:
            sweep_broadcasts()
        super().run_maintenance_tasks()


def sweep_inboxes() -> None:
    """Restart inboxes whose drainer died, even when no new message arrives to trigger a drain."""
    from bot import inbox
    from bot.inbound import current_settings

    try:
        inbox.sweep(current_settings())
    except Exception:  # noqa: BLE001 - maintenance must not stop the worker; the next round retries
        logging.getLogger(__name__).exception("inbox sweep failed")


def sweep_broadcasts() -> None:
    """Restart the watch of a live campaign whose watch job died with its worker (rows in flight come back)."""
    from broadcasts.dispatch_watch import sweep  # lazy, like the inbox sweep: core names the feature it runs

    try:
        sweep(Settings.from_env())
    except Exception as exc:  # noqa: BLE001 - maintenance must not stop the worker; the next round retries
        cause = exc
        while cause is not None:  # a SIGTERM's StopRequested, maybe wrapped by the database driver: let it stop us
            if isinstance(cause, StopRequested):
                raise cause from None
            cause = cause.__cause__ or cause.__context__
        logging.getLogger(__name__).exception("broadcast sweep failed")


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


class HideJobArguments(logging.Filter):
    """Log a job by its function and id only: RQ prints the whole call, and the arguments carry reply texts,
    citizens' messages and phone numbers ("inbound: bot.inbound.process({...})")."""

    LINES = ("Worker %s: %s: %s (%s)", "Successfully completed %s job in %ss on worker %s")

    def filter(self, record: logging.LogRecord) -> bool:
        """Always True; cuts the job description in RQ's per-job lines down to the function's name."""
        if record.msg in self.LINES and isinstance(record.args, tuple):
            index = 2 if record.msg == self.LINES[0] else 0
            args = list(record.args)
            args[index] = function_only(str(args[index]))
            record.args = tuple(args)
        return True


def function_only(description: str) -> str:
    """`bot.inbound.process('zalo', {...})` -> `bot.inbound.process(…)`: the call without its arguments."""
    # Greedy to the last ")": a colour code RQ puts after the call on a terminal is kept.
    return re.sub(r"\(.*\)", "(…)", description, count=1, flags=re.S)


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
    try:
        refuse_unsafe(settings)  # production never works for sandbox secrets, an embedded Redis or SQLite
        redis_owner.claim(get_redis(settings), settings.database_url)
    except (NotProductionReady, redis_owner.RedisOwnedElsewhere) as exc:
        sys.exit(f"Loa's worker refuses to start: {exc}")
    configure_logging(settings.log_level, settings)
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
    worker.log.addFilter(HideJobArguments())
    worker.work(with_scheduler=True, logging_level=rq_log_level(queues, settings.log_level))


if __name__ == "__main__":
    main(sys.argv[1:])
