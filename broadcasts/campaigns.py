"""A campaign's life: draft -> awaiting_approval -> scheduled -> running <-> paused -> finished; cancel any time.

Four-eyes: only a supervisor (a role holding "broadcasts.approve") other than the author approves, and an
urgent campaign (it ignores quiet hours) needs a second approver, also not the author nor the first one.
Approval leaves the campaign "scheduled" (ready); `launch` starts it now, or at `scheduled_at` when that
is later. Sending is DISPATCH's (broadcasts.dispatch): it plans the rows, sends them, and finishes the
campaign; this module only moves states, each move under a row lock and with an audit row.
"""
from __future__ import annotations

import importlib
import logging
from datetime import datetime

from rq import Queue, Retry
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broadcasts.models import FINAL_STATES, Campaign, Delivery
from broadcasts.validation import clean
from core import audit, clock, roles
from core.db import session_scope
from core.models import utcnow
from core.redis_conn import get_redis
from core.settings import Settings

log = logging.getLogger(__name__)
NON_FINAL = ("draft", "awaiting_approval", "scheduled", "running", "paused")


class CampaignError(Exception):
    """A move the campaign's state or the four-eyes rule does not allow; `code` names it for the API."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code  # wrong_state | own_campaign | same_approver | not_allowed | anonymous | not_found


def get(session: Session, campaign_id: int, lock: bool = False) -> Campaign:
    """The campaign (locked for update when `lock`); CampaignError not_found when there is none."""
    query = select(Campaign).where(Campaign.id == campaign_id)
    campaign = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if campaign is None:
        raise CampaignError("not_found", f"no campaign {campaign_id}")
    return campaign


def _expect(campaign: Campaign, action: str, *states: str) -> None:
    if campaign.state not in states:
        raise CampaignError("wrong_state", f"cannot {action} a campaign that is {campaign.state}")


def _audit(session: Session, actor, action: str, campaign: Campaign, **details) -> None:
    audit.record(session, f"campaign.{action}", target_type="campaign", target_id=campaign.id,
                 details={"state": campaign.state, **details}, actor=actor)


def create(session: Session, settings: Settings, actor, data: dict) -> Campaign:
    """A new draft from staff's data (validation.clean); the actor is its author."""
    fields = clean(data, settings)
    campaign = Campaign(**fields, state="draft", author_id=getattr(actor, "id", None))
    session.add(campaign)
    session.flush()
    _audit(session, actor, "create", campaign, title=campaign.title)
    return campaign


def edit(session: Session, settings: Settings, actor, campaign_id: int, data: dict) -> Campaign:
    """Change a draft's fields (only the ones given); a campaign sent for approval is no longer editable."""
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "edit", "draft")
    changes = clean({**_current(campaign), **data}, settings)
    changed = sorted(k for k in data if changes.get(k) != getattr(campaign, k))
    for key in data:
        setattr(campaign, key, changes[key])
    _audit(session, actor, "edit", campaign, fields=changed)
    return campaign


def _current(campaign: Campaign) -> dict:
    return {k: getattr(campaign, k) for k in ("title", "body_vi", "body_en", "buttons", "link", "audience",
                                              "allow_sms", "zns_template_id", "urgent", "scheduled_at")}


def submit(session: Session, actor, campaign_id: int) -> Campaign:
    """Send a draft for approval."""
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "submit", "draft")
    campaign.state = "awaiting_approval"
    _audit(session, actor, "submit", campaign)
    return campaign


def approve(session: Session, actor, campaign_id: int) -> Campaign:
    """Approve (four-eyes); the campaign becomes "scheduled" once it has every approval it needs."""
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "approve", "awaiting_approval")
    if getattr(actor, "id", None) is None:
        raise CampaignError("anonymous", "approvals need a named staff account, not the bootstrap token")
    if not roles.allows(actor.role, "broadcasts.approve"):
        raise CampaignError("not_allowed", f"role {actor.role} may not approve campaigns")
    if actor.id == campaign.author_id:
        raise CampaignError("own_campaign", "the author of a campaign cannot approve it")
    if campaign.approved_by_id is None:
        campaign.approved_by_id = actor.id
    elif actor.id == campaign.approved_by_id:
        raise CampaignError("same_approver", "an urgent campaign needs a second, different approver")
    else:
        campaign.second_approved_by_id = actor.id
    if not campaign.urgent or campaign.second_approved_by_id is not None:
        campaign.state = "scheduled"
    _audit(session, actor, "approve", campaign, urgent=campaign.urgent,
           second=campaign.second_approved_by_id == actor.id)
    return campaign


def reject(session: Session, actor, campaign_id: int, reason: str = "") -> Campaign:
    """Send a campaign back to draft (approvals dropped) so its author can change it."""
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "send back", "awaiting_approval", "scheduled")
    campaign.state = "draft"
    campaign.approved_by_id = campaign.second_approved_by_id = campaign.started_at = None
    _audit(session, actor, "reject", campaign, reason=reason[:500])
    return campaign


def schedule(session: Session, actor, campaign_id: int, when: datetime | None) -> Campaign:
    """Set (or clear, with None) the time a launched campaign starts; not once it is running."""
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "schedule", "draft", "awaiting_approval", "scheduled")
    campaign.scheduled_at = when
    _audit(session, actor, "schedule", campaign, scheduled_at=when.isoformat() if when else None)
    return campaign


