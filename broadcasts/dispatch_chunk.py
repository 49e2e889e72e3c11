"""The chunk job (RQ queue "broadcasts"): claim a chunk's rows under a lease, send them concurrently over one
pooled aiohttp session, write every outcome back in one statement.

While it sends, a watcher coroutine re-reads the campaign's state twice a second (pause and cancel stop the
next send; unsent rows go back to the queue untouched), keeps the lease alive, and feeds the campaign's
last-minute counters that drive the auto-pause.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace

import aiohttp
import httpx
import redis.asyncio as aioredis

from broadcasts import autopause, callbacks, leases
from broadcasts.buckets import Buckets
from broadcasts.dispatch_send import deliver
from broadcasts.models import Campaign
from broadcasts.quiet_hours import sending_allowed_now
from broadcasts.senders import SmsSender, TelegramSender, ZaloSender, render
from bot.channels.zalo_token import ZaloTokens
from core.db import session_factory
from core.redis_conn import get_redis, redis_url
from core.settings import Settings

log = logging.getLogger(__name__)
CONCURRENCY = 32  # sends in flight per job: hides provider latency; more only crowds a thread-per-connection server
STATE_POLL_S = 0.5
KNOBS = ("broadcast_telegram_per_second", "broadcast_zalo_per_second", "sms_per_second", "broadcast_chunk_size",
         "broadcast_lease_s", "broadcast_max_attempts", "broadcast_pause_failure_rate")


def knobs(settings: Settings) -> dict:
    """The dispatch settings a launch passes to its jobs (JSON-safe), so workers honour the launcher's."""
    return {name: getattr(settings, name) for name in KNOBS}


@lru_cache(maxsize=16)
def _settings(frozen: tuple) -> Settings:
    return Settings.from_env(**dict(frozen))


def job_settings(overrides: dict | None) -> Settings:
    """The worker's settings with a launch's dispatch knobs applied."""
    return _settings(tuple(sorted((overrides or {}).items())))


_token_holders: dict[tuple, ZaloTokens] = {}


def _tokens(settings: Settings) -> ZaloTokens:
    # One token holder per process: the cached access token survives from chunk to chunk.
    key = (settings.database_url, settings.zalo_oauth_base, settings.zalo_refresh_token)
    if key not in _token_holders:
        _token_holders[key] = ZaloTokens(settings, httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0)))
    return _token_holders[key]


@dataclass
class ChunkContext:
    """What every send of one chunk shares."""

    settings: Settings
    campaign: SimpleNamespace
    messages: dict
    buckets: Buckets
    zalo: ZaloSender
    telegram: TelegramSender
    sms: SmsSender
    halted: bool = False
    stops: list = field(default_factory=list)
    sent: int = 0
    failed: Counter = field(default_factory=Counter)

    def count(self, ok: bool, reason: str = "") -> None:
        """One send's outcome for the auto-pause's minute."""
        if ok:
            self.sent += 1
        else:
            self.failed[reason[:80]] += 1


def snapshot(campaign: Campaign) -> SimpleNamespace:
    """The campaign fields a chunk needs, detached from the session."""
    return SimpleNamespace(id=campaign.id, title=campaign.title, body_vi=campaign.body_vi, body_en=campaign.body_en,
                           buttons=list(campaign.buttons or []), link=campaign.link, allow_sms=campaign.allow_sms,
                           zns_template_id=campaign.zns_template_id, state=campaign.state, urgent=campaign.urgent)


