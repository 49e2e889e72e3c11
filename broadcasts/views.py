"""Staff JSON API for campaigns (/api/broadcasts/): compose, preview, upload phones, approve, launch, watch.

Every route needs `Authorization: Bearer <staff token>` and a role holding the route's permission
(core.roles: broadcasts.read / compose / approve / launch / personal). Every write goes through
broadcasts.campaigns, which writes the audit row; errors are JSON: 400 with `errors` per field,
403 for four-eyes refusals, 404, and 409 for a move the campaign's state does not allow.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request
from sqlalchemy import func, select

from broadcasts import campaigns, dispatch, preview, replies, uploads
from broadcasts.campaigns import CampaignError
from broadcasts.models import Campaign, Delivery, PhoneUpload
from broadcasts.serialize import campaign_dict, delivery_dict
from broadcasts.validation import Invalid, parse_when
from core import audit, clock
from core.db import session_scope
from core.staff_auth import note, require

bp = Blueprint("broadcasts_api", __name__, url_prefix="/api/broadcasts")
ERROR_STATUS = {"not_found": 404, "wrong_state": 409, "own_campaign": 403, "same_approver": 403,
                "not_allowed": 403, "anonymous": 403}


@bp.errorhandler(CampaignError)
def _campaign_error(exc: CampaignError):
    return jsonify(error=exc.code, description=str(exc)), ERROR_STATUS.get(exc.code, 400)


@bp.errorhandler(Invalid)
def _invalid(exc: Invalid):
    return jsonify(error="invalid", errors=exc.errors), 400


@bp.errorhandler(uploads.UploadRefused)
def _refused(exc: uploads.UploadRefused):
    return jsonify(error="upload_refused", description=str(exc)), 400


def _settings():
    return current_app.config["LOA_SETTINGS"]


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        abort(400, "expected a JSON object")
    return body


def _move(action, campaign_id: int, *args):
    """Run one state move in a transaction, then tell dispatch (after the commit)."""
    settings = _settings()
    with session_scope(settings.database_url) as session:
        campaign = action(session, g.staff, campaign_id, *args)
        out = campaign_dict(session, campaign)
        hooks = session.info.pop("dispatch_hooks", [])
    campaigns.run_hooks(settings, hooks)
    return jsonify(out)


@bp.get("/")
@require("broadcasts.read")
def list_campaigns():
    """Campaigns, newest first; ?state= filters."""
    with session_scope(_settings().database_url) as session:
        limit = request.args.get("limit", 100, type=int) or 100  # not a number: the default, never a 500
        query = select(Campaign).order_by(Campaign.id.desc()).limit(min(max(limit, 1), 500))
        if request.args.get("state"):
            query = query.where(Campaign.state == request.args["state"])
        return jsonify(campaigns=[campaign_dict(session, c) for c in session.execute(query).scalars()])


@bp.post("/")
@require("broadcasts.compose")
def create():
    """A new draft: {title, body_vi, body_en?, buttons?, link?, audience?, allow_sms?, zns_template_id?, urgent?}."""
    settings = _settings()
    with session_scope(settings.database_url) as session:
        campaign = campaigns.create(session, settings, g.staff, _body())
        return jsonify(campaign_dict(session, campaign)), 201


@bp.get("/<int:campaign_id>")
@require("broadcasts.read")
def one(campaign_id: int):
    """The campaign with live counters by status, reason and channel, and its replies."""
    with session_scope(_settings().database_url) as session:
        campaign = campaigns.get(session, campaign_id)
        return jsonify({**campaign_dict(session, campaign), "counters": dispatch.counters(session, campaign_id),
                        "replies": replies.summary(session, campaign_id)})


@bp.patch("/<int:campaign_id>")
@require("broadcasts.compose")
def edit(campaign_id: int):
    """Change a draft's fields (only those given)."""
    settings = _settings()
    with session_scope(settings.database_url) as session:
        return jsonify(campaign_dict(session, campaigns.edit(session, settings, g.staff, campaign_id, _body())))


@bp.get("/<int:campaign_id>/preview")
@require("broadcasts.read")
def show_preview(campaign_id: int):
    """Recipients per channel, commune and language, the estimated duration, the message per language."""
    settings = _settings()
    with session_scope(settings.database_url) as session:
        campaign = campaigns.get(session, campaign_id)
        return jsonify(preview.preview(session, settings, campaign, clock.now(settings)))


@bp.post("/<int:campaign_id>/test-send")
@require("broadcasts.compose")
def test_send(campaign_id: int):
    """Send the campaign, marked as a test, to the caller's own test addresses (PUT /test-addresses)."""
    settings = _settings()
    if g.staff.id is None:
        abort(400, "the bootstrap token has no test addresses; use a named staff account")
    with session_scope(settings.database_url) as session:
        campaign = campaigns.get(session, campaign_id)
        results = preview.test_send(session, settings, campaign, g.staff.id)
        if not results:
            abort(400, "you have no test addresses yet: PUT /api/broadcasts/test-addresses")
        audit.record(session, "campaign.test_send", target_type="campaign", target_id=campaign_id,
                     details={"sent": sum(r["ok"] for r in results), "failed": sum(not r["ok"] for r in results)},
                     actor=g.staff)
        return jsonify(results=results)


@bp.route("/test-addresses", methods=["GET", "PUT"])
@require("broadcasts.compose")
def test_addresses():
    """GET or PUT the caller's own addresses for test sends: [{"channel": zalo|telegram|sms, "address": ...}]."""
    if g.staff.id is None:
        abort(400, "the bootstrap token has no test addresses; use a named staff account")
    with session_scope(_settings().database_url) as session:
        if request.method == "GET":
            return jsonify(addresses=preview.my_addresses(session, g.staff.id))
        body = _body()
        if not isinstance(body.get("addresses"), list):
            abort(400, 'expected {"addresses": [{"channel": ..., "address": ...}]}')
        try:
            saved = preview.set_my_addresses(session, g.staff.id, body["addresses"])
        except ValueError as exc:
            abort(400, str(exc))
        audit.record(session, "staff.test_addresses", target_type="staff_account", target_id=g.staff.id,
                     details={"channels": [a["channel"] for a in saved]}, actor=g.staff)
        return jsonify(addresses=saved)


