"""Campaigns: the list, compose a draft, one campaign with its live progress bar, and every move of its life
(submit, approve, launch, pause, resume, cancel) through broadcasts.campaigns, which audits each move."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from broadcasts import campaigns
from broadcasts.campaigns import CampaignError
from broadcasts.models import FINAL_STATUSES, Campaign, Delivery
from broadcasts.validation import Invalid
from console.access import db_scope, page, settings
from console.auth import staff_names
from console.blueprint import bp
from console.i18n import gettext as _
from console.today import commune_choices
from core.staff_auth import can

# move -> (broadcasts.campaigns function, permission)
MOVES = {
    "submit": (campaigns.submit, "broadcasts.compose"),
    "approve": (campaigns.approve, "broadcasts.approve"),
    "launch": (lambda db, actor, cid: campaigns.launch(db, settings(), actor, cid), "broadcasts.launch"),
    "pause": (campaigns.pause, "broadcasts.launch"),
    "resume": (campaigns.resume, "broadcasts.launch"),
    "cancel": (campaigns.cancel, "broadcasts.launch"),
}

# The moves each state allows (broadcasts.campaigns refuses the others anyway; the page does not offer them).
MOVES_BY_STATE = {"draft": ("submit", "cancel"), "awaiting_approval": ("approve", "cancel"),
                  "scheduled": ("launch", "cancel"), "running": ("pause", "cancel"), "paused": ("resume", "cancel")}
STOP_POLLING = 286  # htmx stops polling a fragment that answers 286


def offered_moves(campaign: Campaign) -> tuple[str, ...]:
    """The moves the campaign's state allows (none while it is being launched, none once it ended)."""
    if campaign.state == "scheduled" and campaign.started_at is not None:
        return ("cancel",)
    return MOVES_BY_STATE.get(campaign.state, ())


def progress(db, campaign: Campaign) -> dict:
    """Delivery rows by status and the share that reached a final status (the progress bar)."""
    by_status = dict(db.execute(select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign.id)
                                .group_by(Delivery.status)).all())
    total = campaign.planned_count if campaign.planned_count is not None else sum(by_status.values())
    done = sum(by_status.get(s, 0) for s in FINAL_STATUSES)
    reasons = db.execute(select(Delivery.reason, func.count()).where(Delivery.campaign_id == campaign.id,
                                                                    Delivery.status == "failed")
                         .group_by(Delivery.reason).order_by(func.count().desc()).limit(10)).all() \
        if by_status.get("failed") else []
    if campaign.state == "finished" and total == 0:
        percent = 100
    else:
        percent = min(100, round(100 * done / total)) if total else 0
    return {"by_status": by_status, "total": total, "done": done, "percent": percent, "reasons": reasons}


@bp.get("/campaigns")
@page("broadcasts.read")
def campaigns_list():
    """Campaigns, newest first."""
    with db_scope() as db:
        rows = db.scalars(select(Campaign).order_by(Campaign.id.desc()).limit(200)).all()
    return render_template("console/campaigns.html", rows=rows)


@bp.get("/campaigns/new")
@page("broadcasts.compose")
def compose():
    """The compose form."""
    return render_template("console/campaign_new.html", communes=commune_choices(), form={})


def _form_data() -> dict:
    form = request.form
    communes = [int(c) for c in form.getlist("communes") if c.isdecimal()]
    return {"title": form.get("title", ""), "body_vi": form.get("body_vi", ""), "body_en": form.get("body_en") or None,
            "link": form.get("link") or None, "urgent": form.get("urgent") == "on",
            "allow_sms": form.get("allow_sms") == "on",
            "audience": {"communes": communes or None, "language": form.get("language") or None}}


@bp.post("/campaigns/new")
@page("broadcasts.compose")
def create():
    """Save a draft (broadcasts.validation names every problem)."""
    data = _form_data()
    try:
        with db_scope() as db:
            campaign = campaigns.create(db, settings(), g.staff, data)
            campaign_id = campaign.id
    except Invalid as exc:
        problems = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
        return render_template("console/campaign_new.html", communes=commune_choices(), form=request.form,
                               error=_("The campaign was not saved: %(problems)s", problems=problems)), 400
    return redirect(url_for("console.campaign", campaign_id=campaign_id))


@bp.get("/campaigns/<int:campaign_id>")
@page("broadcasts.read")
def campaign(campaign_id: int):
    """One campaign: its text, approvals, moves the staff member may make, and the live progress bar."""
    with db_scope() as db:
        try:
            found = campaigns.get(db, campaign_id)
        except CampaignError:
            return render_template("console/error.html", code=404, message=_("Not found.")), 404
        names = staff_names(db, [found.author_id, found.approved_by_id, found.second_approved_by_id])
        bar = progress(db, found)
    moves = {move: MOVES[move] for move in offered_moves(found)}
    return render_template("console/campaign.html", c=found, names=names, bar=bar, moves=moves)


@bp.get("/campaigns/<int:campaign_id>/progress")
@page("broadcasts.read")
def campaign_progress(campaign_id: int):
    """The progress fragment htmx refreshes while the campaign runs."""
    with db_scope() as db:
        try:
            found = campaigns.get(db, campaign_id)
        except CampaignError:
            return "", 404
        bar = progress(db, found)
    status = STOP_POLLING if found.state in ("finished", "cancelled") else 200
    return render_template("console/_campaign_progress.html", c=found, bar=bar), status


@bp.post("/campaigns/<int:campaign_id>/<any(submit, approve, launch, pause, resume, cancel):move>")
@page("broadcasts.read")
def campaign_move(campaign_id: int, move: str):
    """One move of the campaign's life; the role check is the move's own permission (403 without it)."""
    action, permission = MOVES[move]
    if not can(g.staff, permission):
        abort(403)
    try:
        with db_scope() as db:
            action(db, g.staff, campaign_id)
            hooks = db.info.pop("dispatch_hooks", [])
    except CampaignError as exc:
        flash(_("Not done: %(reason)s", reason=str(exc)))
        return redirect(url_for("console.campaign", campaign_id=campaign_id))
    campaigns.run_hooks(settings(), hooks)  # after the commit: dispatch sees the new state
    flash(_("Done: %(move)s.", move=_(move)))
    return redirect(url_for("console.campaign", campaign_id=campaign_id))