def run_chunk(campaign_id: int, chunk: int, overrides: dict | None = None) -> dict:
    """RQ job: send one chunk of a running campaign; returns counts by outcome."""
    settings = job_settings(overrides)
    Session = session_factory(settings.database_url)
    try:
        with Session() as db:
            campaign = db.get(Campaign, campaign_id)
            if campaign is None or campaign.state != "running":
                return {"skipped": campaign.state if campaign else "missing"}
            if not sending_allowed_now(campaign, settings):
                return {"skipped": "quiet hours"}  # the watch enqueues the chunk again once they end
            view = snapshot(campaign)
            lease, rows = leases.claim(db, campaign_id, chunk, settings.broadcast_lease_s)
        if not rows:
            return {"claimed": 0}
        results, stops, lease = asyncio.run(_send_all(settings, view, rows, lease))
        with Session() as db:
            written = leases.write_back(db, lease, results)
            if stops:
                leases.mark_stopped(db, stops)
            callbacks.apply_early(db, get_redis(settings), [r["msg_id"] for r in results if r.get("msg_id")])
        outcome = Counter(r["status"] for r in results)
        if written != len(results):
            log.warning("campaign %s chunk %s: %d of %d results written (lease lost)", campaign_id, chunk,
                        written, len(results))
        return dict(outcome)
    finally:
        from broadcasts.dispatch_watch import chunk_done  # lazy: the watch module enqueues this one

        chunk_done(settings, campaign_id, chunk, overrides)


async def _send_all(settings: Settings, view, rows: list[dict], lease):
    redis = aioredis.from_url(redis_url(settings))
    connector = aiohttp.TCPConnector(limit=CONCURRENCY, limit_per_host=CONCURRENCY, ttl_dns_cache=300)
    try:
        async with aiohttp.ClientSession(connector=connector) as http:
            ctx = ChunkContext(settings, view, {lang: render(view, lang) for lang in ("vi", "en")},
                               Buckets(settings, redis), ZaloSender(settings, http, _tokens(settings)),
                               TelegramSender(settings, http), SmsSender(settings, http))
            # The lease as the rows carry it; extended from a thread, closed before the write-back reads it.
            holder = {"lease": lease, "closed": False, "lock": threading.Lock()}
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(row):
                async with gate:
                    return await deliver(ctx, row)

            stop = asyncio.Event()
            watcher = asyncio.create_task(_watch(ctx, redis, [r["id"] for r in rows], holder, stop))
            try:
                results = await asyncio.gather(*(one(r) for r in rows))
            finally:
                # An event, not only cancel(): the Redis client can swallow a CancelledError, and a watcher
                # that never ends would keep this chunk (and its lease) alive forever.
                stop.set()
                watcher.cancel()
                await asyncio.wait({watcher}, timeout=10)
                with holder["lock"]:  # an extension still running in its thread finishes first
                    holder["closed"] = True
            await _flush(ctx, redis)
            return list(results), ctx.stops, holder["lease"]
    finally:
        await redis.aclose()


async def _flush(ctx: ChunkContext, redis) -> None:
    sent, failed = ctx.sent, ctx.failed
    ctx.sent, ctx.failed = 0, Counter()
    await autopause.record(redis, ctx.campaign.id, sent, failed)


async def _watch(ctx: ChunkContext, redis, ids: list[int], holder: dict, stop: asyncio.Event) -> None:
    """Re-read the campaign's state, flush counters, check the failure rate, keep the lease alive."""
    settings, loop = ctx.settings, asyncio.get_running_loop()
    Session = session_factory(settings.database_url)
    extend_every = max(1.0, settings.broadcast_lease_s / 3)
    last_extend = loop.time()

    def state() -> str | None:
        with Session() as db:
            return db.query(Campaign.state).filter(Campaign.id == ctx.campaign.id).scalar()

    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), STATE_POLL_S)
            return
        except asyncio.TimeoutError:
            pass
        if await asyncio.to_thread(state) != "running":
            ctx.halted = True
        await _flush(ctx, redis)
        total, failed, reasons = await autopause.last_minute(redis, ctx.campaign.id)
        if not ctx.halted and autopause.should_pause(settings, total, failed):
            await asyncio.to_thread(autopause.pause, settings, ctx.campaign.id, total, failed, reasons)
            ctx.halted = True
        if loop.time() - last_extend >= extend_every:
            def extend():
                with holder["lock"]:
                    if not holder["closed"]:
                        with Session() as db:
                            holder["lease"] = leases.extend(db, ids, holder["lease"], settings.broadcast_lease_s)
            await asyncio.to_thread(extend)
            last_extend = loop.time()
