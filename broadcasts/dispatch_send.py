"""One recipient's send with the dispatch rules: pace on the shared bucket, retry what may succeed later, mark
stopped contacts, fall through Zalo -> ZNS -> SMS when the consultation window is closed.

`deliver(ctx, row)` never raises: it returns the row's outcome for the chunk's single write-back.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.channels.errors import ContactStopped, MessageInvalid, SendError, Throttled
from core.models import utcnow
from core.privacy import mask_phone

WINDOW_CLOSED = (-230, -232)
NOT_FOLLOWER = -213
NIGHT = -234
QUOTA = -211
IN_JOB_WAIT_S = 5.0  # a shorter retry-after is waited out in the job; a longer one sends the row back to the queue
NIGHT_RETRY_S = 3600


def next_channel(ctx, row: dict, channel: str) -> str | None:
    """Where a recipient goes when `channel` cannot reach them: ZNS, then SMS, if the campaign and phone allow."""
    order = ["zns", "sms"] if channel == "zalo" else ["sms"] if channel == "zns" else []
    for candidate in order:
        if candidate == "zns" and ctx.campaign.zns_template_id and row.get("phone"):
            return "zns"
        if candidate == "sms" and ctx.campaign.allow_sms and row.get("phone"):
            return "sms"
    return None


async def _send_once(ctx, channel: str, address: str, row: dict) -> str:
    message = ctx.messages[row["language"] if row["language"] in ctx.messages else "vi"]
    if channel == "zalo":
        return await ctx.zalo.send_cs(address, message)
    if channel == "zns":
        return await ctx.zalo.send_zns(address, ctx.campaign.zns_template_id, message, str(row["id"]))
    if channel == "telegram":
        return await ctx.telegram.send(address, message)
    if channel == "sms":
        return await ctx.sms.send(address, message)
    raise MessageInvalid(f"unknown channel {channel}")


def _result(row: dict, status: str, channel: str, address: str, attempts: int, **extra) -> dict:
    return {"id": row["id"], "status": status, "channel": channel, "address": address, "attempts": attempts,
            **extra}


async def deliver(ctx, row: dict) -> dict:
    """Send one row's message (with retries and fall-through); the outcome to write back."""
    channel, address, attempts = row["channel"], row["address"], row["attempts"]
    original_attempts = attempts - 1  # the claim counted this attempt before anything was sent
    while True:
        if ctx.halted:
            return _result(row, "queued", row["channel"], row["address"], original_attempts)
        allowed = await ctx.buckets.take(channel, address if channel == "telegram" else None)
        if ctx.halted:  # paused or cancelled while this send waited for its turn
            return _result(row, "queued", row["channel"], row["address"], original_attempts)
        if not allowed:  # the channel's quota is used up: fall through, else fail
            fallback = next_channel(ctx, row, channel)
            if fallback:
                channel, address = fallback, row["phone"]
                continue
            ctx.count(False, f"{channel}: out of quota")
            return _result(row, "failed", channel, address, attempts, reason=f"{channel}: out of quota")
        try:
            msg_id = await _send_once(ctx, channel, address, row)
        except SendError as exc:
            outcome = await _on_error(ctx, row, channel, address, attempts, exc)
            if isinstance(outcome, dict):
                return outcome
            channel, address, attempts = outcome
            continue
        ctx.count(True)
        return _result(row, "sent", channel, address, attempts, msg_id=msg_id)


async def _on_error(ctx, row: dict, channel: str, address: str, attempts: int, exc: SendError):
    """The row's final outcome (a dict), or the (channel, address, attempts) to try next."""
    reason = mask_phone(str(exc))[:200]  # a provider may quote the number; reasons reach counters and alerts
    code = exc.code
    if isinstance(exc, Throttled):
        wait = float(exc.retry_after or 1.0)
        await ctx.buckets.pause(channel, wait)
        # The bucket's pause makes every sender wait it out: no sleep of our own.
        return await _retry(ctx, row, channel, address, attempts, wait, reason, sleep=False)
    if code == NIGHT:
        return _result(row, "queued", channel, address, attempts,
                       next_attempt_at=utcnow() + timedelta(seconds=NIGHT_RETRY_S), reason=reason)
    if code == QUOTA and channel in ("zalo", "zns"):
        await ctx.buckets.exhaust(channel, 3600)
    fall = code in WINDOW_CLOSED or code == NOT_FOLLOWER or code == QUOTA
    if isinstance(exc, ContactStopped):
        ctx.stops.append((channel, address, reason))
    if fall:
        fallback = next_channel(ctx, row, channel)
        if fallback:
            return fallback, row["phone"], attempts
    if isinstance(exc, (ContactStopped, MessageInvalid)) or not exc.retryable:
        ctx.count(False, reason)
        return _result(row, "failed", channel, address, attempts, reason=reason)
    backoff = min(60.0, 0.5 * 2 ** (attempts - 1))
    ctx.count(False, reason)
    return await _retry(ctx, row, channel, address, attempts, backoff, reason, sleep=True)


async def _retry(ctx, row, channel, address, attempts, wait, reason, sleep):
    """Try again after `wait` (in the job when short, else from the queue), or fail after the last attempt."""
    if attempts >= ctx.settings.broadcast_max_attempts:
        return _result(row, "failed", channel, address, attempts, reason=reason)
    if wait > IN_JOB_WAIT_S:
        return _result(row, "queued", channel, address, attempts, reason=reason,
                       next_attempt_at=utcnow() + timedelta(seconds=wait))
    if sleep:
        await asyncio.sleep(wait)
    return channel, address, attempts + 1