@bp.post("/uploads")
@require("broadcasts.compose", audit_as="campaign.upload")
def upload_phones():
    """A CSV of phone numbers (the raw body, or a multipart `file`); ?campaign_id= sets it as that draft's audience."""
    settings = _settings()
    file = request.files.get("file")
    data, name = (file.read(), file.filename) if file else (request.get_data(), request.args.get("filename"))
    campaign_id = request.args.get("campaign_id", type=int)
    with session_scope(settings.database_url) as session:
        if campaign_id is not None:
            campaign = campaigns.get(session, campaign_id, lock=True)
            if campaign.state != "draft":
                raise CampaignError("wrong_state", f"cannot change the audience of a campaign that is {campaign.state}")
        upload = uploads.import_phones(session, data, created_by=g.staff.id, filename=name, campaign_id=campaign_id)
        if campaign_id is not None:
            campaigns.edit(session, settings, g.staff, campaign_id,
                           {"audience": {**(campaign.audience or {}), "phones_upload_id": upload.id}})
        note(upload_id=upload.id, accepted=upload.good_count, refused=len(upload.rows))
        return jsonify(uploads.report(upload)), 201


@bp.get("/uploads/<int:upload_id>")
@require("broadcasts.personal", audit_as="campaign.upload.read", target=("phone_upload", "upload_id"))
def upload_report(upload_id: int):
    """An upload's row report (refused rows show the values typed)."""
    with session_scope(_settings().database_url) as session:
        upload = session.get(PhoneUpload, upload_id) or abort(404)
        return jsonify(uploads.report(upload))


@bp.post("/<int:campaign_id>/submit")
@require("broadcasts.compose")
def submit(campaign_id: int):
    """Send a draft for approval."""
    return _move(campaigns.submit, campaign_id)


@bp.post("/<int:campaign_id>/approve")
@require("broadcasts.approve")
def approve(campaign_id: int):
    """Approve (not your own campaign; urgent ones need two approvers)."""
    return _move(campaigns.approve, campaign_id)


@bp.post("/<int:campaign_id>/reject")
@require("broadcasts.approve")
def reject(campaign_id: int):
    """Send back to draft: {"reason": "..."}."""
    return _move(campaigns.reject, campaign_id, str(_body().get("reason") or ""))


@bp.post("/<int:campaign_id>/schedule")
@require("broadcasts.compose")
def schedule(campaign_id: int):
    """Set the start time: {"at": "2026-12-03T08:00:00+07:00"} (null clears it)."""
    errors: dict[str, str] = {}
    when = parse_when(_body().get("at"), errors)
    if errors:
        raise Invalid(errors)
    return _move(campaigns.schedule, campaign_id, when)


@bp.post("/<int:campaign_id>/launch")
@require("broadcasts.launch")
def launch(campaign_id: int):
    """Start an approved campaign now, or at its scheduled time."""
    settings = _settings()
    with session_scope(settings.database_url) as session:
        campaign = campaigns.launch(session, settings, g.staff, campaign_id)
        out = campaign_dict(session, campaign)
        hooks = session.info.pop("dispatch_hooks", [])
    campaigns.run_hooks(settings, hooks)
    return jsonify(out)


@bp.post("/<int:campaign_id>/pause")
@require("broadcasts.launch")
def pause(campaign_id: int):
    """Stop sending (rows sent stay sent): {"reason": "..."}."""
    return _move(campaigns.pause, campaign_id, str(_body().get("reason") or ""))


@bp.post("/<int:campaign_id>/resume")
@require("broadcasts.launch")
def resume(campaign_id: int):
    """Carry on from where it stopped; nothing sent is sent again."""
    return _move(campaigns.resume, campaign_id)


@bp.post("/<int:campaign_id>/cancel")
@require("broadcasts.launch")
def cancel(campaign_id: int):
    """Cancel: rows not yet taken end as failed "cancelled"."""
    return _move(campaigns.cancel, campaign_id, str(_body().get("reason") or ""))


@bp.get("/<int:campaign_id>/replies")
@require("broadcasts.read")
def campaign_replies(campaign_id: int):
    """How many recipients replied within 24 h."""
    with session_scope(_settings().database_url) as session:
        campaigns.get(session, campaign_id)
        return jsonify(replies.summary(session, campaign_id))


@bp.get("/<int:campaign_id>/deliveries")
@require("broadcasts.personal", audit_as="campaign.deliveries.read", target=("campaign", "campaign_id"))
def deliveries(campaign_id: int):
    """Per-recipient rows (?status=, ?reason=, ?after_id= for the next page; 500 a page)."""
    with session_scope(_settings().database_url) as session:
        campaigns.get(session, campaign_id)
        query = (select(Delivery).where(Delivery.campaign_id == campaign_id,
                                        Delivery.id > request.args.get("after_id", 0, type=int))
                 .order_by(Delivery.id).limit(500))
        for key in ("status", "reason", "channel"):
            if request.args.get(key):
                query = query.where(getattr(Delivery, key) == request.args[key])
        rows = [delivery_dict(d) for d in session.execute(query).scalars()]
        total = session.execute(select(func.count()).select_from(Delivery)
                                .where(Delivery.campaign_id == campaign_id)).scalar_one()
        return jsonify(deliveries=rows, total=total)
