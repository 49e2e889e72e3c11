"""The dialer: RQ jobs on the "calls" queue that claim due contacts and place paced tracing calls.

A few self-renewing chains of `tick` jobs (each a "pump", a lease in Redis) run side by side, so one
slow database write or HTTP round trip never costs calls per second; any process can `kick()` a dead
chain back to life, and status callbacks and imports do; a watchdog thread in every worker on the
"calls" queue revives chain 0 when nothing else would (`watch`). Claims are conditional UPDATEs, so two
dialers never call the same person at once; pacing (calls per second and calls in progress) lives in
Redis and is shared by every worker.
"""
from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from core import clock
from core.db import session_scope
from core.redis_conn import get_queue, get_redis
from core.settings import Settings
from ivr import claims, pacing, pauses, twilio_client
from ivr.models import CallAttempt, TracingContact
from ivr.window import in_window

log = logging.getLogger(__name__)

PUMP_KEY = "loa:dial:pump:{n}"
PUMP_LEASE_S = 6.0  # a dead tick's chain is picked up by the next kick after this long
BUSY_BUDGET_S = 2.0  # give the worker back often: other queues' jobs wait at most this long
IDLE_SLEEP_S = 0.5  # an idle chain 0 polls this often (in-job: RQ's scheduler stalls after a SIGKILL)
RING_TIMEOUT_S = 45
TIME_LIMIT_S = 600
CALL_LEASE_S = RING_TIMEOUT_S + TIME_LIMIT_S + 120  # a slot outlives any real call, then comes back
CREATE_LEASE_S = 30
EVENTS = ["initiated", "ringing", "answered", "completed"]
WATCH_EVERY_S = 2.0  # a dead chain is back within PUMP_LEASE_S + this

_CAS = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


PACING_MARGIN = 0.99


def slots(settings: Settings) -> pacing.Slots:
    """The shared in-progress semaphore."""
    return pacing.Slots(get_redis(settings), settings.max_calls_in_progress)


def bucket(settings: Settings) -> pacing.TokenBucket:
    """The shared calls-per-second bucket."""
    # Tokens are taken before the API call and the carrier counts the calls as they arrive, so HTTP
    # jitter can bunch two calls; pacing 1% under the limit keeps the carrier's count under it.
    return pacing.TokenBucket(get_redis(settings), settings.calls_per_second * PACING_MARGIN)


def dialers(settings: Settings) -> int:
    """How many dialer chains run side by side: about one per 5 calls per second, at most 4."""
    return max(1, min(4, math.ceil(settings.calls_per_second / 5)))


def _enqueue_tick(settings: Settings, token: str, n: int) -> None:
    from rq import Retry

    # The retry is the last safety net: RQ re-runs a tick whose worker was killed (after its
    # maintenance interval), and a tick that finds its chain's lease gone revives the chain.
    get_queue("calls", settings).enqueue(tick, token, n, job_timeout=120, result_ttl=0, failure_ttl=3600,
                                         retry=Retry(max=3))


def kick(settings: Settings) -> int:
    """Start every dialer chain that is not alive; returns how many this call started."""
    client, started = get_redis(settings), 0
    for n in range(dialers(settings)):
        token = uuid.uuid4().hex
        if client.set(PUMP_KEY.format(n=n), token, nx=True, px=int(PUMP_LEASE_S * 1000)):
            _enqueue_tick(settings, token, n)
            started += 1
    return started


def revive(settings: Settings) -> bool:
    """Start chain 0 (the one that keeps watching for due calls) if it is dead; True when this call did."""
    token = uuid.uuid4().hex
    if get_redis(settings).set(PUMP_KEY.format(n=0), token, nx=True, px=int(PUMP_LEASE_S * 1000)):
        _enqueue_tick(settings, token, 0)
        return True
    return False