def launch(session: Session, settings: Settings, actor, campaign_id: int) -> Campaign:
    """Start an approved campaign now, or at its scheduled time (an RQ job then calls `start_due`).

    Starting sets `started_at` and hands the campaign to a job that plans its rows; dispatch makes it
    "running" once they are planned, so nothing sees a running campaign without rows (it would look
    finished). Until then the campaign is "scheduled" with `started_at` set: launching, once only.
    The caller commits, then runs the session's dispatch hooks (`after_commit`).
    """
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "launch", "scheduled")
    if campaign.started_at is not None:
        raise CampaignError("wrong_state", "this campaign is already being launched")
    now = clock.now(settings)
    when = clock.as_utc(campaign.scheduled_at)
    if when is not None and when > now:
        Queue("broadcasts", connection=get_redis(settings)).enqueue_in(
            when - now, "broadcasts.campaigns.start_due", campaign.id, job_id=f"campaign-start-{campaign.id}")
        _audit(session, actor, "launch", campaign, at=when.isoformat())
        return campaign
    _start(session, campaign, now)
    _audit(session, actor, "launch", campaign)
    return campaign


def _start(session: Session, campaign: Campaign, now: datetime) -> None:
    campaign.started_at = now
    session.info.setdefault("dispatch_hooks", []).append(("launch", campaign.id))


def launching(campaign: Campaign) -> bool:
    """Launched, its rows not yet planned (the API shows it as "launching")."""
    return campaign.state == "scheduled" and campaign.started_at is not None


def start_due(campaign_id: int) -> bool:
    """RQ job at a launched campaign's scheduled time: start it if it is still scheduled and due."""
    settings = Settings.from_env()
    with session_scope(settings.database_url) as session:
        campaign = get(session, campaign_id, lock=True)
        when = clock.as_utc(campaign.scheduled_at)
        now = clock.now(settings)
        if campaign.state != "scheduled" or campaign.started_at is not None or (when is not None and when > now):
            return False  # cancelled, sent back, already started, or rescheduled (and launched again) meanwhile
        _start(session, campaign, now)
        _audit(session, "scheduler", "start", campaign)
        hooks = session.info.pop("dispatch_hooks", [])
    run_hooks(settings, hooks, inline=True)  # already in a job
    return True


def pause(session: Session, actor, campaign_id: int, reason: str = "") -> Campaign:
    """Stop taking new chunks; rows already sent stay sent."""
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "pause", "running")
    campaign.state = "paused"
    campaign.paused_reason = (reason or "paused by staff")[:500]
    _audit(session, actor, "pause", campaign, reason=campaign.paused_reason)
    return campaign


def resume(session: Session, actor, campaign_id: int) -> Campaign:
    """Carry on from where the campaign stopped: only rows not yet sent are sent."""
    campaign = get(session, campaign_id, lock=True)
    _expect(campaign, "resume", "paused")
    campaign.state = "running"
    campaign.paused_reason = None
    session.info.setdefault("dispatch_hooks", []).append(("resume", campaign.id))
    _audit(session, actor, "resume", campaign)
    return campaign


def cancel(session: Session, actor, campaign_id: int, reason: str = "") -> Campaign:
    """Cancel from any state but finished/cancelled; rows not yet taken end as failed "cancelled"."""
    campaign = get(session, campaign_id, lock=True)
    if campaign.state in FINAL_STATES:
        raise CampaignError("wrong_state", f"cannot cancel a campaign that is {campaign.state}")
    campaign.state = "cancelled"
    campaign.cancelled_at = utcnow()
    session.execute(update(Delivery).where(Delivery.campaign_id == campaign.id, Delivery.status == "queued")
                    .values(status="failed", reason="cancelled"))
    session.info.setdefault("dispatch_hooks", []).append(("cancel", campaign.id))
    _audit(session, actor, "cancel", campaign, reason=reason[:500])
    return campaign


def run_hooks(settings: Settings, hooks: list[tuple[str, int]], inline: bool = False) -> None:
    """Tell DISPATCH (broadcasts.dispatch.launch/resume/cancel(settings, id)) after the state is committed.

    A launch plans every recipient (seconds for a province), so outside a job it goes to the
    "broadcasts" queue rather than holding the staff member's HTTP request.
    """
    if not hooks:
        return
    if not inline and any(name == "launch" for name, _ in hooks):
        queue = Queue("broadcasts", connection=get_redis(settings))
        for name, campaign_id in hooks:
            if name == "launch":
                queue.enqueue("broadcasts.campaigns.dispatch_launch", campaign_id, retry=Retry(max=3, interval=[5, 30, 120]),
                              job_timeout=1800)
        hooks = [hook for hook in hooks if hook[0] != "launch"]
    try:
        # Imported when used: the sending side (aiohttp, async Redis) loads only where a move needs it.
        dispatch = importlib.import_module("broadcasts.dispatch")
    except ModuleNotFoundError as exc:
        if exc.name != "broadcasts.dispatch":
            raise
        log.warning("broadcasts.dispatch is not installed: campaign states changed, nothing sent")
        return
    for name, campaign_id in hooks:
        hook = getattr(dispatch, name, None)
        if hook is not None:
            hook(settings, campaign_id)


def dispatch_launch(campaign_id: int) -> bool:
    """RQ job: hand a launched campaign to dispatch (plan its rows, mark it running, enqueue its chunks)."""
    settings = Settings.from_env()
    with session_scope(settings.database_url) as session:
        if not launching(get(session, campaign_id)):
            return False  # cancelled or sent back before its rows were planned, or already handed over
    run_hooks(settings, [("launch", campaign_id)], inline=True)
    return True


def after_commit(session: Session, settings: Settings) -> None:
    """Run the dispatch hooks this session's moves queued (call after session.commit())."""
    run_hooks(settings, session.info.pop("dispatch_hooks", []))