def watch(stop: threading.Event, every_s: float = WATCH_EVERY_S) -> None:
    """Watchdog loop run in a thread of every worker on the calls queue: revive a dead dialer chain.

    A chain dies with the worker that ran its tick (SIGKILL, OOM); kicks from imports and status callbacks
    restart it, but with nothing else happening nobody would. RQ's own scheduler is no help here: its
    lock outlives a killed worker for a minute. Chain 0's lease is renewed every tick, so a missing lease
    means a dead chain; the SET NX lets only one of many watchdogs start it.
    """
    settings = Settings.from_env()
    while not stop.wait(every_s):
        try:
            if revive(settings):
                log.info("dialer watchdog: chain 0 was dead, restarted")
        except Exception as exc:  # noqa: BLE001 - Redis away for a moment: try again next time
            log.warning("dialer watchdog: %s", exc)


def start_watchdog() -> threading.Event:
    """Run `watch` in a daemon thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=watch, args=(stop,), name="dialer-watchdog", daemon=True).start()
    return stop


def _pass_pump(settings: Settings, n: int, token: str, lease_s: float, new: str | None = None) -> str | None:
    """Renew the lease of chain `n` held by `token`, optionally under a new token; None if we lost it."""
    script = get_redis(settings).register_script(_CAS)
    new = new or token
    return new if script(keys=[PUMP_KEY.format(n=n)], args=[token, new, int(lease_s * 1000)]) else None


def _own(settings: Settings, n: int, token: str) -> bool:
    client, key = get_redis(settings), PUMP_KEY.format(n=n)
    current = client.get(key)
    if current is None:
        # The chain died (a killed worker); a late tick revives it rather than let it stay dead.
        return bool(client.set(key, token, nx=True, px=int(PUMP_LEASE_S * 1000)))
    return current.decode() == token


def pause(settings: Settings, list_id: int | None = None, by: str | None = None) -> str:
    """Staff pause the call centre (or one list): no new calls (calls under way finish); returns when it was
    paused. Kept in the database (ivr.pauses), so a Redis that loses its data does not resume calling."""
    return pauses.pause(settings, list_id, by)


def resume(settings: Settings, list_id: int | None = None) -> None:
    """Let the dialer place calls again (for every list, or one), and wake it."""
    pauses.resume(settings, list_id)
    kick(settings)


def paused_since(settings: Settings, list_id: int | None = None) -> str | None:
    """When staff paused the call centre (or list `list_id`), as ISO time, or None while it calls."""
    return pauses.paused_since(settings, list_id)


def tick(token: str, n: int = 0) -> str:
    """One turn of dialer chain `n`: housekeeping, then place due calls for a moment; re-enqueue itself."""
    settings = Settings.from_env()
    if not _own(settings, n, token):
        return "not-owner"
    from ivr import followup, reaper

    reaper.maybe_reap(settings)  # even paused: a lost call's slot must come back
    if not paused_since(settings):
        followup.maybe_schedule_today(settings)
    deadline = time.monotonic() + BUSY_BUDGET_S
    result = "idle"
    while time.monotonic() < deadline:
        if not _pass_pump(settings, n, token, PUMP_LEASE_S):
            return "lost-pump"
        result = step(settings)
        if result == "no_slot":
            time.sleep(0.05)
        elif result != "placed":
            break
    busy = result in ("placed", "no_slot")
    if busy and n == 0:
        kick(settings)  # wake the sibling chains that stopped while idle
    if not busy:
        if n > 0:
            _release_pump(settings, n, token)  # only chain 0 keeps watching when there is nothing to do
            return result
        time.sleep(IDLE_SLEEP_S)
    new = _pass_pump(settings, n, token, PUMP_LEASE_S, new=uuid.uuid4().hex)
    if new:
        _enqueue_tick(settings, new, n)
    return result


def _release_pump(settings: Settings, n: int, token: str) -> None:
    """End chain `n` if `token` still holds it."""
    script = get_redis(settings).register_script(_CAS)
    script(keys=[PUMP_KEY.format(n=n)], args=[token, "released", 1])


def step(settings: Settings) -> str:
    """Place at most one call: placed | no_slot | nothing_due | outside_window | paused."""
    if not in_window(settings):
        return "outside_window"
    if paused_since(settings):
        return "paused"
    shared = slots(settings)
    slot = shared.acquire(lease_s=CREATE_LEASE_S)
    if slot is None:
        return "no_slot"
    # Book the next token first, so waiting for it overlaps the claim's database work.
    ready_at = time.monotonic() + bucket(settings).try_take()
    claimed = claims.claim_next(settings)
    if claimed is None:
        shared.release(slot)
        return "nothing_due"
    contact, attempt = claimed
    shared.renew(slot, CALL_LEASE_S, new_member=slot_name(attempt.id))
    time.sleep(max(0.0, ready_at - time.monotonic()))
    place(settings, contact, attempt)
    return "placed"


def slot_name(attempt_id: int) -> str:
    """The in-progress slot of one call attempt."""
    return f"call:{attempt_id}"


def call_urls(settings: Settings, contact_id: int, attempt_id: int) -> tuple[str, str]:
    """The TwiML URL and the status callback URL of one attempt."""
    base = settings.public_url.rstrip("/")
    return (f"{base}/voice/tracing/answer?contact={contact_id}&attempt={attempt_id}",
            f"{base}/voice/status?attempt={attempt_id}")


def place(settings: Settings, contact: TracingContact, attempt: CallAttempt) -> None:
    """calls.create for a claimed attempt; store the sid, or settle the attempt when Twilio refused it."""
    from bot.channels.errors import ContactStopped, MessageInvalid

    url, status_url = call_urls(settings, contact.id, attempt.id)
    try:
        call = twilio_client.client(settings).calls.create(
            to=contact.phone, from_=settings.twilio_from_number, url=url, method="POST",
            status_callback=status_url, status_callback_event=EVENTS, status_callback_method="POST",
            machine_detection="Enable", timeout=RING_TIMEOUT_S, time_limit=TIME_LIMIT_S)
    except Exception as exc:  # noqa: BLE001 - classified below
        error = twilio_client.classify(exc)
        log.warning("call attempt %s not placed: %s %s", attempt.id, error.kind, error.code)
        if isinstance(error, (ContactStopped, MessageInvalid)):
            from ivr.status import settle

            settle(settings, attempt.id, "failed", outcome="opted_out" if isinstance(error, ContactStopped)
                   else "invalid_number")
        elif error.code is not None:
            # Twilio answered (throttled, auth, 5xx): nothing was placed, so the attempt does not count.
            release_unplaced(settings, attempt.id, delay_s=error.retry_after or 60)
        # A connection error may hide a placed call: the reaper settles it if no callback ever comes.
        return
    with session_scope(settings.database_url) as session:
        session.execute(update(CallAttempt).where(CallAttempt.id == attempt.id)
                        .values(call_sid=call.sid, placed_at=clock.now(settings)))
        session.execute(update(CallAttempt).where(CallAttempt.id == attempt.id, CallAttempt.status == "creating")
                        .values(status="queued"))


def release_unplaced(settings: Settings, attempt_id: int, delay_s: float = 0) -> None:
    """An attempt that never reached Twilio: abandon it and put the person back in the queue."""
    now = clock.now(settings)
    with session_scope(settings.database_url) as session:
        done = session.execute(update(CallAttempt)
                               .where(CallAttempt.id == attempt_id, CallAttempt.status == "creating")
                               .values(status="abandoned", outcome="not_placed", ended_at=now)).rowcount
        if done:
            contact_id, purpose = session.execute(select(CallAttempt.contact_id, CallAttempt.purpose)
                                                  .where(CallAttempt.id == attempt_id)).one()
            column = TracingContact.status if purpose == "tracing" else TracingContact.followup_status
            session.execute(update(TracingContact)
                            .where(TracingContact.id == contact_id, column == "calling")
                            .values({column: "pending", TracingContact.attempts: TracingContact.attempts - 1,
                                     TracingContact.next_attempt_at: now + timedelta(seconds=delay_s)}))
    slots(settings).release(slot_name(attempt_id))
